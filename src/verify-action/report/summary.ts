// The job summary: the decision and why, figures, the errors timeline around the
// deploy, rules, checks, messages, a Kibana link and the rollback. Pure markdown;
// every piece of text from the logs or the server passes through escape.ts, and
// the tables are src/github/markdown.ts's, as the build action's are.
import { escapeHtml, escapeMarkdownInline, inlineCode, truncate } from '../../github/escape.js';
import { table } from '../../github/markdown.js';
import { xychart, type XySeries } from '../../github/xychart.js';
import type { Rule } from '../config/config.js';
import type { Decision } from '../judge/decision.js';
import { formatDuration } from '../../shared/units.js';
import type { RateComparison } from '../judge/comparison.js';
import type { MessageCount } from '../measure/messages.js';
import type { VerifyReport } from './report.js';
import { renderAaCheck } from './summary-aa.js';
import { alertsTo, renderNotifications, renderPause } from './summary-actions.js';
import type { NewError } from '../measure/measurement.js';

const ICON: Record<Decision, string> = {
  pass: '✅',
  fail: '❌',
  pause: '⏸️',
  rollback: '⏪',
  inconclusive: '⚠️',
};
const md = escapeMarkdownInline;

function hhmm(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

function utc(at: number | string): string {
  return `${new Date(at).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** At most this many bars (and x-axis labels), so the labels never overprint. */
export const MAX_CHART_BARS = 15;
/** Bar widths the chart picks from, in minutes: the first that fits MAX_CHART_BARS. */
const CHART_STEPS_MIN = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440];

/** Colours that stay apart for colour-blind readers and on GitHub's light and dark themes. */
export const CHART_COLOURS = { before: '#58a6ff', after: '#f0883e', baseline: '#bf4bd6' } as const;

interface ChartBar {
  at: number;
  errorsPerMinute: number;
  afterDeploy: boolean;
}

/**
 * The histogram's buckets merged into bars of `barMinutes`, aligned on the bucket
 * holding the deploy so no bar mixes minutes before and after it. Each bar is a
 * rate (errors per minute over the minutes it covers: a bucket cut by the baseline's
 * start or the window's end counts only its covered part), so a partial bar is drawn
 * at the same scale and the bars after the deploy average to the table's rate.
 */
function mergeBuckets(t: NonNullable<VerifyReport['timeline']>): { barMinutes: number; bars: ChartBar[] } {
  const stepMs = t.stepMinutes * 60_000;
  const n = t.buckets.length;
  let deployIndex = t.buckets.findIndex((b) => b.at + stepMs > t.deployedAt);
  if (deployIndex === -1) deployIndex = n;
  const count = (per: number) => Math.ceil(deployIndex / per) + Math.ceil((n - deployIndex) / per);
  const per =
    CHART_STEPS_MIN.filter((m) => m % t.stepMinutes === 0)
      .map((m) => m / t.stepMinutes)
      .find((k) => count(k) <= MAX_CHART_BARS) ?? Math.max(1, Math.ceil(n / MAX_CHART_BARS));
  const groups = new Map<number, { at: number; errors: number; coveredMs: number }>();
  // Reports written before the timeline carried its span cover whole buckets.
  const start = t.start ?? Number.NEGATIVE_INFINITY;
  const end = t.end ?? Number.POSITIVE_INFINITY;
  t.buckets.forEach((bucket, i) => {
    const key = Math.floor((i - deployIndex) / per);
    const group = groups.get(key) ?? { at: bucket.at, errors: 0, coveredMs: 0 };
    group.errors += bucket.errors;
    group.coveredMs += Math.max(0, Math.min(bucket.at + stepMs, end) - Math.max(bucket.at, start));
    groups.set(key, group);
  });
  const bars = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, g]) => ({
      at: g.at,
      // At least a minute, as the table's rate: a few seconds of a bucket are not a rate.
      errorsPerMinute: g.coveredMs > 0 ? g.errors / Math.max(1, g.coveredMs / 60_000) : 0,
      afterDeploy: key >= 0,
    }));
  return { barMinutes: per * t.stepMinutes, bars };
}

/**
 * The errors chart: errors per minute in at most MAX_CHART_BARS bars, blue before the
 * deploy, orange from it on, and the baseline mean as a line. The legend is in
 * `timelineLegend` (markdown under the chart), since GitHub's mermaid draws none.
 */
export function timelineChart(report: VerifyReport): string | null {
  const t = report.timeline;
  if (!t || t.buckets.length === 0) return null;
  const { bars } = mergeBuckets(t);
  const series: XySeries[] = [
    {
      kind: 'bar',
      values: bars.map((b) => (b.afterDeploy ? 0 : b.errorsPerMinute)),
      colour: CHART_COLOURS.before,
    },
    {
      kind: 'bar',
      values: bars.map((b) => (b.afterDeploy ? b.errorsPerMinute : 0)),
      colour: CHART_COLOURS.after,
    },
  ];
  if (report.baselineRate !== null) {
    series.push({
      kind: 'line',
      values: bars.map(() => report.baselineRate!),
      colour: CHART_COLOURS.baseline,
    });
  }
  const firstAfter = bars.findIndex((b) => b.afterDeploy);
  return xychart({
    title:
      report.baselineRate === null
        ? `Errors per minute, deploy at ${hhmm(t.deployedAt)} UTC`
        : `Errors per minute, deploy at ${hhmm(t.deployedAt)} UTC, baseline ${report.baselineRate}/min`,
    // The deploy's bar says so instead of its time: a longer label would overprint its neighbours.
    xLabels: bars.map((b, i) => (i === firstAfter ? 'deploy' : hhmm(b.at))),
    yLabel: 'errors/min',
    series,
    size: { width: 900, height: 420 },
  });
}

/** What the chart's colours mean, and how wide a bar is. */
function timelineLegend(report: VerifyReport): string {
  const t = report.timeline;
  const barMinutes = t ? mergeBuckets(t).barMinutes : 1;
  const width =
    barMinutes === 1 ? 'one bar per minute' : `one bar per ${formatDuration(barMinutes * 60_000)}`;
  const baseline =
    report.baselineRate === null ? '' : ` · 🟪 line: baseline mean, ${report.baselineRate} errors/min`;
  return `🟦 before the deploy · 🟧 after the deploy${baseline} (errors per minute, ${width}, times in UTC)`;
}

function ruleMatch(rule: Rule | undefined): string {
  if (!rule) return '';
  const what =
    rule.phrase !== undefined
      ? `${inlineCode(rule.phrase)} in ${inlineCode(rule.field)}`
      : inlineCode(truncate(JSON.stringify(rule.query), 120));
  return rule.levels.length ? `${what} at ${rule.levels.map(inlineCode).join(', ')}` : what;
}

export function renderSummary(report: VerifyReport, rules: readonly Rule[] = []): string {
  const out: string[] = [];
  const s = report.scope;
  const dry = report.dryRun ? ' (dry run: reported only, nothing fails or rolls back)' : '';
  out.push(`## ${ICON[report.decision]} Deploy verification: ${report.decision}${dry}`, '');
  const scope = [
    s.service && `service ${inlineCode(s.service)}`,
    s.environment && `environment ${inlineCode(s.environment)}`,
    s.version && `version ${inlineCode(s.version)}`,
    `index ${inlineCode(s.index)}`,
  ].filter(Boolean);
  out.push(
    `${scope.join(' · ')}; deployed ${utc(s.deployedAt)}${s.windowEnd ? `, logs up to ${utc(s.windowEnd)}` : ''}.`,
    '',
  );
  out.push('**Why**', '', ...report.reasons.map((r) => `- ${md(r)}`), '');
  out.push(...renderPause(report));
  if (report.warnings.length)
    out.push(
      '<details><summary>Warnings</summary>',
      '',
      ...report.warnings.map((w) => `- ${md(w)}`),
      '',
      '</details>',
      '',
    );

  out.push(
    ...table(
      ['Errors', 'Errors/min', 'Baseline errors/min', 'Logs', 'New kinds of error', 'Breached rules'],
      ['right', 'right', 'right', 'right', 'right', 'left'],
      [
        [
          String(report.errorCount),
          String(report.errorRate),
          String(report.baselineRate ?? 'n/a'),
          String(report.totalCount),
          String(report.newErrorCount),
          report.breachedRules.map(inlineCode).join(', ') || 'none',
        ],
      ],
    ),
    '',
  );

  const chart = timelineChart(report);
  if (chart) {
    out.push('### Errors around the deploy', '', '```mermaid', chart, '```', '');
    out.push(timelineLegend(report), '');
  }

  if (report.rules.length) {
    const rows = report.rules.map((r) => {
      const rule = rules.find((x) => x.name === r.name);
      const status = r.breached
        ? `**breached** → ${r.action}`
        : r.unmeasured
          ? `**not measured**: ${md(r.unmeasured)}`
          : r.count > r.max
            ? `over max (${r.streak}/${r.consecutive})`
            : 'ok';
      return [
        md(r.name),
        ruleMatch(rule),
        String(r.count),
        String(r.max),
        String(r.consecutive),
        `${r.action}${alertsTo(rule)}`,
        status,
      ];
    });
    out.push(
      '### Rules',
      '',
      ...table(
        ['Rule', 'Matches', 'Count', 'Max', 'Consecutive', 'Action', 'Status'],
        ['left', 'left', 'right', 'right', 'right', 'left', 'left'],
        rows,
      ),
      '',
    );
  }

  if (report.checks.length) {
    const rows = report.checks.map((c) => {
      const window = c.window
        ? `${hhmm(c.window.start)}–${hhmm(c.window.end)} (${formatDuration(Math.max(0, c.window.end - c.window.start))})`
        : '–';
      const increase = c.increase === null ? (c.baselineRate === null ? 'n/a' : '–') : `${c.increase}x`;
      const breaches =
        c.status === 'error'
          ? md(c.error ?? 'error')
          : c.breaches.map((b) => md(`${b.action}: ${b.reason}`)).join('<br>') || '–';
      return [
        String(c.check),
        window,
        c.status,
        String(c.total),
        String(c.errorCount),
        String(c.errorRate),
        increase,
        breaches,
      ];
    });
    out.push(
      '### Checks',
      '',
      ...table(
        ['#', 'Window', 'Status', 'Logs', 'Errors', 'Errors/min', 'vs baseline', 'Breaches'],
        ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
        rows,
      ),
      '',
    );
  }

  out.push(...comparisonSection(report));
  out.push(...messageSection(report));
  out.push(...renderAaCheck(report));

  if (report.kibanaUrl)
    out.push(`<a href="${escapeHtml(report.kibanaUrl)}">Open these errors in Kibana Discover</a>`, '');

  if (report.rollback.triggered) {
    const rows = report.rollback.results.map((r) => [
      r.kind,
      r.succeeded ? 'succeeded' : '**FAILED**',
      md(r.detail),
    ]);
    out.push('### Rollback', '', ...table(['Trigger', 'Result', 'Detail'], [], rows), '');
  } else if (report.rollback.wouldTrigger) {
    out.push('Dry run: the rollback would have been triggered.', '');
  }
  out.push(...renderNotifications(report));
  return out.join('\n');
}

function percent(rate: number): string {
  return `${Math.round(rate * 100_000) / 1000}%`;
}

/** The rate tests behind "errors increased", and which one decided. */
function comparisonSection(report: VerifyReport): string[] {
  const comparisons = report.comparisons ?? [];
  if (comparisons.length === 0) return [];
  const rows = comparisons.map((c) => {
    const side = (s: RateComparison['after']) =>
      c.unit === 'per-minute'
        ? `${s.rate}/min (${s.errors} in ${Math.round(s.exposure * 10) / 10} min)`
        : `${percent(s.rate)} (${s.errors} of ${s.exposure} logs)`;
    const what =
      c.kind === 'canary'
        ? `canary ${inlineCode(c.versions!.canary)} vs stable ${c.versions!.stable.map(inlineCode).join(', ')}`
        : `after vs before the deploy`;
    const decided = report.comparison && report.comparison.kind === c.kind ? ' **(decided)**' : '';
    const result = c.significant ? `**more than ${c.maxIncrease}x**` : `not more than ${c.maxIncrease}x`;
    const ratio = c.ratio === null ? (c.after.errors > 0 ? 'up from 0' : '–') : `${c.ratio}x`;
    return [`${what}${decided}`, side(c.after), side(c.before), ratio, String(c.pValue), result];
  });
  const c = comparisons[0]!;
  return [
    '### Did errors increase?',
    '',
    ...table(
      ['Comparison', 'After', 'Before', 'Ratio', 'p-value', 'Result'],
      ['left', 'right', 'right', 'right', 'right', 'left'],
      rows,
    ),
    '',
    `One-sided conditional binomial test of the error rates (${c.unit === 'per-minute' ? 'per minute' : 'per log line'}${c.kind === 'canary' ? ' for canary vs stable' : ''}) against "at most ${c.maxIncrease}x" (max-increase), at ${c.confidence * 100}% confidence: a rise counts when p < ${Math.round((1 - c.confidence) * 1e6) / 1e6}.${comparisons.length > 1 ? ' Canary vs stable decides where both versions log in the same window: it is free of time-of-day and traffic effects.' : ''}`,
    '',
  ];
}

function firstSeen(at: number | null | undefined): string {
  return typeof at === 'number' ? utc(at) : '–';
}

/** Top error kinds (templates with exact counts) or messages, and the new ones. */
function messageSection(report: VerifyReport): string[] {
  const out: string[] = [];
  const newErrors = report.newErrors as (MessageCount & Partial<NewError>)[];
  const templated = report.messageStrategy === 'templates';
  if (report.topMessages.length) {
    const fresh = new Set(newErrors.map((m) => m.template ?? m.message));
    if (templated) {
      const rows = report.topMessages
        .slice(0, 10)
        .map((m) => [
          String(m.count),
          fresh.has(m.template ?? m.message) ? '🆕' : '',
          inlineCode(truncate(m.template ?? '', 160)),
          inlineCode(truncate(m.message, 160)),
        ]);
      out.push(
        '### Top error kinds since the deploy (exact counts)',
        '',
        ...table(['Count', 'New', 'Template', 'Example'], ['right', 'left', 'left', 'left'], rows),
      );
      if (report.unmatchedErrors) out.push('', `${report.unmatchedErrors} errors match none of these kinds.`);
      out.push('');
    } else {
      const sampled =
        report.messageStrategy === 'sample'
          ? ' (counts from a sample of the latest errors)'
          : report.messagesSampled
            ? ' (estimated counts: the most frequent distinct messages and a sample of the latest errors, merged by shape)'
            : '';
      const rows = report.topMessages
        .slice(0, 10)
        .map((m) => [
          String(m.count),
          fresh.has(m.message) ? '🆕' : '',
          inlineCode(truncate(m.message, 200)),
        ]);
      out.push(
        `### Top error messages since the deploy${sampled}`,
        '',
        ...table(['Count', 'New', 'Message'], ['right', 'left', 'left'], rows),
        '',
      );
    }
  }
  if (newErrors.length) {
    if (templated) {
      const rows = newErrors
        .slice(0, 10)
        .map((m) => [
          firstSeen(m.firstSeen),
          String(m.count),
          `${inlineCode(truncate(m.template ?? '', 160))}${m.variantOf ? ` (variant of ${inlineCode(truncate(m.variantOf, 80))})` : ''}`,
          inlineCode(truncate(m.message, 160)),
        ]);
      out.push(
        `**New kinds of error** (no baseline template matches them, no log of the baseline or the lookback before it holds their constant parts, and their count is not chance): ${report.newErrorCount}`,
        '',
        ...table(['First seen', 'Count', 'Template', 'Example'], ['left', 'right', 'left', 'left'], rows),
      );
    } else {
      out.push(`**New error messages** (not seen in the baseline): ${report.newErrorCount}`, '');
      for (const m of newErrors.slice(0, 10))
        out.push(`- ${inlineCode(truncate(m.message, 200))} × ${m.count}`);
    }
    out.push('');
  }
  const unjudged = report.unjudgedNewErrors ?? [];
  if (unjudged.length) {
    out.push(
      `**Seen once, not judged** (never logged before, but too few lines to tell from chance, so not counted as new): ${unjudged.length}`,
      '',
      ...unjudged
        .slice(0, 10)
        .map(
          (m) =>
            `- ${inlineCode(truncate(m.template, 160))} × ${m.count}: ${inlineCode(truncate(m.message, 160))}`,
        ),
      '',
    );
  }
  return out;
}

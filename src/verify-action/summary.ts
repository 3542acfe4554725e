// The job summary: the decision and why, figures, the errors timeline around the
// deploy, rules, checks, messages, a Kibana link and the rollback. Pure markdown;
// every piece of text from the logs or the server passes through escape.ts.
import { escapeHtml, escapeMarkdownInline, inlineCode, truncate } from '../github/escape.js';
import { xychart } from '../github/xychart.js';
import type { Rule } from './config.js';
import type { Decision } from './decision.js';
import { formatDuration } from '../shared/units.js';
import type { VerifyReport } from './report.js';

const ICON: Record<Decision, string> = { pass: '✅', fail: '❌', rollback: '⏪', inconclusive: '⚠️' };
const md = escapeMarkdownInline;

function hhmm(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

function utc(at: number | string): string {
  return `${new Date(at).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** The per-minute errors chart: baseline bars before the deploy, after-deploy bars from it, the baseline mean as a line. */
export function timelineChart(report: VerifyReport): string | null {
  const t = report.timeline;
  if (!t || t.buckets.length === 0) return null;
  const stepMs = t.stepMinutes * 60_000;
  const before = t.buckets.map((b) => (b.at + stepMs <= t.deployedAt ? b.errors : 0));
  const after = t.buckets.map((b) => (b.at + stepMs > t.deployedAt ? b.errors : 0));
  const series: { kind: 'bar' | 'line'; values: number[] }[] = [
    { kind: 'bar', values: before },
    { kind: 'bar', values: after },
  ];
  if (report.baselineRate !== null) {
    series.push({ kind: 'line', values: t.buckets.map(() => report.baselineRate! * t.stepMinutes) });
  }
  const unit = t.stepMinutes === 1 ? 'minute' : `${t.stepMinutes} minutes`;
  const labels = t.buckets.map((b) =>
    b.at <= t.deployedAt && t.deployedAt < b.at + stepMs ? `${hhmm(b.at)} deploy` : hhmm(b.at),
  );
  return xychart({
    title: `Errors per ${unit} (UTC), deploy at ${hhmm(t.deployedAt)}`,
    xLabels: labels,
    yLabel: 'errors',
    series,
  });
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
    '| Errors | Errors/min | Baseline errors/min | Logs | New error messages | Breached rules |',
    '|---:|---:|---:|---:|---:|---|',
  );
  out.push(
    `| ${report.errorCount} | ${report.errorRate} | ${report.baselineRate ?? 'n/a'} | ${report.totalCount} | ${report.newErrorCount} | ${report.breachedRules.map(inlineCode).join(', ') || 'none'} |`,
    '',
  );

  const chart = timelineChart(report);
  if (chart) {
    out.push('### Errors around the deploy', '', '```mermaid', chart, '```', '');
    out.push(
      'First bars: baseline (before the deploy); second bars: after the deploy; line: baseline mean.',
      '',
    );
  }

  if (report.rules.length) {
    out.push(
      '### Rules',
      '',
      '| Rule | Matches | Count | Max | Consecutive | Action | Status |',
      '|---|---|---:|---:|---:|---|---|',
    );
    for (const r of report.rules) {
      const status = r.breached
        ? `**breached** → ${r.action}`
        : r.count > r.max
          ? `over max (${r.streak}/${r.consecutive})`
          : 'ok';
      out.push(
        `| ${md(r.name)} | ${ruleMatch(rules.find((x) => x.name === r.name))} | ${r.count} | ${r.max} | ${r.consecutive} | ${r.action} | ${status} |`,
      );
    }
    out.push('');
  }

  if (report.checks.length) {
    out.push(
      '### Checks',
      '',
      '| # | Window | Status | Logs | Errors | Errors/min | vs baseline | Breaches |',
      '|---:|---|---|---:|---:|---:|---:|---|',
    );
    for (const c of report.checks) {
      const window = c.window
        ? `${hhmm(c.window.start)}–${hhmm(c.window.end)} (${formatDuration(Math.max(0, c.window.end - c.window.start))})`
        : '–';
      const increase = c.increase === null ? (c.baselineRate === null ? 'n/a' : '–') : `${c.increase}x`;
      const breaches =
        c.status === 'error'
          ? md(c.error ?? 'error')
          : c.breaches.map((b) => md(`${b.action}: ${b.reason}`)).join('<br>') || '–';
      out.push(
        `| ${c.check} | ${window} | ${c.status} | ${c.total} | ${c.errorCount} | ${c.errorRate} | ${increase} | ${breaches} |`,
      );
    }
    out.push('');
  }

  if (report.topMessages.length) {
    const fresh = new Set(report.newErrors.map((m) => m.message));
    const sampled =
      report.messageStrategy === 'sample'
        ? ' (counts from a sample of the latest errors)'
        : report.messagesSampled
          ? ' (estimated counts: the most frequent distinct messages and a sample of the latest errors, merged by shape)'
          : '';
    out.push(
      `### Top error messages since the deploy${sampled}`,
      '',
      '| Count | New | Message |',
      '|---:|---|---|',
    );
    for (const m of report.topMessages.slice(0, 10)) {
      out.push(
        `| ${m.count} | ${fresh.has(m.message) ? '🆕' : ''} | ${inlineCode(truncate(m.message, 200))} |`,
      );
    }
    out.push('');
  }
  if (report.newErrors.length) {
    out.push(`**New error messages** (not seen in the baseline): ${report.newErrors.length}`, '');
    for (const m of report.newErrors.slice(0, 10))
      out.push(`- ${inlineCode(truncate(m.message, 200))} × ${m.count}`);
    out.push('');
  }

  if (report.kibanaUrl)
    out.push(`<a href="${escapeHtml(report.kibanaUrl)}">Open these errors in Kibana Discover</a>`, '');

  if (report.rollback.triggered) {
    out.push('### Rollback', '', '| Trigger | Result | Detail |', '|---|---|---|');
    for (const r of report.rollback.results)
      out.push(`| ${r.kind} | ${r.succeeded ? 'succeeded' : '**FAILED**'} | ${md(r.detail)} |`);
    out.push('');
  } else if (report.rollback.wouldTrigger) {
    out.push('Dry run: the rollback would have been triggered.', '');
  }
  return out.join('\n');
}

// covers: src/verify-action/report/summary.ts, src/verify-action/report/text-report.ts
import { NO_NOTIFICATIONS } from '../../../src/verify-action/respond/notify/notifier.js';
import { describe, expect, it } from '@jest/globals';
import { CHART_BACKGROUND } from '../../../src/github/xychart.js';
import { formatDuration } from '../../../src/shared/units.js';
import type { VerifyReport } from '../../../src/verify-action/report/report.js';
import {
  CHART_COLOURS,
  MAX_CHART_BARS,
  renderSummary,
  timelineChart,
} from '../../../src/verify-action/report/summary.js';
import { renderText } from '../../../src/verify-action/report/text-report.js';
import { configFrom, DEPLOYED } from '../helpers.js';
import { BURST, RULES, verify } from '../run-fixtures.js';

describe('the job summary', () => {
  it('states the decision, why, the figures, rules, checks and messages', async () => {
    const config = configFrom({
      rules: RULES,
      service: 'checkout',
      duration: '0',
      'kibana-url': 'https://kibana.example.com',
    });
    const report = await verify(config, BURST);
    const md = renderSummary(report, config.judgement.rules);
    expect(md).toContain('## ⏪ Deploy verification: rollback');
    expect(md).toContain('| 412 | 43.368 | 0.5 | 5000 | 2 | <code>timeouts</code> |');
    expect(md).toContain(
      '| timeouts | <code>timeout</code> in <code>message</code> | 57 | 10 | 1 | rollback | **breached** → rollback |',
    );
    expect(md).toContain(
      '| auth failed | <code>auth failed</code> in <code>message</code> | 3 | 50 | 1 | fail | ok |',
    );
    expect(md).toMatch(/\| 1 \| 11:50–11:59 \(9m30s\) \| breached \| 5000 \| 412 \| 43.368 \|/);
    expect(md).toContain('<a href="https://kibana.example.com/app/discover#/?_g=');
  });

  it('escapes log text wherever it lands', async () => {
    const config = configFrom({ rules: RULES, duration: '0' });
    const md = renderSummary(await verify(config, BURST), config.judgement.rules);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('[link](http://evil)');
    expect(md).toContain('<code>\\| injected \\| \\[link\\]\\(http://evil\\) &lt;script&gt;</code>');
    expect(md).toContain('<code>upstream timeout after 3021ms calling &lt;payments&gt;</code>');
    // Entities survive whole (not &\#39;).
    expect(md).toContain('rule &#39;timeouts&#39; matched 57 times, max 10 \\(action rollback, check 1\\)');
  });

  it('draws errors per minute around the deploy: before and after bars in their colours, the baseline mean', async () => {
    const report = await verify(configFrom({ duration: '0' }), BURST);
    const chart = timelineChart(report)!;
    const lines = chart.split('\n');
    const init = JSON.parse(lines[0]!.replace(/^%%\{init: /, '').replace(/\}%%$/, ''));
    expect(init.themeVariables.xyChart.plotColorPalette).toBe(
      [CHART_COLOURS.before, CHART_COLOURS.after, CHART_BACKGROUND, CHART_COLOURS.baseline].join(','),
    );
    expect(lines[1]).toBe('xychart-beta');
    expect(lines[2]).toBe('  title "Errors per minute, deploy at 11:50 UTC, baseline 0.5/min"');
    // 40 one-minute buckets become 14 bars of 3 minutes, the deploy's bar starting at 11:50.
    expect(lines[3]).toBe(
      '  x-axis ["11:20", "11:23", "11:26", "11:29", "11:32", "11:35", "11:38", "11:41", "11:44", "11:47", "deploy", "11:53", "11:56", "11:59"]',
    );
    const [before, after, mask, mean] = lines.slice(5).map((l) =>
      l
        .replace(/^\s+\w+ \[|\]$/g, '')
        .split(', ')
        .map(Number),
    );
    expect(before).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    // Rates: 70+71+72 errors in 3 minutes is 71/min; the last bar has one minute, 79.
    expect(after).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 71, 74, 77, 79]);
    expect(mask).toEqual(Array(14).fill(0));
    expect(mean).toEqual(Array(14).fill(0.5));
    expect(renderSummary(report)).toContain(
      '🟦 before the deploy · 🟧 after the deploy · 🟪 line: baseline mean, 0.5 errors/min (errors per minute, one bar per 3m, times in UTC)',
    );
  });

  it('draws a bucket cut by the window end at the rate of the minutes it covers', () => {
    const step = 5 * 60_000;
    const at = (i: number) => DEPLOYED + (i - 2) * step;
    const report = {
      baselineRate: null,
      timeline: {
        stepMinutes: 5,
        deployedAt: DEPLOYED,
        start: at(0),
        // The last bucket is two minutes old at the check: 20 errors in 2 minutes is 10/min, not 4.
        end: at(3) + 2 * 60_000,
        buckets: [0, 1, 2, 3].map((i) => ({ at: at(i), errors: i < 2 ? 5 : 20 })),
      },
    } as unknown as VerifyReport;
    const values = timelineChart(report)!
      .split('\n')
      .filter((l) => /^\s+bar \[/.test(l))
      .map((l) =>
        l
          .replace(/^\s+bar \[|\]$/g, '')
          .split(', ')
          .map(Number),
      );
    expect(values[0]).toEqual([1, 1, 0, 0]);
    expect(values[1]).toEqual([0, 0, 4, 10]);
  });

  it.each([
    // [buckets, step minutes, deploy bucket index, bar minutes, bars]
    [10, 1, 5, 1, 10],
    [16, 1, 8, 2, 8],
    [130, 1, 120, 10, 13],
    [120, 2, 3, 20, 13],
    [600, 1, 599, 60, 11],
  ])(
    '%d buckets of %d min, deploy in bucket %d: %d-minute bars, %d of them',
    (n, step, deployIndex, barMinutes, bars) => {
      const start = DEPLOYED - deployIndex * step * 60_000;
      const report = {
        timeline: {
          stepMinutes: step,
          // The deploy falls 30 s into its bucket.
          deployedAt: start + deployIndex * step * 60_000 + 30_000,
          buckets: Array.from({ length: n }, (_, i) => ({
            at: start + i * step * 60_000,
            errors: (i < deployIndex ? 1 : 5) * step,
          })),
        },
        baselineRate: 1,
      } as VerifyReport;
      const lines = timelineChart(report)!.split('\n');
      const labels = JSON.parse(lines[3]!.replace(/^ {2}x-axis /, ''));
      expect(labels).toHaveLength(bars);
      expect(labels.length).toBeLessThanOrEqual(MAX_CHART_BARS);
      const before = lines[5]!
        .replace(/^\s+bar \[|\]$/g, '')
        .split(', ')
        .map(Number);
      const after = lines[6]!
        .replace(/^\s+bar \[|\]$/g, '')
        .split(', ')
        .map(Number);
      // No bar mixes minutes before and after the deploy: rates are exactly 1 before and 5 after.
      const deployBar = labels.indexOf('deploy');
      expect(deployBar).toBeGreaterThanOrEqual(0);
      expect(before.slice(0, deployBar)).toEqual(Array(deployBar).fill(1));
      expect(after.slice(deployBar)).toEqual(Array(bars - deployBar).fill(5));
      expect(
        renderSummary({
          ...report,
          reasons: [],
          warnings: [],
          rules: [],
          checks: [],
          topMessages: [],
          newErrors: [],
          breachedRules: [],
          scope: {
            index: 'x',
            service: null,
            environment: null,
            version: null,
            levels: [],
            deployedAt: new Date(DEPLOYED).toISOString(),
            windowEnd: null,
            baselineStart: null,
          },
          rollback: { triggered: false, results: [], wouldTrigger: false },
          notifications: NO_NOTIFICATIONS,
          decision: 'pass',
        } as unknown as VerifyReport),
      ).toContain(
        barMinutes === 1 ? 'one bar per minute' : `one bar per ${formatDuration(barMinutes * 60_000)}`,
      );
    },
  );

  it('prints plain text for the terminal without control sequences', async () => {
    const counts = {
      ...BURST,
      messages: [{ key: 'evil \u001b]8;;http://x\u0007link\u001b]8;;\u0007 \u001b[31mred', doc_count: 9 }],
    };
    const text = renderText(await verify(configFrom({ rules: RULES, duration: '0' }), counts));
    expect(text).toMatch(/^decision: rollback \(gate failed\)\n/);
    expect(text).toContain('timeouts: 57 / max 10, rollback, BREACHED');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('NEW evil link red');
  });
});

describe('markdown text', () => {
  it.each([
    ["it's <b>", 'it&#39;s &lt;b&gt;'],
    ['[x](http://e) | y', '\\[x\\]\\(http://e\\) \\| y'],
    ['a\nb', 'a b'],
    ['# h', '\\# h'],
    ['back\\slash &amp;', 'back\\\\slash &amp;amp;'],
  ])('%j -> %j', async (text, out) => {
    const { escapeMarkdownInline } = await import('../../../src/github/escape.js');
    expect(escapeMarkdownInline(text)).toBe(out);
  });
});

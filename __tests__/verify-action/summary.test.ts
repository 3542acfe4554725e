import { describe, expect, it } from '@jest/globals';
import { renderSummary, timelineChart } from '../../src/verify-action/summary.js';
import { renderText } from '../../src/verify-action/text-report.js';
import { configFrom } from './helpers.js';
import { BURST, RULES, verify } from './run-fixtures.js';

describe('the job summary', () => {
  it('states the decision, why, the figures, rules, checks and messages', async () => {
    const config = configFrom({
      rules: RULES,
      service: 'checkout',
      duration: '0',
      'kibana-url': 'https://kibana.example.com',
    });
    const report = await verify(config, BURST);
    const md = renderSummary(report, config.rules);
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
    const md = renderSummary(await verify(config, BURST), config.rules);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('[link](http://evil)');
    expect(md).toContain('<code>\\| injected \\| \\[link\\]\\(http://evil\\) &lt;script&gt;</code>');
    expect(md).toContain('<code>upstream timeout after 3021ms calling &lt;payments&gt;</code>');
    // Entities survive whole (not &\#39;).
    expect(md).toContain('rule &#39;timeouts&#39; matched 57 times, max 10 \\(action rollback, check 1\\)');
  });

  it('draws errors per minute around the deploy: baseline bars, after-deploy bars, the baseline mean', async () => {
    const report = await verify(configFrom({ duration: '0' }), BURST);
    const chart = timelineChart(report)!;
    const lines = chart.split('\n');
    expect(lines[0]).toBe('xychart-beta');
    expect(lines[1]).toBe('  title "Errors per minute UTC deploy at 11:50"');
    expect(lines[2]).toMatch(/^ {2}x-axis \["11:20", "11:21", .*"11:50 deploy", .*"11:59"\]$/);
    const [before, after, mean] = lines.slice(4).map((l) =>
      l
        .replace(/^\s+\w+ \[|\]$/g, '')
        .split(', ')
        .map(Number),
    );
    expect(before).toHaveLength(40);
    expect(before!.slice(28, 32)).toEqual([1, 2, 0, 0]);
    expect(after!.slice(28, 32)).toEqual([0, 0, 70, 71]);
    expect(new Set(mean)).toEqual(new Set([0.5]));
  });

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
    const { escapeMarkdownInline } = await import('../../src/github/escape.js');
    expect(escapeMarkdownInline(text)).toBe(out);
  });
});

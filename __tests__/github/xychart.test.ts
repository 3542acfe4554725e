import { describe, expect, it } from '@jest/globals';
import { CHART_BACKGROUND, xychart, xyLabel } from '../../src/github/xychart.js';

describe('mermaid xychart', () => {
  it.each([
    ['11:50 deploy', '"11:50 deploy"'],
    ['a "quoted" ]; label', '"a quoted label"'],
    ['', '"-"'],
    ['x'.repeat(50), `"${'x'.repeat(40)}"`],
  ])('label %j -> %s', (text, label) => {
    expect(xyLabel(text)).toBe(label);
  });

  it('renders series of equal length with a y range above the top value', () => {
    expect(
      xychart({
        title: 'Errors per minute',
        xLabels: ['11:49', '11:50'],
        yLabel: 'errors',
        series: [
          { kind: 'bar', values: [3, 0] },
          { kind: 'line', values: [1.23456, Number.NaN] },
        ],
      }),
    ).toBe(
      [
        'xychart-beta',
        '  title "Errors per minute"',
        '  x-axis ["11:49", "11:50"]',
        '  y-axis "errors" 0 --> 4',
        '  bar [3, 0]',
        '  line [1.235, 0]',
      ].join('\n'),
    );
  });

  it('colours series through an init directive, and masks the 0 stubs of alternating bar series', () => {
    const lines = xychart({
      title: 'x',
      xLabels: ['a', 'b'],
      yLabel: 'y',
      series: [
        { kind: 'bar', values: [1, 0], colour: '#58a6ff' },
        { kind: 'bar', values: [0, 2], colour: '#f0883e' },
        { kind: 'line', values: [1, 1], colour: 'red; } evil' },
      ],
      size: { width: 900, height: 420 },
    }).split('\n');
    const init = JSON.parse(lines[0]!.replace(/^%%\{init: /, '').replace(/\}%%$/, ''));
    expect(init.xyChart).toEqual({ width: 900, height: 420 });
    // A colour that is not a hex colour never reaches the directive.
    expect(init.themeVariables.xyChart.plotColorPalette).toBe(`#58a6ff,#f0883e,${CHART_BACKGROUND},#8b949e`);
    expect(init.themeVariables.xyChart.backgroundColor).toBe(CHART_BACKGROUND);
    expect(lines.slice(5)).toEqual(['  bar [1, 0]', '  bar [0, 2]', '  bar [0, 0]', '  line [1, 1]']);
  });
});

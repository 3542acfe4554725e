import { describe, expect, it } from '@jest/globals';
import { xychart, xyLabel } from '../../src/github/xychart.js';

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
});

// Mermaid xychart-beta source. Labels are quoted and reduced to a safe character
// set (the grammar treats brackets, quotes and semicolons as syntax); values are
// finite numbers.
//
// Coloured charts carry an `%%{init}%%` directive (GitHub's mermaid honours it):
// the palette gives each series its colour in order (mermaid's own draws every
// bar series in near-identical pastels), and the chart's background and text are
// fixed so those colours read the same in GitHub's light and dark themes.
// Mermaid draws a bar of 0 as a stub from the plot's bottom edge up to the 0 tick
// (the axis keeps half a label of padding there): in a chart whose bar series take
// turns (one is 0 where the other has a value) every stub of the series drawn last
// would cover the real bars under it. A last bar series of zeros in the background
// colour paints over exactly that strip below 0, so bars start at the 0 line.

export interface XySeries {
  kind: 'bar' | 'line';
  values: readonly number[];
  /** CSS hex colour (#rgb or #rrggbb); mermaid's palette when unset. */
  colour?: string;
}

export interface XyChart {
  title: string;
  xLabels: readonly string[];
  yLabel: string;
  series: readonly XySeries[];
  /** Drawing size in px (mermaid's default is 700 x 500); it scales down to the page's width. */
  size?: { width: number; height: number };
}

/** A quoted xychart label: letters, digits, spaces and `:+,._/-` only. */
export function xyLabel(text: string, maxLength = 40): string {
  const safe = text
    .replace(/[^A-Za-z0-9 :+,._/-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
  return `"${safe === '' ? '-' : safe}"`;
}

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
export const CHART_BACKGROUND = '#ffffff';
const CHART_TEXT = '#1f2328';
const UNSET_COLOUR = '#8b949e';

function formatValue(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '0';
}

export function xychart(chart: XyChart): string {
  const values = chart.series.flatMap((s) => s.values.filter(Number.isFinite));
  const top = Math.max(1, ...values);
  const coloured = chart.series.some((s) => s.colour);
  let series = chart.series;
  if (coloured && series.filter((s) => s.kind === 'bar').length > 1) {
    const lastBar = series.map((s) => s.kind).lastIndexOf('bar');
    const mask: XySeries = {
      kind: 'bar',
      values: series[lastBar]!.values.map(() => 0),
      colour: CHART_BACKGROUND,
    };
    series = [...series.slice(0, lastBar + 1), mask, ...series.slice(lastBar + 1)];
  }
  const lines: string[] = [];
  if (coloured || chart.size) lines.push(initDirective(series, coloured, chart.size));
  lines.push(
    'xychart-beta',
    `  title ${xyLabel(chart.title, 80)}`,
    `  x-axis [${chart.xLabels.map((l) => xyLabel(l)).join(', ')}]`,
    `  y-axis ${xyLabel(chart.yLabel)} 0 --> ${Math.ceil(top * 1.1)}`,
    ...series.map((s) => `  ${s.kind} [${s.values.map(formatValue).join(', ')}]`),
  );
  return lines.join('\n');
}

function initDirective(series: readonly XySeries[], coloured: boolean, size: XyChart['size']): string {
  const init: Record<string, unknown> = {};
  if (size) init.xyChart = { width: size.width, height: size.height };
  if (coloured) {
    const palette = series.map((s) => (s.colour && HEX_COLOUR.test(s.colour) ? s.colour : UNSET_COLOUR));
    const text = Object.fromEntries(
      [
        'title',
        'xAxisTitle',
        'xAxisLabel',
        'xAxisTick',
        'xAxisLine',
        'yAxisTitle',
        'yAxisLabel',
        'yAxisTick',
        'yAxisLine',
      ].map((part) => [`${part}Color`, CHART_TEXT]),
    );
    init.themeVariables = {
      xyChart: { backgroundColor: CHART_BACKGROUND, ...text, plotColorPalette: palette.join(',') },
    };
  }
  return `%%{init: ${JSON.stringify(init)}}%%`;
}

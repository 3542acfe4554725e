// Mermaid xychart-beta source. Labels are quoted and reduced to a safe character
// set (the grammar treats brackets, quotes and semicolons as syntax); values are
// finite numbers.

export interface XySeries {
  kind: 'bar' | 'line';
  values: readonly number[];
}

export interface XyChart {
  title: string;
  xLabels: readonly string[];
  yLabel: string;
  series: readonly XySeries[];
}

/** A quoted xychart label: letters, digits, spaces and `:+._/-` only. */
export function xyLabel(text: string, maxLength = 40): string {
  const safe = text
    .replace(/[^A-Za-z0-9 :+._/-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
  return `"${safe === '' ? '-' : safe}"`;
}

export function xychart(chart: XyChart): string {
  const values = chart.series.flatMap((s) => s.values.filter(Number.isFinite));
  const top = Math.max(1, ...values);
  const lines = [
    'xychart-beta',
    `  title ${xyLabel(chart.title, 80)}`,
    `  x-axis [${chart.xLabels.map((l) => xyLabel(l)).join(', ')}]`,
    `  y-axis ${xyLabel(chart.yLabel)} 0 --> ${Math.ceil(top * 1.1)}`,
    ...chart.series.map(
      (s) =>
        `  ${s.kind} [${s.values.map((v) => (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '0')).join(', ')}]`,
    ),
  ];
  return lines.join('\n');
}

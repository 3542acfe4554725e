// Prints what the hardening suite tried, summed over its test files (see tally.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export default function report() {
  const file = path.join(import.meta.dirname, '..', '..', '.tmp', 'hardening-tally.jsonl');
  if (!existsSync(file)) return;
  const sums = new Map();
  const maxima = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line);
    if ('max' in entry) maxima.set(entry.metric, Math.max(maxima.get(entry.metric) ?? 0, entry.max));
    else sums.set(entry.metric, (sums.get(entry.metric) ?? 0) + entry.amount);
  }
  const rows = [...sums, ...[...maxima].map(([metric, value]) => [metric, Math.round(value * 10) / 10])];
  const width = Math.max(...rows.map(([metric]) => metric.length));
  const lines = rows.map(([metric, value]) => `  ${metric.padEnd(width)}  ${value}`);
  process.stdout.write(`\nhardening: what was tried\n${lines.join('\n')}\n`);
  writeFileSync(
    path.join(path.dirname(file), 'hardening-tally.json'),
    `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`,
  );
}

// Counts what the hardening suite tries. Test files run in separate jest workers, so each count
// is appended as one JSON line to a file the global teardown (tally-report.mjs) sums and prints.
import { expect } from '@jest/globals';
import { appendFileSync } from 'node:fs';
import path from 'node:path';

export const TALLY_FILE = path.join(import.meta.dirname, '..', '..', '.tmp', 'hardening-tally.jsonl');

export type Metric =
  | 'property cases generated'
  | 'log bytes fed to the engine'
  | 'regular expressions collected'
  | 'regex runs on adversarial input'
  | 'adversarial input bytes'
  | 'inputs covered'
  | 'wrong values tried'
  | 'faults injected'
  | 'fault scenarios'
  | 'rollback refusals tried'
  | 'artefacts audited'
  | 'secret forms searched'
  | 'secrets leaked'
  | 'slowest regex run (ms)';

export function tally(
  metric: Metric,
  amount: number,
  suite = path.basename(expect.getState().testPath ?? ''),
): void {
  appendFileSync(TALLY_FILE, `${JSON.stringify({ metric, amount, suite })}\n`);
}

/** For maxima: the report keeps the largest value. */
export function tallyMax(metric: Metric, value: number): void {
  appendFileSync(TALLY_FILE, `${JSON.stringify({ metric, max: value })}\n`);
}

// The check loop: every `interval` for `duration`, each check over a window that
// grows from the deploy to now minus the ingest delay. It knows when to check,
// not what a breach is: each observation goes to the judge, which says whether
// the verdict is settled. The clock is injected so tests run a 10-minute watch
// instantly.
import type { VerifyConfig } from './config/config.js';
import type { CheckJudge, CheckResult, Verdict } from './judge/decision.js';
import type { Observation } from './measure/measurement.js';
import { windowAt, type CheckWindow } from './measure/window.js';
import type { Clock } from './ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Offsets from the start at which checks run: every interval, and once more at the end if it falls between. */
export function checkOffsets(intervalMs: number, durationMs: number): number[] {
  if (durationMs === 0) return [0];
  const offsets: number[] = [];
  for (let t = intervalMs; t <= durationMs; t += intervalMs) offsets.push(t);
  if (offsets.at(-1) !== durationMs) offsets.push(durationMs);
  return offsets;
}

export interface WatchResult {
  checks: CheckResult[];
  verdict: Verdict;
  /** True when the verdict came before the last scheduled check. */
  stoppedEarly: boolean;
}

export async function watch(
  config: Pick<VerifyConfig, 'scope' | 'schedule'>,
  clock: Clock,
  judge: CheckJudge,
  measure: (window: CheckWindow, checkTime: number, scheduledLast: boolean) => Promise<Observation>,
  onCheck: (check: CheckResult) => void = () => {},
): Promise<WatchResult> {
  const start = clock.now();
  const offsets = checkOffsets(config.schedule.intervalMs, config.schedule.durationMs);
  const checks: CheckResult[] = [];
  for (const [i, offset] of offsets.entries()) {
    const wait = start + offset - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const at = clock.now();
    const window = windowAt(config, at);
    const last = i === offsets.length - 1;
    // Until the ingest delay has passed since the deploy there is nothing to measure yet.
    if (!last && window.end <= window.deployedAt) continue;
    const observation = await measure(window, at, last);
    const result = judge.evaluate(checks.at(-1), observation, checks.length + 1);
    checks.push(result);
    onCheck(result);
    const settled = judge.verdict(checks, last);
    if (settled) return { checks, verdict: settled, stoppedEarly: !last };
  }
  // Unreachable: the last iteration always returns a verdict.
  throw new Error('watch ended without a verdict');
}

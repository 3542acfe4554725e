// The time window a check measures: from the deploy to the check time less the
// ingest delay (logs take that long to become searchable), with the baseline
// period before the deploy to compare it with. The window grows with each check.
import type { VerifyConfig } from '../config/config.js';

export interface CheckWindow {
  /** Start of the baseline (== deployedAt when there is no baseline). */
  baselineStart: number;
  deployedAt: number;
  /** Inclusive end of the window: the check time minus the ingest delay. */
  end: number;
}

export function windowAt(config: Pick<VerifyConfig, 'scope'>, checkTime: number): CheckWindow {
  const { deployedAt, baselineWindowMs, ingestDelayMs } = config.scope;
  return { baselineStart: deployedAt - baselineWindowMs, deployedAt, end: checkTime - ingestDelayMs };
}

// The gate measures its own noise (an A/A check): before the window is judged against the
// baseline, the baseline's two halves are judged against each other by the same rules, the same
// rate test and the same new-kind judgement. Nothing changed between them, so whatever is
// reported there, a new kind or a significant rise, is what the gate would report on a deploy
// that changed nothing. A new kind there makes the new-kind judgement unreliable for this
// service: max-new-errors is then reported, not applied, and the summary says so.
import type { VerifyConfig } from '../config/config.js';
import type { Measurement, NewError } from '../measure/measurement.js';
import { halvesComparison, type RateComparison } from './comparison.js';

export interface AaCheck {
  /** Where the baseline was cut (epoch ms). */
  splitAt: number;
  /** Kinds the new-kind judgement calls new between the halves (noise); null when kinds were not judged. */
  newKinds: NewError[] | null;
  /** The rate test of the second half against the first; null when not comparable. */
  rate: RateComparison | null;
}

/** The A/A check of a measurement, or null without a baseline cut in two. */
export function aaCheck(config: Pick<VerifyConfig, 'judgement'>, m: Measurement): AaCheck | null {
  if (!m.baselineHalves) return null;
  return {
    splitAt: m.baselineHalves.splitAt,
    newKinds: m.templates?.aa ? m.templates.aa.newKinds : null,
    rate: halvesComparison(config, m),
  };
}

/** Whether the A/A split shows new kinds: the new-kind judgement is then noise for this service. */
export function newKindsUnreliable(aa: AaCheck | null): boolean {
  return (aa?.newKinds?.length ?? 0) > 0;
}

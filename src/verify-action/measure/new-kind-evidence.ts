// Whether a window kind the baseline did not hold is new, or merely not seen yet. A kind passes
// the first two tests in error-templates.ts (no baseline template matches it; no baseline log
// holds its constant words); here, two more, as production gates require before they call
// something new: (c) the longer lookback before the baseline holds none of it either, and (d)
// its count in the window is too high to be chance. Under "nothing changed", the kind's lines
// fall before and after the deploy in proportion to the time observed on each side, so n window
// lines and none before have probability (window / (window + prior))^n: the conditional binomial
// test of two Poisson rates at ratio 1 (stats/rate-ratio.ts), at the rate test's confidence. One
// line never suffices: a kind seen once is listed as "seen once, not judged", never as new.
// A check tests every window kind at once, so the chance that one of many known-but-rare kinds
// looks new grows with their number (the A/A check showed it: one steady service in ten on a
// system with hundreds of kinds): the kinds of one check are judged together, Holm's step-down
// correction (Holm 1979) over every kind the window showed holding the chance of any false "new"
// among them to 1 - confidence.
import { rateRatioTest } from '../../stats/rate-ratio.js';

/** Lines a kind needs in the window before it can be judged new at all. */
const MIN_NEW_KIND_LINES = 2;

export interface KindEvidence {
  /** The kind's lines in the window (exact count). */
  windowCount: number;
  /** Its lines in the lookback before the baseline (0: none; the baseline's are tested before). */
  lookbackCount: number;
  /** The window's span and the observed span before the deploy (baseline and lookback, as far as the index holds logs), ms. */
  windowMs: number;
  priorMs: number;
  confidence: number;
}

export type KindVerdict =
  | { kind: 'new'; pValue: number }
  /** Too few lines to tell from chance: listed, not counted. */
  | { kind: 'not-judged'; pValue: number }
  /** Logged in the lookback: a known kind that the baseline happened not to hold. */
  | { kind: 'seen-before' };

/** One kind alone: its own test at the full 1 - confidence. */
export function judgeNewKind(e: KindEvidence): KindVerdict {
  return judgeNewKinds([e], 1)[0]!;
}

/**
 * The kinds of one check, judged together (Holm): of the `family` hypotheses (every kind the
 * window showed; those failing the earlier tests count, never rejected), sorted by p-value, the
 * i-th smallest (from 0) is new while every p up to it is below (1 - confidence) / (family - i).
 */
export function judgeNewKinds(evidence: readonly KindEvidence[], family: number): KindVerdict[] {
  const verdicts = evidence.map(single);
  const judged = verdicts
    .map((v, i) => ({ v, i }))
    .filter((x): x is { v: { kind: 'new'; pValue: number }; i: number } => x.v.kind === 'new')
    .sort((a, b) => a.v.pValue - b.v.pValue);
  const m = Math.max(family, judged.length);
  let stillRejecting = true;
  judged.forEach(({ v, i }, rank) => {
    stillRejecting &&= v.pValue < (1 - evidence[i]!.confidence) / (m - rank);
    if (!stillRejecting) verdicts[i] = { kind: 'not-judged', pValue: v.pValue };
  });
  return verdicts;
}

function single(e: KindEvidence): KindVerdict {
  if (e.lookbackCount > 0) return { kind: 'seen-before' };
  // No time observed on one side: nothing to compare, so the chance of all-after is 1.
  const pValue =
    e.windowMs > 0 && e.priorMs > 0 && e.windowCount > 0
      ? rateRatioTest({
          after: e.windowCount,
          before: 0,
          afterExposure: e.windowMs,
          beforeExposure: e.priorMs,
          ratio: 1,
          confidence: e.confidence,
        }).pValue
      : 1;
  if (e.windowCount >= MIN_NEW_KIND_LINES && pValue < 1 - e.confidence) return { kind: 'new', pValue };
  return { kind: 'not-judged', pValue };
}

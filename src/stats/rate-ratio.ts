// Did the error rate rise by more than a given factor? The conditional binomial
// test of two Poisson rates (Przyborowski & Wilenski 1940; the exact test behind
// R's poisson.test for two samples): given n = x1 + x0 events over exposures e1
// (after) and e0 (before), under H0 "rate1 / rate0 = ratio" the count after is
// Binomial(n, ratio*e1 / (ratio*e1 + e0)). The one-sided p-value P(X >= x1)
// tests H0 "rate1 / rate0 <= ratio": small only when the rise is beyond the
// ratio by more than noise explains. A handful of errors over a quiet minute or
// two is noise; a sustained doubling is not.
import { binomialUpperTail } from './beta.js';

export interface RateTestInput {
  /** Events after (window) and before (baseline). */
  after: number;
  before: number;
  /** Exposure of each: minutes, or log lines when normalizing by volume. */
  afterExposure: number;
  beforeExposure: number;
  /** H0's largest tolerated ratio of rates (the minimum effect that matters), > 0. */
  ratio: number;
  /** Confidence to reject H0, e.g. 0.99. */
  confidence: number;
}

export interface RateTestResult {
  /** Rate after / rate before; null when there was no event before (infinite) or nothing to compare. */
  observedRatio: number | null;
  pValue: number;
  /** p < 1 - confidence: the rise beyond `ratio` is significant. */
  significant: boolean;
  /** The binomial success probability under H0 (the share of events expected after at the tolerated ratio). */
  nullShare: number;
}

export function rateRatioTest(input: RateTestInput): RateTestResult {
  const { after, before, afterExposure, beforeExposure, ratio, confidence } = input;
  if (![after, before].every((x) => Number.isInteger(x) && x >= 0))
    throw new RangeError('rateRatioTest: counts must be whole numbers >= 0');
  if (!(afterExposure > 0 && beforeExposure > 0))
    throw new RangeError('rateRatioTest: exposures must be > 0');
  if (!(ratio > 0)) throw new RangeError('rateRatioTest: ratio must be > 0');
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError('rateRatioTest: confidence must be in (0, 1)');
  const nullShare = (ratio * afterExposure) / (ratio * afterExposure + beforeExposure);
  const pValue = binomialUpperTail(after, after + before, nullShare);
  const observedRatio = before > 0 ? after / afterExposure / (before / beforeExposure) : null;
  return { observedRatio, pValue, significant: pValue < 1 - confidence, nullShare };
}

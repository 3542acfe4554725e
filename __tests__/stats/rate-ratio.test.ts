import { describe, expect, it } from '@jest/globals';
import { rateRatioTest } from '../../src/stats/rate-ratio.js';

// Expected values computed with SciPy 1.x: scipy.stats.binom.sf(k - 1, n, p) with
// p = ratio*e1 / (ratio*e1 + e0).
describe('conditional binomial rate-ratio test', () => {
  it.each([
    // after, before, after exposure, before exposure, ratio, p-value
    [5, 0, 5, 30, 2, 0.0009765625],
    [3, 0, 5, 30, 2, 0.015625],
    [7, 2, 5, 30, 2, 0.0013427734375],
    [3, 3, 10, 30, 2, 0.45568000000000003],
    [12, 18, 10, 30, 2, 0.5689095006195526],
    [40, 60, 10, 30, 2, 0.5379246591140368],
    [25, 30, 5, 30, 1.5, 1.78301171320759e-5],
    [0, 10, 5, 30, 2, 1.0],
    [1000, 4000, 10, 30, 2, 1.0],
    [2100, 3100, 10, 30, 2, 0.29025670352032895],
    [2200, 3100, 10, 30, 2, 0.013023196803156197],
    [30, 120, 6000, 120000, 2, 3.2021256086766305e-5],
    [9, 3, 1, 1, 1, 0.072998046875],
    [150000, 300000, 10, 30, 2.5, 1.0],
  ])('%p after vs %p before (exposures %p / %p, ratio %p): p = %p', (after, before, e1, e0, ratio, p) => {
    const result = rateRatioTest({
      after,
      before,
      afterExposure: e1,
      beforeExposure: e0,
      ratio,
      confidence: 0.99,
    });
    expect(Math.abs(result.pValue - p)).toBeLessThan(1e-9 + p * 1e-7);
    expect(result.significant).toBe(p < 0.01);
  });

  it('reports the observed ratio of rates, null without errors before', () => {
    const base = { afterExposure: 10, beforeExposure: 30, ratio: 2, confidence: 0.99 };
    expect(rateRatioTest({ ...base, after: 20, before: 30 }).observedRatio).toBeCloseTo(2);
    expect(rateRatioTest({ ...base, after: 3, before: 0 }).observedRatio).toBeNull();
  });

  it('tells noise from an increase at low volume: 0.3 errors a minute before and after', () => {
    // 3 errors in 10 minutes after, 9 in 30 before: nothing to reject.
    const noise = rateRatioTest({
      after: 3,
      before: 9,
      afterExposure: 10,
      beforeExposure: 30,
      ratio: 2,
      confidence: 0.99,
    });
    expect(noise.significant).toBe(false);
    // Even 6 after (twice the rate) is within noise of a doubling.
    expect(
      rateRatioTest({
        after: 6,
        before: 9,
        afterExposure: 10,
        beforeExposure: 30,
        ratio: 2,
        confidence: 0.99,
      }).significant,
    ).toBe(false);
    // A storm is not.
    expect(
      rateRatioTest({
        after: 60,
        before: 9,
        afterExposure: 10,
        beforeExposure: 30,
        ratio: 2,
        confidence: 0.99,
      }).significant,
    ).toBe(true);
  });

  it('rejects bad input', () => {
    const ok = { after: 1, before: 1, afterExposure: 1, beforeExposure: 1, ratio: 2, confidence: 0.99 };
    expect(() => rateRatioTest({ ...ok, after: 1.5 })).toThrow(RangeError);
    expect(() => rateRatioTest({ ...ok, afterExposure: 0 })).toThrow(RangeError);
    expect(() => rateRatioTest({ ...ok, ratio: 0 })).toThrow(RangeError);
    expect(() => rateRatioTest({ ...ok, confidence: 1 })).toThrow(RangeError);
  });
});

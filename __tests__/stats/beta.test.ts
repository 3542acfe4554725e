import { describe, expect, it } from '@jest/globals';
import { binomialUpperTail, logGamma, regularizedBeta } from '../../src/stats/beta.js';

// Expected values computed with SciPy 1.x: scipy.special.betainc(a, b, x); binomialUpperTail is
// scipy.stats.binom.sf(k - 1, n, p).
describe('regularized incomplete beta', () => {
  it.each([
    [0.3, 2, 5, 0.5798250000000003],
    [0.9, 0.5, 0.5, 0.7951672353008665],
    [0.01, 100, 1000, 6.266400850917211e-61],
    [0.5, 1, 1, 0.5],
    [0.2, 30, 90, 0.09805540872336616],
  ])('I_%p(%p, %p) = %p', (x, a, b, expected) => {
    expect(regularizedBeta(x, a, b)).toBeCloseTo(expected, 10);
    expect(Math.abs(regularizedBeta(x, a, b) - expected) / Math.max(expected, 1e-300)).toBeLessThan(1e-8);
  });

  it('has the edges and log-gamma of whole numbers', () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(() => regularizedBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { judgeNewKind, judgeNewKinds } from '../../../src/verify-action/measure/new-kind-evidence.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('a kind the baseline did not hold: new, or not judged', () => {
  it.each([
    // One line is never enough, however long the quiet before it.
    [1, 0, 10 * MINUTE, 7 * DAY, 'not-judged'],
    // Two lines in 10 minutes after a week without one: (10 / (10 + 10080))^2, far below 1%.
    [2, 0, 10 * MINUTE, 7 * DAY, 'new'],
    // A new index: only the 30-minute baseline before. Two lines are chance 6% of the time, three 1.6%, four 0.4%.
    [2, 0, 10 * MINUTE, 30 * MINUTE, 'not-judged'],
    [3, 0, 10 * MINUTE, 30 * MINUTE, 'not-judged'],
    [4, 0, 10 * MINUTE, 30 * MINUTE, 'new'],
    // Logged three days ago: known, not new.
    [50, 3, 10 * MINUTE, 7 * DAY, 'seen-before'],
    // Nothing observed before the deploy: nothing to compare with.
    [50, 0, 10 * MINUTE, 0, 'not-judged'],
  ])(
    '%d lines in the window, %d in the lookback, %d ms after, %d ms before: %s',
    (n, lookback, w, prior, verdict) => {
      expect(
        judgeNewKind({
          windowCount: n,
          lookbackCount: lookback,
          windowMs: w,
          priorMs: prior,
          confidence: 0.99,
        }).kind,
      ).toBe(verdict);
    },
  );

  it('gives the chance of all lines after the deploy as its p-value', () => {
    const v = judgeNewKind({ windowCount: 3, lookbackCount: 0, windowMs: 10, priorMs: 30, confidence: 0.99 });
    expect(v.kind).toBe('not-judged');
    expect(v.kind !== 'seen-before' && v.pValue).toBeCloseTo((10 / 40) ** 3, 10);
  });

  it('judges the kinds of one check together (Holm), so many rare kinds do not add up to a false new one', () => {
    const kind = (windowCount: number, priorMs: number) => ({
      windowCount,
      lookbackCount: 0,
      windowMs: 1,
      priorMs,
      confidence: 0.99,
    });
    // p = 1e-6, and twice (1 / 12.9)^2 = 0.006: alone, each of the last two is new at 1%.
    const strong = kind(3, 99);
    const weak = kind(2, 11.9);
    expect(judgeNewKind(weak).kind).toBe('new');
    const together = judgeNewKinds([weak, strong, weak], 3).map((v) => v.kind);
    // Holm: 1e-6 < 0.01 / 3, then 0.006 is not < 0.01 / 2: it and every larger p stop there.
    expect(together).toEqual(['not-judged', 'new', 'not-judged']);
    // The family is every kind the window showed: 1e-6 is still new among 40, 0.0015 is not.
    expect(judgeNewKinds([strong, kind(2, 25)], 40).map((v) => v.kind)).toEqual(['new', 'not-judged']);
    expect(judgeNewKinds([], 10)).toEqual([]);
  });
});

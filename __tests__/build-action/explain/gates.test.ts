import { describe, it, expect } from '@jest/globals';
import { breaches, evaluateGates, type GateSettings } from '../../../src/build-action/explain/gates.js';
import { clean01, parse09, partial03 } from '../reports.js';

const off: GateSettings = {
  minCacheHitRatio: null,
  maxDurationMs: null,
  maxContextBytes: null,
  failOnWarnings: false,
};

describe('evaluateGates', () => {
  it('checks nothing unless asked', () => {
    expect(evaluateGates(clean01, off, 999_999)).toEqual([]);
  });

  it('min-cache-hit-ratio: says by how many points the build missed', () => {
    const [result] = evaluateGates(clean01, { ...off, minCacheHitRatio: 0.8 }, null);
    expect(result).toEqual({
      gate: 'min-cache-hit-ratio',
      passed: false,
      message: 'cache hit ratio 0% (0/9 steps cached) < minimum 80%',
      excess: '80 percentage points short',
    });
    expect(evaluateGates(partial03, { ...off, minCacheHitRatio: 0.8 }, null)[0]).toMatchObject({
      passed: true,
      message: 'cache hit ratio 89% (8/9 steps cached) >= minimum 80%',
    });
    expect(evaluateGates(parse09, { ...off, minCacheHitRatio: 0.8 }, null)[0]).toMatchObject({
      passed: true,
      message: expect.stringContaining('nothing to measure'),
    });
  });

  it('min-cache-hit-ratio: a miss smaller than a whole percent is shown with a decimal, never as 0 points', () => {
    const nearly = { ...partial03, totals: { ...partial03.totals, cacheHitRatio: 79 / 99 } };
    expect(evaluateGates(nearly, { ...off, minCacheHitRatio: 0.8 }, null)[0]).toMatchObject({
      passed: false,
      message: expect.stringContaining('cache hit ratio 79.8% '),
      excess: '0.2 percentage points short',
    });
    expect(evaluateGates(nearly, { ...off, minCacheHitRatio: 0.8 }, null)[0]!.message).toMatch(
      /< minimum 80\.0%$/,
    );
  });

  it('min-cache-hit-ratio: the first build, with no earlier record, says "no cache yet" instead of failing', () => {
    const cold = evaluateGates(clean01, { ...off, minCacheHitRatio: 0.6 }, null, undefined, true)[0];
    expect(cold).toEqual({
      gate: 'min-cache-hit-ratio',
      passed: true,
      message:
        'no cache yet: no earlier build to hit (cache hit ratio 0%, minimum 60%); the gate applies from the next build',
      excess: null,
    });
    // A build that hit its cache is judged as usual, cold record or not.
    expect(
      evaluateGates(partial03, { ...off, minCacheHitRatio: 0.95 }, null, undefined, true)[0],
    ).toMatchObject({
      passed: true,
      message:
        'no cache yet: no earlier build to hit (cache hit ratio 89%, minimum 95%); the gate applies from the next build',
    });
    expect(
      evaluateGates(partial03, { ...off, minCacheHitRatio: 0.8 }, null, undefined, true)[0],
    ).toMatchObject({
      passed: true,
      message: 'cache hit ratio 89% (8/9 steps cached) >= minimum 80%',
    });
  });

  it('max-duration: uses the measured wall time, falls back to the log', () => {
    expect(evaluateGates(clean01, { ...off, maxDurationMs: 60_000 }, 185_000)[0]).toEqual({
      gate: 'max-duration',
      passed: false,
      message: 'build took 3m05s > maximum 1m',
      excess: '2m05s over',
    });
    expect(evaluateGates(clean01, { ...off, maxDurationMs: 300 }, null)[0]).toMatchObject({
      passed: false,
      excess: '100ms over',
    });
    expect(evaluateGates(clean01, { ...off, maxDurationMs: 60_000 }, 2_000)[0].passed).toBe(true);
  });

  it('max-context-size: compares the transferred context', () => {
    expect(evaluateGates(clean01, { ...off, maxContextBytes: 300 }, null)[0]).toEqual({
      gate: 'max-context-size',
      passed: false,
      message: 'build context 359 B (sent to the builder) > maximum 300 B',
      excess: '59 B over',
    });
    expect(evaluateGates(parse09, { ...off, maxContextBytes: 300 }, null)[0].passed).toBe(true);
  });

  it('fail-on-warnings: counts the warnings and names their rules', () => {
    const warned = {
      ...clean01,
      warnings: [
        {
          rule: 'JSONArgsRecommended',
          message: 'JSON arguments recommended for CMD',
          line: 21,
          file: 'Dockerfile',
        },
        {
          rule: 'FromAsCasing',
          message: "'as' and 'FROM' keywords' casing do not match",
          line: 1,
          file: 'Dockerfile',
        },
      ],
    };
    const results = evaluateGates(warned, { ...off, failOnWarnings: true }, null);
    expect(results).toEqual([
      {
        gate: 'fail-on-warnings',
        passed: false,
        message: '2 build warnings (JSONArgsRecommended, FromAsCasing)',
        excess: '2 warnings',
      },
    ]);
    expect(breaches(results)).toHaveLength(1);
    expect(evaluateGates(clean01, { ...off, failOnWarnings: true }, null)[0].passed).toBe(true);
  });
});

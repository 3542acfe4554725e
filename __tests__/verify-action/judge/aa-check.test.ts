import { describe, expect, it } from '@jest/globals';
import { aaCheck, newKindsUnreliable } from '../../../src/verify-action/judge/aa-check.js';
import { evaluateCheck } from '../../../src/verify-action/judge/decision.js';
import type { Measurement, NewError } from '../../../src/verify-action/measure/measurement.js';
import { configFrom, DEPLOYED } from '../helpers.js';

const MIN = 60_000;
const SPLIT = DEPLOYED - 15 * MIN;

const kind = (template: string, count: number): NewError => ({
  template,
  message: template.replace('<*>', '42'),
  count,
  firstSeen: null,
  variantOf: null,
  chance: 0.0001,
});

function measurement(over: Partial<Measurement> = {}): Measurement {
  return {
    window: { start: DEPLOYED, end: DEPLOYED + 10 * MIN },
    baseline: { start: DEPLOYED - 30 * MIN, end: DEPLOYED },
    total: 1000,
    errors: 10,
    baselineTotal: 3000,
    baselineErrors: 30,
    baselineHalves: {
      splitAt: SPLIT,
      first: { total: 1500, errors: 15 },
      second: { total: 1500, errors: 15 },
    },
    rules: [],
    timeline: { stepMinutes: 1, buckets: [] },
    topMessages: [],
    baselineMessages: [],
    messageStrategy: 'templates',
    messagesIncluded: true,
    sampled: false,
    incomplete: null,
    tookMs: 1,
    templates: {
      top: [],
      newErrors: [kind('cart service crashed with code <*>', 12)],
      unjudged: [],
      unmatched: 0,
      uncountable: 0,
      aa: { newKinds: [], splitAt: SPLIT },
    },
    ...over,
  };
}

describe('the A/A check: the same judgement between the baseline halves', () => {
  it('runs the rate test of the second half against the first, per minute or per log line', () => {
    const quiet = aaCheck(configFrom({}), measurement())!;
    expect(quiet.splitAt).toBe(SPLIT);
    expect(quiet.rate).toMatchObject({ unit: 'per-minute', ratio: 1, significant: false });
    expect(quiet.newKinds).toEqual([]);
    const noisy = aaCheck(
      configFrom({ 'normalize-by-volume': 'true' }),
      measurement({
        baselineHalves: {
          splitAt: SPLIT,
          first: { total: 1500, errors: 5 },
          second: { total: 1500, errors: 60 },
        },
      }),
    )!;
    expect(noisy.rate).toMatchObject({ unit: 'per-log-line', significant: true });
  });

  it('is absent without a baseline cut in two, and its rate without a half with logs', () => {
    expect(aaCheck(configFrom({}), measurement({ baselineHalves: undefined }))).toBeNull();
    const empty = measurement({
      baselineHalves: { splitAt: SPLIT, first: { total: 0, errors: 0 }, second: { total: 1500, errors: 15 } },
    });
    expect(aaCheck(configFrom({}), empty)!.rate).toBeNull();
  });

  it('new kinds between the halves make max-new-errors report, not fail', () => {
    const config = configFrom({ 'max-new-errors': '0', 'max-increase': 'off' });
    const clean = evaluateCheck(
      config,
      undefined,
      { kind: 'measured', at: 0, measurement: measurement() },
      1,
    );
    expect(clean.status).toBe('breached');
    expect(newKindsUnreliable(clean.aa)).toBe(false);
    const noisy = measurement();
    noisy.templates!.aa = { newKinds: [kind('session <*> resumed', 4)], splitAt: SPLIT };
    const c = evaluateCheck(config, undefined, { kind: 'measured', at: 0, measurement: noisy }, 1);
    expect(newKindsUnreliable(c.aa)).toBe(true);
    expect(c.status).toBe('ok');
    expect(c.breaches).toEqual([]);
    expect(c.warnings.join('\n')).toMatch(
      /1 new kinds of error, but max-new-errors is not applied: the same judgement between the two halves of the baseline \(A\/A\) finds 1 new kind where nothing changed/,
    );
  });
});

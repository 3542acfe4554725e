// covers: src/verify-action/judge/decision.ts, src/verify-action/judge/comparison.ts
import { describe, expect, it } from '@jest/globals';
import type { VerifyConfig } from '../../../src/verify-action/config/config.js';
import {
  evaluateCheck,
  gateFails,
  verdict,
  type CheckResult,
} from '../../../src/verify-action/judge/decision.js';
import type { Measurement, Observation } from '../../../src/verify-action/measure/measurement.js';
import { configFrom, DEPLOYED } from '../helpers.js';

const MIN = 60_000;

function measurement(over: Partial<Measurement> & { minutes?: number } = {}): Measurement {
  const minutes = over.minutes ?? 10;
  return {
    window: { start: DEPLOYED, end: DEPLOYED + minutes * MIN },
    baseline: { start: DEPLOYED - 30 * MIN, end: DEPLOYED },
    total: 1000,
    errors: 0,
    baselineTotal: 3000,
    baselineErrors: 30,
    rules: [],
    timeline: { stepMinutes: 1, buckets: [] },
    topMessages: [],
    baselineMessages: [],
    messageStrategy: 'terms',
    messagesIncluded: true,
    sampled: false,
    incomplete: null,
    tookMs: 1,
    ...over,
  };
}

const measured = (m: Partial<Measurement> & { minutes?: number }): Observation => ({
  kind: 'measured',
  at: 0,
  measurement: measurement(m),
});

function run(config: VerifyConfig, observations: Observation[]): CheckResult[] {
  const checks: CheckResult[] = [];
  for (const o of observations) checks.push(evaluateCheck(config, checks.at(-1), o, checks.length + 1));
  return checks;
}

describe('one check', () => {
  it('computes rates per minute and the increase over the baseline', () => {
    // 30 errors in the 30 baseline minutes = 1/min; 40 in 10 minutes = 4/min.
    const [c] = run(configFrom({ 'max-increase': '5' }), [measured({ errors: 40 })]);
    expect(c).toMatchObject({
      status: 'ok',
      errorCount: 40,
      errorRate: 4,
      baselineRate: 1,
      increase: 4,
      breaches: [],
    });
  });

  it.each([
    [
      'max-errors',
      { 'max-errors': '10', 'max-increase': 'off' },
      { errors: 11 },
      /11 errors since the deploy, max-errors is 10/,
    ],
    [
      'max-error-rate',
      { 'max-error-rate': '1', 'max-increase': 'off' },
      { errors: 20 },
      /2 errors\/min over 10m, max-error-rate is 1/,
    ],
    [
      'baseline',
      {},
      { errors: 40 },
      /errors 4 errors\/min \(40 in 10 min\) vs 1 errors\/min \(30 in 30 min\) before the deploy: 4x, more than 2x at 99% confidence \(p = 0.00277\)/,
    ],
    ['baseline up from none', {}, { errors: 8, baselineErrors: 0 }, /up from none, more than 2x/],
    [
      'new-errors',
      { 'max-new-errors': '0', 'max-increase': 'off' },
      { errors: 1, topMessages: [{ message: 'NPE in cart', count: 1 }] },
      /1 new kinds of error not seen in the baseline, max-new-errors is 0/,
    ],
  ])('%s breach', (_name, inputs, m, reason) => {
    const [c] = run(configFrom(inputs), [measured(m)]);
    expect(c!.status).toBe('breached');
    expect(c!.breaches.map((b) => b.reason).join('\n')).toMatch(reason);
    expect(c!.breaches[0]!.action).toBe('fail');
  });

  it('does not fail 0 -> 1, noise, or any rise below min-errors', () => {
    const [one] = run(configFrom({}), [measured({ errors: 1, baselineErrors: 0 })]);
    expect(one!.status).toBe('ok');
    expect(one!.warnings).toEqual([
      'errors 0.1 errors/min (1 in 10 min) vs 0 errors/min (0 in 30 min) before the deploy: up from none, not significantly more than 2x at 99% confidence (p = 0.4): within noise',
    ]);
    // 5 in 10 minutes after none in 30: p = 0.4^5 = 0.0102, not below 0.01.
    const [five] = run(configFrom({}), [measured({ errors: 5, baselineErrors: 0 })]);
    expect(five!.status).toBe('ok');
    expect(five!.comparison).toMatchObject({ kind: 'baseline', pValue: 0.0102, significant: false });
    const [eight] = run(configFrom({}), [measured({ errors: 8, baselineErrors: 0 })]);
    expect(eight!.status).toBe('breached');
    // Significant at 95%, but under min-errors: a warning, not a breach.
    const [four] = run(configFrom({ confidence: '95%' }), [measured({ errors: 4, baselineErrors: 0 })]);
    expect(four!.status).toBe('ok');
    expect(four!.warnings[0]).toMatch(
      /more than 2x at 95% confidence \(p = 0.0256\), but 4 errors < min-errors 5$/,
    );
  });

  it('tells noise from an increase at 0.3 errors a minute', () => {
    // 9 errors in the 30 baseline minutes; 3, then 6 (a doubling within noise) in 10 minutes after.
    for (const errors of [3, 6]) {
      const [c] = run(configFrom({ 'min-errors': '0' }), [measured({ errors, baselineErrors: 9 })]);
      expect(c!.status).toBe('ok');
    }
    const [storm] = run(configFrom({}), [measured({ errors: 30, baselineErrors: 9 })]);
    expect(storm!.status).toBe('breached');
  });

  it('compares the canary with the stable version in the same window, and says so', () => {
    const versions = [
      { version: '1.5.0', total: 900, errors: 9, inBaseline: true },
      { version: '1.6.0', total: 100, errors: 10, inBaseline: false },
    ];
    // The baseline says fine (19 in 10 minutes vs 60 in 30), the canary's error share is 10x the stable one's.
    const [c] = run(configFrom({}), [measured({ errors: 19, baselineErrors: 60, versions })]);
    expect(c!.status).toBe('breached');
    expect(c!.breaches[0]).toMatchObject({ kind: 'canary' });
    expect(c!.breaches[0]!.reason).toMatch(
      /^version 1.6.0 10% of logs \(10 of 100\) vs 1.5.0 1% of logs \(9 of 900\) in the same window: 10x, more than 2x at 99% confidence \(p = [0-9.e-]+\) \(decided by canary vs stable\)$/,
    );
    expect(c!.comparisons.map((x) => x.kind)).toEqual(['canary', 'baseline']);
    // The version input names the canary; equal shares pass.
    const even = [
      { version: '1.5.0', total: 900, errors: 9, inBaseline: true },
      { version: '1.6.0', total: 100, errors: 1, inBaseline: true },
    ];
    const [ok] = run(configFrom({ version: '1.6.0' }), [measured({ errors: 10, versions: even })]);
    expect(ok).toMatchObject({ status: 'ok', comparison: { kind: 'canary', ratio: 1 } });
    // One version only: the baseline decides.
    const [alone] = run(configFrom({}), [measured({ errors: 10, versions: [even[0]!] })]);
    expect(alone!.comparison?.kind).toBe('baseline');
  });

  it('normalises by log volume when asked: more traffic, same error ratio, passes', () => {
    // 1% errors before and after, but three times the traffic per minute after the deploy.
    const m = { errors: 100, total: 10_000, baselineErrors: 30, baselineTotal: 3000 };
    expect(run(configFrom({}), [measured(m)])[0]!.status).toBe('breached');
    const [c] = run(configFrom({ 'normalize-by-volume': 'true' }), [measured(m)]);
    expect(c).toMatchObject({ status: 'ok', increase: 1 });
  });

  it('skips the comparison when the baseline has no logs at all', () => {
    const [c] = run(configFrom({}), [measured({ errors: 50, baselineTotal: 0, baselineErrors: 0 })]);
    expect(c!.status).toBe('ok');
    expect(c!.warnings[0]).toMatch(/no logs in the baseline window \(30m before the deploy\)/);
  });

  it('marks an empty window no-data, and a timed-out search incomplete', () => {
    expect(run(configFrom({}), [measured({ total: 0 })])[0]!.status).toBe('no-data');
    const incomplete = { timedOut: true, failedShards: 0, totalShards: 1, reasons: [] };
    const [c] = run(configFrom({ 'max-errors': '100' }), [measured({ errors: 50, incomplete })]);
    expect(c!.status).toBe('incomplete');
    expect(c!.increase).toBeNull();
  });

  it('still breaches on counts from an incomplete search: they are lower bounds', () => {
    const incomplete = { timedOut: false, failedShards: 1, totalShards: 3, reasons: [] };
    const [c] = run(configFrom({ 'max-errors': '10' }), [measured({ errors: 50, incomplete })]);
    expect(c!.status).toBe('breached');
  });

  it('records an error check', () => {
    const [c] = run(configFrom({}), [{ kind: 'error', at: 5, message: 'cannot reach Elasticsearch' }]);
    expect(c).toMatchObject({ status: 'error', error: 'cannot reach Elasticsearch', window: null });
  });
});

describe('zero errors from a level field that holds no such level', () => {
  it.each([
    // A wrong level-field: the values are not levels at all.
    [['checkout', 'cart'], true],
    // levels spelt differently from the data.
    [['INFO', 'WARN', 'ERR'], true],
    // ERROR occurs (in case-insensitive terms), just not in these windows' errors.
    [['INFO', 'ERROR'], false],
  ])('values %j: says so %s', (values, warns) => {
    const config = configFrom({});
    const checks = run(config, [measured({ errors: 0, baselineErrors: 0, levelValues: values })]);
    const v = verdict(config, checks, true)!;
    expect(v.decision).toBe('pass');
    const said = v.reasons.some((r) => r.startsWith('zero errors may mean a wrong level field'));
    expect(said).toBe(warns);
    if (warns)
      expect(v.reasons.at(-1)).toContain(`which holds ${values.join(', ')}; check level-field and levels`);
  });
});

describe('rates over short windows', () => {
  it.each([
    // One error in the first 10 s is not 6 errors a minute: a window under a minute counts as one.
    [10_000, 1, 1],
    [30_000, 3, 3],
    [60_000, 3, 3],
    [120_000, 3, 1.5],
  ])('a %d ms window with %d errors is %d/min', (spanMs, errors, rate) => {
    const config = configFrom({ 'max-error-rate': '2', 'max-increase': 'off' });
    const [c] = run(config, [measured({ window: { start: DEPLOYED, end: DEPLOYED + spanMs }, errors })]);
    expect(c!.errorRate).toBe(rate);
    expect(c!.status).toBe(rate > 2 ? 'breached' : 'ok');
  });
});

describe('rules and consecutive breaches', () => {
  const rules = `
- {name: timeouts, phrase: timeout, max: 10, consecutive: 3, action: rollback}
- {name: auth, phrase: auth failed, max: 5, action: fail}
- {name: slow, phrase: slow, max: 0, action: warn}`;
  const config = configFrom({ rules, 'max-increase': 'off' });
  const counts = (timeouts: number, auth = 0, slow = 0) =>
    measured({ rules: [timeouts, auth, slow].map((count, i) => ({ name: String(i), count })) });

  it('counts a streak of checks over max and acts only at `consecutive`', () => {
    const checks = run(config, [counts(11), counts(12), counts(13)]);
    expect(checks.map((c) => c.rules[0]!.streak)).toEqual([1, 2, 3]);
    expect(checks.map((c) => c.rules[0]!.breached)).toEqual([false, false, true]);
    expect(checks[0]!.warnings).toContain("rule 'timeouts' over max (11 > 10) in 1 of 3 consecutive checks");
    expect(checks[2]!.breaches).toEqual([
      {
        kind: 'rule',
        rule: 'timeouts',
        action: 'rollback',
        reason: "rule 'timeouts' matched 13 times, max 10 (over max in 3 consecutive checks)",
      },
    ]);
  });

  it('resets the streak when a check is under max; an errored check keeps it', () => {
    const checks = run(config, [
      counts(11),
      counts(3),
      counts(11),
      { kind: 'error', at: 0, message: 'x' },
      counts(12),
    ]);
    expect(checks.map((c) => c.rules[0]!.streak)).toEqual([1, 0, 1, 1, 2]);
  });

  it('keeps the streak through an incomplete check under max: its count is only a lower bound', () => {
    const incomplete = { timedOut: true, failedShards: 0, totalShards: 1, reasons: [] };
    const partial: Observation = {
      kind: 'measured',
      at: 0,
      measurement: measurement({
        rules: [3, 0, 0].map((count, i) => ({ name: String(i), count })),
        incomplete,
      }),
    };
    const checks = run(config, [counts(11), partial, counts(12), counts(13)]);
    expect(checks.map((c) => c.rules[0]!.streak)).toEqual([1, 1, 2, 3]);
    expect(checks[3]!.rules[0]!.breached).toBe(true);
  });

  it('a warn rule is reported but never breaches the check', () => {
    const [c] = run(config, [counts(0, 0, 3)]);
    expect(c!.status).toBe('ok');
    expect(c!.breaches).toEqual([
      { kind: 'rule', rule: 'slow', action: 'warn', reason: "rule 'slow' matched 3 times, max 0" },
    ]);
  });

  it.each([
    ['timeouts (rollback) decide at once', [counts(11), counts(11), counts(11)], 'rollback', 3],
    ['auth failed (fail) fails', [counts(0, 6)], 'fail', 1],
    ['warn only passes', [counts(0, 0, 9)], null, 1],
  ] as const)('%s', (_name, observations, decision, at) => {
    const checks = run(config, [...observations]);
    const v = verdict(config, checks, false);
    expect(v?.decision ?? null).toBe(decision);
    expect(checks.length).toBe(at);
  });
});

describe('the verdict', () => {
  const breach = measured({ errors: 500 });
  const fine = measured({ errors: 0 });

  it('tolerates failure-limit breached checks, like Argo Rollouts', () => {
    const config = configFrom({ 'failure-limit': '2' });
    expect(verdict(config, run(config, [breach]), false)).toBeNull();
    expect(verdict(config, run(config, [breach, breach]), false)).toBeNull();
    const third = verdict(config, run(config, [breach, fine, breach, breach]), false);
    expect(third?.decision).toBe('fail');
    expect(third?.reasons[0]).toBe('3 breached checks, failure-limit tolerates 2');
    const tolerated = verdict(config, run(config, [breach, fine]), true);
    expect(tolerated).toEqual({
      decision: 'pass',
      reasons: [
        expect.not.stringMatching(/within limits/),
        '1 breached check(s) tolerated by failure-limit 2',
      ],
    });
  });

  it('fails fast on a rollback rule whatever the failure budget', () => {
    const config = configFrom({
      'failure-limit': '5',
      rules: '- {name: t, phrase: timeout, max: 0, action: rollback}',
    });
    const v = verdict(config, run(config, [measured({ rules: [{ name: 't', count: 1 }] })]), false);
    expect(v).toEqual({
      decision: 'rollback',
      reasons: ["rule 't' matched 1 times, max 0 (action rollback, check 1)"],
    });
  });

  describe('the most severe action the evidence supports (rollback > pause > fail > notify > warn)', () => {
    // A timeout storm: max-increase (breach-action fail) breaches at once, while the timeouts rule
    // (action rollback, consecutive 2) is over max in 1 of 2 checks. Deciding fail there left the
    // bad version deployed.
    const config = configFrom({
      rules: '- {name: timeouts, phrase: timeout, max: 5, action: rollback, consecutive: 2}',
    });
    const storm = (timeouts: number) =>
      measured({ errors: 500, rules: [{ name: 'timeouts', count: timeouts }] });

    it('keeps watching while the rollback rule is on its way, then rolls back, saying what waited', () => {
      const first = run(config, [storm(40)]);
      expect(first[0]!.breaches.map((b) => b.action)).toEqual(['fail']);
      expect(verdict(config, first, false)).toBeNull();
      const v = verdict(config, run(config, [storm(40), storm(60)]), false)!;
      expect(v.decision).toBe('rollback');
      expect(v.reasons[0]).toMatch(
        /^rule 'timeouts' matched 60 times, max 5 .*\(action rollback, check 2\)$/,
      );
      expect(v.reasons[1]).toMatch(
        /called for fail at check 1; the watch went on while a rule with a more severe action was on its way/,
      );
    });

    it('decides the weaker action when the rule falls back under max, and says why no rollback ran', () => {
      const v = verdict(config, run(config, [storm(40), storm(0)]), false)!;
      expect(v.decision).toBe('fail');
      expect(v.reasons.at(-1)).toBe(
        "rule 'timeouts' (action rollback) was over max in at most 1 of 2 consecutive checks, then fell back under it: its rollback did not apply",
      );
    });

    it('decides at the last check whatever is on its way', () => {
      const v = verdict(config, run(config, [storm(40)]), true)!;
      expect(v.decision).toBe('fail');
      expect(v.reasons.at(-1)).toBe(
        "rule 'timeouts' (action rollback) was over max in at most 1 of 2 consecutive checks, when the watch ended: its rollback did not apply",
      );
    });

    it('a pause rule waits for a rollback rule on its way too', () => {
      const both = configFrom({
        rules: [
          '- {name: auth, phrase: auth failed, max: 0, action: pause}',
          '- {name: timeouts, phrase: timeout, max: 5, action: rollback, consecutive: 3}',
        ].join('\n'),
      });
      const m = (t: number) =>
        measured({
          rules: [
            { name: 'auth', count: 3 },
            { name: 'timeouts', count: t },
          ],
        });
      expect(verdict(both, run(both, [m(9), m(9)]), false)).toBeNull();
      expect(verdict(both, run(both, [m(9), m(9), m(9)]), false)?.decision).toBe('rollback');
      expect(verdict(both, run(both, [m(9), m(0)]), false)?.decision).toBe('pause');
    });

    it('a rule with a weaker action never holds a decision back', () => {
      const weak = configFrom({
        rules: '- {name: slow, phrase: slow, max: 0, action: warn, consecutive: 3}',
      });
      const v = verdict(
        weak,
        run(weak, [measured({ errors: 500, rules: [{ name: 'slow', count: 4 }] })]),
        false,
      );
      expect(v?.decision).toBe('fail');
    });
  });

  it('rolls back when a threshold with breach-action rollback is exceeded', () => {
    const config = configFrom({ 'breach-action': 'rollback' });
    expect(verdict(config, run(config, [breach]), false)?.decision).toBe('rollback');
  });

  it.each([
    ['pass', 'pass'],
    ['fail', 'fail'],
    ['inconclusive', 'inconclusive'],
  ])('no data with on-no-data %s is %s', (policy, decision) => {
    const config = configFrom({ 'on-no-data': policy });
    const v = verdict(config, run(config, [measured({ total: 0 })]), true);
    expect(v).toEqual({
      decision,
      reasons: [`no logs matched since the deploy in logs-* (on-no-data: ${policy})`],
    });
  });

  it('never passes an empty window (deploy newer than the ingest delay), even with on-no-data pass', () => {
    const config = configFrom({ 'on-no-data': 'pass', 'ingest-delay': '30s' });
    const empty = { window: { start: DEPLOYED, end: DEPLOYED - 10_000 }, total: 0, errors: 0 };
    const checks = run(config, [measured(empty)]);
    expect(checks[0]!.status).toBe('incomplete');
    const v = verdict(config, checks, true)!;
    expect(v.decision).toBe('inconclusive');
    expect(v.reasons[0]).toMatch(
      /^nothing measured: the window is empty.*ingest-delay 30s.*on-inconclusive: fail/,
    );
    expect(gateFails(config, v.decision)).toBe(true);
  });

  it('reads a skipped remote cluster as incomplete, never as a pass', () => {
    const config = configFrom({});
    const incomplete = {
      timedOut: false,
      failedShards: 0,
      totalShards: 4,
      reasons: ['1 remote cluster(s) skipped'],
    };
    const checks = run(config, [measured({ incomplete })]);
    expect(checks[0]!.warnings).toContain(
      'incomplete results: part of the search was skipped (1 remote cluster(s) skipped)',
    );
    expect(verdict(config, checks, true)!.decision).toBe('inconclusive');
  });

  // The new version logs `level: ERROR` where the old one logged `log.level`: its errors are
  // not counted, and 300 of them passed max-errors 10 with no word.
  it('the level field gone from most logs since the deploy makes the check inconclusive, naming it', () => {
    const config = configFrom({ 'max-errors': '10' });
    const dropped = measured({
      total: 1000,
      leveled: 40,
      errors: 2,
      baselineTotal: 3000,
      baselineLeveled: 3000,
    });
    const checks = run(config, [dropped]);
    expect(checks[0]!.status).toBe('incomplete');
    const why =
      "level-field 'log.level' is on 4% of the logs since the deploy, against 100% before it: errors logged without it are not counted (has the new version moved its level to another field?)";
    expect(checks[0]!.warnings).toContain(why);
    expect(verdict(config, checks, true)).toEqual({
      decision: 'inconclusive',
      reasons: [why, 'the deploy cannot pass on what was not measured (on-inconclusive: fail)'],
    });
  });

  // A skewed clock stamps the new pods' logs 2 h ahead: outside every window, so a pass.
  it('errors stamped after the check time make the check inconclusive, saying so', () => {
    const config = configFrom({});
    const at = DEPLOYED + 10 * MIN;
    const future = { after: at + MIN, total: 250, errors: 200, latest: at + 120 * MIN };
    const checks = run(config, [measured({ errors: 0, future })]);
    expect(checks[0]!.status).toBe('incomplete');
    const why =
      '200 errors (250 logs) are stamped more than 1m after the check time, up to 2h ahead: a clock ahead (skew)? They fall outside every window, so they were not counted';
    expect(checks[0]!.warnings).toContain(why);
    expect(checks[0]!.flags.levelMismatch).toBeNull();
    expect(verdict(config, checks, true)).toEqual({
      decision: 'inconclusive',
      reasons: [why, 'the deploy cannot pass on what was not measured (on-inconclusive: fail)'],
    });
  });

  it('logs stamped after the check time with no error among them are only warned about', () => {
    const config = configFrom({});
    const at = DEPLOYED + 10 * MIN;
    const checks = run(config, [
      measured({ future: { after: at + MIN, total: 12, errors: 0, latest: at + 3 * MIN } }),
    ]);
    expect(checks[0]!.status).toBe('ok');
    expect(checks[0]!.warnings).toContain(
      '12 logs are stamped more than 1m after the check time, up to 3m ahead (clock skew?); none of them is an error',
    );
  });

  it('the level field on none of the logs, with no baseline to compare, is inconclusive too', () => {
    const config = configFrom({ 'baseline-window': '0', 'max-increase': 'off' });
    const checks = run(config, [measured({ total: 500, leveled: 0, baseline: null, baselineTotal: 0 })]);
    expect(checks[0]!.status).toBe('incomplete');
    expect(checks[0]!.flags.incomplete).toMatch(
      /^level-field 'log.level' is on none of the 500 logs since the deploy/,
    );
  });

  it.each([
    ['present on all logs', { total: 1000, leveled: 1000, baselineTotal: 3000, baselineLeveled: 3000 }],
    [
      'as often as before (some sources never log one)',
      { total: 1000, leveled: 310, baselineTotal: 3000, baselineLeveled: 900 },
    ],
    ['too few logs to tell', { total: 12, leveled: 0, baselineTotal: 3000, baselineLeveled: 3000 }],
    ['absent before the deploy too', { total: 1000, leveled: 0, baselineTotal: 3000, baselineLeveled: 5 }],
    ['not asked (an older measurement)', { total: 1000 }],
  ])('keeps a check with the level field %s', (_what, counts) => {
    const config = configFrom({});
    const checks = run(config, [measured(counts)]);
    expect(checks[0]!.status).toBe('ok');
  });

  it('a rule that could not be measured makes the check inconclusive, its streak kept', () => {
    const config = configFrom({ rules: '- {name: t, phrase: timeout, field: error.message, max: 0}' });
    const unmeasured = "its field 'error.message' is not in the mapping of 'logs-*'";
    const checks = run(config, [measured({ rules: [{ name: 't', count: 0, unmeasured }] })]);
    expect(checks[0]!.status).toBe('incomplete');
    expect(checks[0]!.rules[0]).toMatchObject({ count: 0, breached: false, streak: 0 });
    expect(checks[0]!.warnings).toContain(`rule 't' cannot be measured: ${unmeasured}`);
    expect(verdict(config, checks, true)).toEqual({
      decision: 'inconclusive',
      reasons: [
        `rule 't' cannot be measured: ${unmeasured}`,
        'the deploy cannot pass on what was not measured (on-inconclusive: fail)',
      ],
    });
  });

  it.each([
    ['fail', 'fail'],
    ['inconclusive', 'inconclusive'],
  ])('an unreachable Elasticsearch with on-error %s is %s, never a pass', (policy, decision) => {
    const config = configFrom({ 'on-error': policy });
    const v = verdict(config, run(config, [fine, { kind: 'error', at: 0, message: 'HTTP 503' }]), true);
    expect(v?.decision).toBe(decision);
    expect(v?.reasons[0]).toMatch(/could not measure: HTTP 503/);
  });

  it('an earlier error does not matter once a later check measured the whole window', () => {
    const config = configFrom({});
    expect(verdict(config, run(config, [{ kind: 'error', at: 0, message: 'x' }, fine]), true)?.decision).toBe(
      'pass',
    );
  });

  it('a timed-out last check is inconclusive', () => {
    const config = configFrom({});
    const incomplete = { timedOut: true, failedShards: 0, totalShards: 1, reasons: [] };
    expect(verdict(config, run(config, [measured({ incomplete })]), true)?.decision).toBe('inconclusive');
  });

  it.each([
    [{}, 'pass', false],
    [{}, 'fail', true],
    [{}, 'rollback', true],
    [{}, 'inconclusive', true],
    [{ 'on-inconclusive': 'pass' }, 'inconclusive', false],
    [{ 'dry-run': 'true' }, 'rollback', false],
    [{ 'dry-run': 'true' }, 'fail', false],
  ] as const)('with %j, %s fails the gate: %s', (inputs, decision, fails) => {
    expect(gateFails(configFrom(inputs), decision)).toBe(fails);
  });
});

// Exact counts on the real node: beyond 10,000, levels in any case, rules,
// baseline, zero-filled timeline, no-data and a pattern matching nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ES_URLS, waitForElasticsearch } from '../../support/es-env.js';
import {
  after,
  baselineWithin,
  checkoutProd,
  count,
  dropScenario,
  isError,
  MINUTE,
  seedScenario,
  verifyScenario,
  type Scenario,
} from '../itest-helpers.js';

const checkout = { service: 'checkout', environment: 'production' };

/** A gating verification with error kinds, its auth-failure kind, and how many of those the seed wrote. */
async function verifyKinds(scenario: Scenario) {
  const report = await verifyScenario(scenario, {
    ...checkout,
    'max-increase': 'off',
    'max-new-errors': '0',
  });
  const authFailed = count(
    scenario.summary,
    (r) => checkoutProd(r) && after(r) && isError(r) && r.kind === 'auth_failed',
  );
  const auth = report.topMessages.find((m) => m.template === 'auth failed for user <*> invalid token');
  return { report, auth, authFailed, newMessages: report.newErrors.map((m) => m.message).join('\n') };
}

// The client major must match the server major: both servers, both clients.
describe.each(['8', '9'] as const)('counting on Elasticsearch %s', (node) => {
  let scenario: Scenario;
  beforeAll(async () => {
    await waitForElasticsearch(node);
    // 60,000 logs; the deploy's storm puts more than 10,000 checkout errors after the deploy.
    scenario = await seedScenario(`counts-${node}`, ['--docs', '60000', '--message-keyword'], {
      url: ES_URLS[node],
    });
  }, 120_000);
  afterAll(() => dropScenario(scenario));

  it('counts more than 10,000 errors exactly, across level spellings', async () => {
    const expected = count(scenario.summary, (r) => checkoutProd(r) && after(r) && isError(r));
    expect(expected).toBeGreaterThan(10_000);
    const spellings = new Set(scenario.summary.rows.filter((r) => isError(r)).map((r) => r.levelAsWritten));
    expect(spellings).toEqual(new Set(['ERROR', 'error', 'Error', 'FATAL', 'fatal', 'critical', 'CRITICAL']));

    const report = await verifyScenario(scenario, { ...checkout, 'max-increase': 'off' });
    expect(report.server).toMatchObject({ major: Number(node), clientMajor: Number(node) });
    expect(report.errorCount).toBe(expected);
    expect(report.totalCount).toBe(count(scenario.summary, (r) => checkoutProd(r) && after(r)));
    expect(report.checks[0]!.baselineErrors).toBe(
      count(scenario.summary, (r) => checkoutProd(r) && isError(r) && baselineWithin(scenario, 30)(r)),
    );
    expect(report.decision).toBe('pass');
  });

  it('matches levels given in any case', async () => {
    const upper = await verifyScenario(scenario, {
      ...checkout,
      levels: 'ERROR,Fatal,cRiTiCaL',
      'max-increase': 'off',
    });
    const lower = await verifyScenario(scenario, {
      ...checkout,
      levels: 'error,fatal,critical',
      'max-increase': 'off',
    });
    expect(upper.errorCount).toBe(lower.errorCount);
    const onlyError = await verifyScenario(scenario, { ...checkout, levels: 'Error', 'max-increase': 'off' });
    expect(onlyError.errorCount).toBe(
      count(scenario.summary, (r) => checkoutProd(r) && after(r) && r.level === 'error'),
    );
  });

  it('counts each rule, with its levels, and acts on it', async () => {
    const timeouts = count(scenario.summary, (r) => checkoutProd(r) && after(r) && r.kind === 'timeout');
    const authErrors = count(
      scenario.summary,
      (r) => checkoutProd(r) && after(r) && r.kind === 'auth_failed' && r.level === 'error',
    );
    const authAll = count(scenario.summary, (r) => checkoutProd(r) && after(r) && r.kind === 'auth_failed');
    expect(authAll).toBeGreaterThan(authErrors);
    const rules = `
- {name: timeouts, phrase: timeout, max: 100, action: rollback}
- {name: auth failed, phrase: auth failed, levels: [error], max: 100, action: fail}
- {name: auth any level, phrase: auth failed, max: 1000000, action: warn}
- {name: oom, query: {match_phrase: {message: Java heap space}}, max: 1000000, action: warn}`;
    const report = await verifyScenario(scenario, { ...checkout, rules, 'max-increase': 'off' });
    expect(report.rules.map((r) => [r.name, r.count])).toEqual([
      ['timeouts', timeouts],
      ['auth failed', authErrors],
      ['auth any level', authAll],
      ['oom', count(scenario.summary, (r) => checkoutProd(r) && after(r) && r.kind === 'out_of_memory')],
    ]);
    expect(report.decision).toBe('rollback');
    expect(report.breachedRules).toEqual(['timeouts', 'auth failed']);

    const failOnly = await verifyScenario(scenario, {
      ...checkout,
      rules: '- {name: auth failed, phrase: auth failed, levels: [error], max: 100, action: fail}',
      'max-increase': 'off',
    });
    expect(failOnly.decision).toBe('fail');
    const warnOnly = await verifyScenario(scenario, {
      ...checkout,
      rules: '- {name: auth failed, phrase: auth failed, max: 100, action: warn}',
      'max-increase': 'off',
    });
    expect(warnOnly.decision).toBe('pass');
    expect(warnOnly.checks[0]!.breaches).toEqual([
      expect.objectContaining({ action: 'warn', rule: 'auth failed' }),
    ]);
  });

  it('compares with the baseline, with an absolute floor', async () => {
    const storm = await verifyScenario(scenario, checkout);
    expect(storm.decision).toBe('fail');
    expect(storm.reasons[0]).toMatch(
      /errors .* errors\/min \(.*\) vs .* before the deploy: \d+(\.\d+)?x, more than 2x at 99% confidence \(p = 0\) \(decided by the baseline: canary vs stable .*, the stable version shares the rise\)/,
    );

    // search in staging: a handful of errors, a rise over a tiny baseline stays under min-errors.
    const quiet = { service: 'search', environment: 'staging' };
    const errors = count(
      scenario.summary,
      (r) => r.service === 'search' && r.environment === 'staging' && after(r) && isError(r),
    );
    const floored = await verifyScenario(scenario, {
      ...quiet,
      'min-errors': String(errors + 1),
      'max-increase': '0.0001',
    });
    expect(floored.errorCount).toBe(errors);
    expect(floored.decision).toBe('pass');
    if (errors > 0) {
      const unfloored = await verifyScenario(scenario, {
        ...quiet,
        'min-errors': '1',
        'max-increase': '0.0001',
      });
      expect(unfloored.decision).toBe('fail');
    }
  });

  it('zero-fills the per-minute timeline from the baseline start', async () => {
    // A 60-minute baseline reaches 20 minutes before the first seeded log.
    const report = await verifyScenario(scenario, {
      ...checkout,
      'baseline-window': '1h',
      'max-increase': 'off',
    });
    const buckets = report.timeline!.buckets;
    expect(report.timeline!.stepMinutes).toBe(1);
    expect(buckets[0]!.at).toBe(scenario.deployAt - 60 * MINUTE);
    expect(buckets.slice(0, 20).every((b) => b.errors === 0)).toBe(true);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.at - buckets[i - 1]!.at).toBe(MINUTE);
    const afterDeploy = buckets.filter((b) => b.at >= scenario.deployAt).reduce((s, b) => s + b.errors, 0);
    expect(afterDeploy).toBe(report.errorCount);
  });

  it('lists the error kinds by template, counted exactly, and the new kinds', async () => {
    const { report, auth, authFailed, newMessages } = await verifyKinds(scenario);
    // A text field with a keyword sub-field: templates, counted with match_phrase.
    expect(report.messageStrategy).toBe('templates');
    // Every auth failure names another user; as one template they are the most
    // frequent error, counted exactly.
    expect(auth?.message).toMatch(/^auth failed for user u-\d+: invalid token$/);
    expect(auth?.count).toBe(authFailed);
    // The README's timeouts, one row for every API, path and request id.
    expect(report.topMessages.filter((m) => /upstream request timeout/.test(m.message))).toHaveLength(1);
    expect(newMessages).toMatch(/Cannot read properties of undefined \(reading 'currency'\)/);
    expect(newMessages).not.toMatch(/auth failed/);
    expect(report.decision).toBe('fail');
  });

  it('applies the no-data policy when nothing matches', async () => {
    for (const policy of ['pass', 'fail', 'inconclusive']) {
      const report = await verifyScenario(scenario, { service: 'no-such-service', 'on-no-data': policy });
      expect(report.totalCount).toBe(0);
      expect(report.decision).toBe(policy);
    }
  });

  it('treats an index pattern that matches nothing as an error, never as zero errors', async () => {
    const report = await verifyScenario(scenario, { index: `${scenario.prefix}-nothing-*` });
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/no index matches: no such index \[.*-nothing-\*\]/);
    const lenient = await verifyScenario(scenario, {
      index: `${scenario.prefix}-nothing-*`,
      'on-error': 'inconclusive',
    });
    expect(lenient.decision).toBe('inconclusive');
    expect(lenient.gateFailed).toBe(true);
  });

  it('refuses an unmapped level field, and calls out one that holds no level', async () => {
    const unmapped = await verifyScenario(scenario, { ...checkout, 'level-field': 'log.severity' });
    expect(unmapped.decision).toBe('fail');
    expect(unmapped.reasons[0]).toMatch(/level-field: 'log.severity' is not in the mapping/);
    // A mapped keyword that is not a level: zero errors, and the decision says why that is suspect.
    const wrong = await verifyScenario(scenario, { ...checkout, 'level-field': 'service.environment' });
    expect(wrong.errorCount).toBe(0);
    expect(wrong.reasons.at(-1)).toMatch(
      /^zero errors may mean a wrong level field: levels error, fatal, critical never occur in 'service.environment', which holds production/,
    );
    const right = await verifyScenario(scenario, { ...checkout, 'max-increase': 'off' });
    expect(right.reasons.join(' ')).not.toMatch(/wrong level field/);
  });

  it('reports everything in a dry run without failing', async () => {
    const report = await verifyScenario(scenario, {
      ...checkout,
      'dry-run': 'true',
      rules: '- {name: timeouts, phrase: timeout, max: 0, action: rollback}',
      'rollback-command': 'exit 1',
    });
    expect(report).toMatchObject({
      decision: 'rollback',
      gateFailed: false,
      dryRun: true,
      rollback: { triggered: false, wouldTrigger: true },
    });
    expect(report.errorCount).toBeGreaterThan(10_000);
  });
});

// A keyword-only message (no text field, no phrases): the same templates and checks, counted by
// wildcard queries of each kind's words in order.
describe.each(['8', '9'] as const)('error kinds on a keyword-only message on Elasticsearch %s', (node) => {
  let scenario: Scenario;
  beforeAll(async () => {
    await waitForElasticsearch(node);
    scenario = await seedScenario(`counts-kw-${node}`, ['--docs', '6000', '--message-type', 'keyword'], {
      url: ES_URLS[node],
    });
  }, 120_000);
  afterAll(() => dropScenario(scenario));

  it('lists the error kinds by template, counted exactly, and the new kinds', async () => {
    const { report, auth, authFailed, newMessages } = await verifyKinds(scenario);
    expect(report.messageStrategy).toBe('templates');
    expect(auth?.count).toBe(authFailed);
    expect(newMessages).toMatch(/Cannot read properties of undefined \(reading 'currency'\)/);
    expect(newMessages).not.toMatch(/auth failed/);
    expect(report.decision).toBe('fail');
  });
});

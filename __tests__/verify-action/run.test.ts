// covers: src/verify-action/run.ts, src/verify-action/measure/measurer.ts
// covers: src/verify-action/measure/session.ts, src/verify-action/measure/template-query.ts
// covers: src/verify-action/report/assemble.ts
import { describe, expect, it } from '@jest/globals';
import { LogStoreError } from '../../src/verify-action/ports.js';
import { runVerification } from '../../src/verify-action/run.js';
import { configFrom, fakeSearch, fakeStore, KEYWORD_CAPS } from './helpers.js';
import { BURST, depsFor, RULES } from './run-fixtures.js';

describe('a verification', () => {
  it('sends exactly one search per check and closes the store', async () => {
    const deps = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    const report = await runVerification(configFrom({ interval: '1m', duration: '4m' }), deps);
    expect(report.checks).toHaveLength(4);
    expect(deps.store.requests).toHaveLength(4);
    expect(report.performance.requestsPerCheck).toBe(1);
    expect(report.decision).toBe('pass');
    expect(report.gateFailed).toBe(false);
    expect(deps.store.closed).toBe(true);
  });

  it('asks for the top messages on the last check only, unless they gate every check', async () => {
    const withMessages = (deps: ReturnType<typeof depsFor>) =>
      deps.store.requests.map((r) => JSON.stringify(r.body).includes('"messages"'));
    const plain = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    await runVerification(configFrom({ interval: '1m', duration: '3m' }), plain);
    expect(withMessages(plain)).toEqual([false, false, true]);
    const gated = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    await runVerification(configFrom({ interval: '1m', duration: '3m', 'max-new-errors': '3' }), gated);
    expect(withMessages(gated)).toEqual([true, true, true]);
  });

  it('counts the logs stamped after the check time at the last scheduled check', async () => {
    const deps = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    await runVerification(configFrom({ interval: '1m', duration: '3m' }), deps);
    expect(deps.store.requests.map((r) => 'future' in (r.body.aggs as object))).toEqual([false, false, true]);
  });

  it('fetches the messages once more when the verdict comes early', async () => {
    const deps = depsFor(BURST);
    const report = await runVerification(configFrom({ rules: RULES, interval: '1m', duration: '5m' }), deps);
    expect(report.checks).toHaveLength(1);
    // The check, then the same with messages, then the counts of the kinds found.
    expect(deps.store.requests).toHaveLength(3);
    expect(report.performance.messageRequests).toBe(2);
    expect(report.topMessages[0]).toEqual({
      message: 'upstream timeout after 3021ms calling <payments>',
      template: 'upstream timeout after <*> calling <payments>',
      count: 300,
    });
    expect(report.newErrorCount).toBe(2);
  });

  it('rolls back through every configured trigger and reports it', async () => {
    const deps = depsFor(BURST);
    const ran: Record<string, string>[] = [];
    deps.rollback.shell = { run: async (_c, env) => (ran.push(env), 0) };
    const config = configFrom({
      rules: RULES,
      duration: '0',
      'rollback-command': './rollback.sh',
      service: 'checkout',
    });
    const report = await runVerification(config, deps);
    expect(report.decision).toBe('rollback');
    expect(report.rollback).toMatchObject({ triggered: true, succeeded: true, wouldTrigger: false });
    expect(ran[0]).toMatchObject({
      BXG_DECISION: 'rollback',
      BXG_ERROR_COUNT: '412',
      BXG_BREACHED_RULES: 'timeouts',
      BXG_SERVICE: 'checkout',
    });
    expect(report.breachedRules).toEqual(['timeouts']);
    expect(report.gateFailed).toBe(true);
  });

  it('fails loudly when the rollback fails', async () => {
    const deps = depsFor(BURST);
    deps.rollback.shell = { run: async () => 3 };
    const report = await runVerification(
      configFrom({ rules: RULES, duration: '0', 'rollback-command': 'x' }),
      deps,
    );
    expect(report.rollback.succeeded).toBe(false);
    expect(report.reasons.at(-1)).toMatch(/^ROLLBACK FAILED/);
    expect(report.gateFailed).toBe(true);
  });

  it('computes everything in a dry run but never fails or rolls back', async () => {
    const deps = depsFor(BURST);
    let ran = false;
    deps.rollback.shell = { run: async () => ((ran = true), 0) };
    const report = await runVerification(
      configFrom({ rules: RULES, duration: '0', 'rollback-command': 'x', 'dry-run': 'true' }),
      deps,
    );
    expect(report).toMatchObject({ decision: 'rollback', gateFailed: false, dryRun: true, errorCount: 412 });
    expect(report.rollback).toEqual({ triggered: false, succeeded: null, results: [], wouldTrigger: true });
    expect(ran).toBe(false);
  });

  it('an index pattern matching nothing is an error, decided by on-error, never zero errors', async () => {
    for (const [policy, decision] of [
      ['fail', 'fail'],
      ['inconclusive', 'inconclusive'],
    ] as const) {
      const deps = depsFor(BURST);
      deps.store.fieldCaps = async () => {
        throw new LogStoreError('index-not-found', 'no index matches: no such index [nothing-*]', 404);
      };
      const report = await runVerification(configFrom({ index: 'nothing-*', 'on-error': policy }), deps);
      expect(report.decision).toBe(decision);
      expect(report.reasons[0]).toBe(
        `could not measure: no index matches: no such index [nothing-*] (on-error: ${policy})`,
      );
      expect(report.checks).toHaveLength(1);
      expect(deps.store.requests).toHaveLength(0);
    }
  });

  it('a rule on a field missing from the mapping cannot be measured: inconclusive, naming the field', async () => {
    const deps = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    const rules =
      '- {name: payments down, phrase: payment declined, field: error.message, max: 0, action: rollback}';
    const report = await runVerification(configFrom({ rules, duration: '0' }), deps);
    expect(report.decision).toBe('inconclusive');
    expect(report.gateFailed).toBe(true);
    expect(report.reasons[0]).toBe(
      "rule 'payments down' cannot be measured: its field 'error.message' is not in the mapping of 'logs-*'",
    );
    expect(report.checks[0]!.status).toBe('incomplete');
  });

  it('300 errors logged without the level field the baseline had: inconclusive, not a pass of max-errors 10', async () => {
    // The new version logs `level: ERROR`: its errors carry no log.level, so none is counted.
    const counts = {
      total: 1000,
      errors: 4,
      leveled: 40,
      baselineTotal: 6000,
      baselineErrors: 12,
      baselineLeveled: 6000,
    };
    const report = await runVerification(configFrom({ 'max-errors': '10', duration: '0' }), depsFor(counts));
    expect(report.decision).toBe('inconclusive');
    expect(report.reasons[0]).toMatch(
      /^level-field 'log.level' is on 4% of the logs since the deploy, against 100% before it/,
    );
  });

  // expand_wildcards=open: a closed index the pattern matches is skipped, its errors with it.
  it('a closed index the pattern matches was not searched: inconclusive, naming it', async () => {
    const deps = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    deps.store.closedIndices = async () => ['logs-checkout-2026.11.27'];
    const report = await runVerification(configFrom({ duration: '0' }), deps);
    expect(report.decision).toBe('inconclusive');
    expect(report.gateFailed).toBe(true);
    expect(report.reasons[0]).toBe(
      "incomplete results: 1 closed index that 'logs-*' matches was not searched: logs-checkout-2026.11.27 (open it, or leave it out of index with ,-logs-checkout-2026.11.27)",
    );
    const many = depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12 });
    many.store.closedIndices = async () => Array.from({ length: 12 }, (_, i) => `logs-old-${i}`);
    expect((await runVerification(configFrom({ duration: '0' }), many)).reasons[0]).toMatch(
      /^incomplete results: 12 closed indices that 'logs-\*' matches were not searched: logs-old-0, .*logs-old-9 and 2 more \(open them, or leave them out of index/,
    );
  });

  it('a limit the open indices exceed still decides beside a closed one', async () => {
    const deps = depsFor(BURST);
    deps.store.closedIndices = async () => ['logs-old'];
    const report = await runVerification(configFrom({ rules: RULES, duration: '0' }), deps);
    expect(report.decision).toBe('rollback');
  });

  it('an unreachable cluster at connect time fails by default', async () => {
    const deps = depsFor(BURST);
    deps.connect = async () => {
      throw new LogStoreError('unreachable', 'cannot reach Elasticsearch: connect ECONNREFUSED');
    };
    const report = await runVerification(configFrom({}), deps);
    expect(report).toMatchObject({ decision: 'fail', gateFailed: true, server: null });
  });

  it('groups a text message field by error templates, with no categorize_text probe', async () => {
    const textCaps = { ...KEYWORD_CAPS } as Record<string, unknown>;
    delete textCaps['message.keyword'];
    const store = fakeStore((request) => fakeSearch(BURST, request), textCaps);
    const deps = { ...depsFor(BURST), connect: async () => store };
    const report = await runVerification(configFrom({ duration: '0' }), deps);
    expect(report.messageStrategy).toBe('templates');
    expect(store.requests.map((r) => JSON.stringify(r.body).includes('categorize_text'))).toEqual([
      false,
      false,
    ]);
    expect(JSON.stringify(store.requests[0]!.body)).toContain('top_hits');
    expect(JSON.stringify(store.requests[1]!.body)).toContain('match_phrase');
    expect(report.performance.checkRoundTrips).toEqual([2]);
    expect(report.topMessages.map((m) => [m.template, m.count])).toEqual([
      ['upstream timeout after <*> calling <payments>', 300],
      ['| injected | <*> <script>', 5],
    ]);
  });

  it('reports the query it ran and warns about a rollback decision with no trigger', async () => {
    const report = await runVerification(configFrom({ rules: RULES, duration: '0' }), depsFor(BURST));
    expect(report.query?.index).toBe('logs-*');
    expect(report.warnings).toContain(
      'decision is rollback but no rollback trigger is configured (rollback-command, rollback-workflow, rollback-event, deployment-id)',
    );
  });
});

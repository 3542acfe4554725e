// The check loop over real data: a virtual clock walks through the ten minutes
// after a seeded deploy, so windows grow exactly as they would in a live watch.
// The message field is text without a keyword sub-field and the node has no ML
// plugin, so top messages come from the bounded-sample fallback.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitForElasticsearch } from '../support/es-env.js';
import {
  after,
  checkoutProd,
  count,
  dropScenario,
  isError,
  MINUTE,
  seedScenario,
  verifyScenario,
  type Scenario,
} from './itest-helpers.js';

let scenario: Scenario;
const checkout = { service: 'checkout', environment: 'production', 'max-increase': 'off' };
const every2m = { interval: '2m', duration: '10m' };

beforeAll(async () => {
  await waitForElasticsearch('8');
  scenario = await seedScenario('watch', ['--docs', '30000']);
}, 120_000);
afterAll(() => dropScenario(scenario));

/** Cumulative count up to (not including) `minutes` after the deploy. */
function upTo(minutes: number, kind?: string): number {
  const end = scenario.deployAt + minutes * MINUTE;
  return count(
    scenario.summary,
    (r) => checkoutProd(r) && after(r) && Date.parse(r.minute) < end && (kind ? r.kind === kind : isError(r)),
  );
}

// The clock starts 1 ms before the deploy, so each window ends 1 ms before a whole minute.
const start = () => scenario.deployAt - 1;

describe('watching a deploy on Elasticsearch 8', () => {
  it('checks every interval over a growing window', async () => {
    const report = await verifyScenario(scenario, { ...checkout, ...every2m }, {}, start());
    expect(report.checks.map((c) => c.errorCount)).toEqual([2, 4, 6, 8, 10].map((m) => upTo(m)));
    expect(report.checks.map((c) => c.window!.end - c.window!.start)).toEqual(
      [2, 4, 6, 8, 10].map((m) => m * MINUTE - 1),
    );
    expect(report.decision).toBe('pass');
    expect(report.performance.checkLatencyMs).toHaveLength(5);
  });

  it('rolls back only after `consecutive` checks over max', async () => {
    const max = upTo(4, 'timeout'); // over max from the third check on
    const rules = `- {name: timeouts, phrase: timeout, max: ${max}, consecutive: 2, action: rollback}`;
    const report = await verifyScenario(scenario, { ...checkout, ...every2m, rules }, {}, start());
    expect(report.checks.map((c) => c.rules[0]!.count)).toEqual([2, 4, 6, 8].map((m) => upTo(m, 'timeout')));
    expect(report.checks.map((c) => c.rules[0]!.streak)).toEqual([0, 0, 1, 2]);
    expect(report.decision).toBe('rollback');
    expect(report.reasons[0]).toMatch(/over max in 2 consecutive checks\) \(action rollback, check 4\)/);
  });

  it('tolerates failure-limit breached checks, then fails', async () => {
    const inputs = { ...checkout, ...every2m, 'max-errors': String(upTo(2)) };
    const failed = await verifyScenario(scenario, { ...inputs, 'failure-limit': '2' }, {}, start());
    expect(failed.checks.map((c) => c.status)).toEqual(['ok', 'breached', 'breached', 'breached']);
    expect(failed.decision).toBe('fail');
    expect(failed.reasons[0]).toBe('3 breached checks, failure-limit tolerates 2');
    const tolerated = await verifyScenario(scenario, { ...inputs, 'failure-limit': '4' }, {}, start());
    expect(tolerated.decision).toBe('pass');
    expect(tolerated.reasons).toContain('4 breached check(s) tolerated by failure-limit 4');
    const lenient = await verifyScenario(
      scenario,
      { ...inputs, 'failure-limit': '5', 'breach-action': 'warn' },
      {},
      start(),
    );
    expect(lenient.decision).toBe('pass');
  });

  it('groups a text-only field by error templates, counted exactly, and finds the new kind', async () => {
    const report = await verifyScenario(scenario, {
      service: 'checkout',
      environment: 'production',
      'max-increase': 'off',
    });
    expect(report.messageStrategy).toBe('templates');
    expect(report.messagesSampled).toBe(false);
    // Every error belongs to one of the kinds shown, each counted once.
    const counted = report.topMessages.reduce((s, m) => s + m.count, 0);
    expect(counted + (report.unmatchedErrors ?? 0)).toBe(report.errorCount);
    expect(report.topMessages.map((m) => m.template)).toContain('auth failed for user <*> invalid token');
    expect(report.newErrors.map((m) => m.message).join('\n')).toMatch(/reading 'currency'/);
  });
});

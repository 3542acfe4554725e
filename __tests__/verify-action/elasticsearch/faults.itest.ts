// Elasticsearch down, slow, refusing credentials, rate-limiting, unavailable or
// answering partially: through a fault proxy in front of the real node. None of
// these may ever become a silent pass.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { waitForElasticsearch } from '../../support/es-env.js';
import {
  startFaultProxy,
  withShardFailures,
  withTimedOut,
  type FaultProxy,
} from '../../support/fault-proxy.js';
import { dropScenario, seedScenario, verifyScenario, type Scenario } from '../itest-helpers.js';

let scenario: Scenario;
let proxy: FaultProxy;
const checkout = { service: 'checkout', environment: 'production', 'max-increase': 'off' };
const SEARCH = { path: /\/_search/ };

beforeAll(async () => {
  await waitForElasticsearch('8');
  scenario = await seedScenario('faults', ['--docs', '5000', '--message-keyword']);
  proxy = await startFaultProxy({ target: scenario.url });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await dropScenario(scenario);
});
beforeEach(() => {
  proxy.clearFaults();
  proxy.clearRequests();
  proxy.requireAuth(null);
});

const viaProxy = (inputs: Record<string, string> = {}) =>
  verifyScenario({ ...scenario, url: proxy.url }, { ...checkout, ...inputs });
const searches = () => proxy.requests.filter((r) => /\/_search/.test(r.path));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Elasticsearch failing', () => {
  it('one search per check when all is well, and one more to count the error templates', async () => {
    const report = await viaProxy();
    expect(report.decision).toBe('pass');
    expect(searches()).toHaveLength(2);
    expect(searches()[0]!.path).toMatch(/allow_no_indices=false/);
    expect(searches()[1]!.body).toContain('match_phrase');
    expect(report.performance.checkRoundTrips).toEqual([2]);
  });

  it('a cluster that is down fails the gate (on-error fail), or is inconclusive', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await verifyScenario({ ...scenario, url }, { ...checkout, retries: '2' });
    expect(down).toMatchObject({ decision: 'fail', gateFailed: true });
    expect(down.reasons[0]).toMatch(/cannot reach Elasticsearch/);
    const lenient = await verifyScenario(
      { ...scenario, url },
      { ...checkout, 'on-error': 'inconclusive', 'on-inconclusive': 'pass' },
    );
    expect(lenient).toMatchObject({ decision: 'inconclusive', gateFailed: false });
  });

  it('refused credentials fail, and the key appears nowhere', async () => {
    proxy.requireAuth({ scheme: 'ApiKey', apiKey: 'the-right-key' });
    const report = await viaProxy({ 'api-key': 'd3Jvbmcta2V5LXNlY3JldA==', retries: '3' });
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/refused the credentials \(HTTP 401/);
    expect(proxy.requests).toHaveLength(1); // a 401 is not retried
    expect(proxy.requests[0]!.authScheme).toBe('ApiKey');
    expect(JSON.stringify(report)).not.toContain('d3Jvbmcta2V5LXNlY3JldA==');
  });

  it('the right credentials pass through', async () => {
    proxy.requireAuth({ scheme: 'ApiKey', apiKey: 'the-right-key' });
    const report = await viaProxy({ 'api-key': 'the-right-key' });
    expect(report.decision).toBe('pass');
    expect(proxy.requests.every((r) => r.authScheme === 'ApiKey')).toBe(true);
  });

  it('429 is retried after Retry-After, then counted', async () => {
    proxy.setFault({ kind: 'status', status: 429, retryAfterSeconds: 1 }, { times: 2, when: SEARCH });
    const report = await viaProxy({ retries: '3' });
    expect(report.decision).toBe('pass');
    const attempts = searches();
    // The check search retried twice, then the template search.
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 200, 200]);
    // The backoff base is 50 ms here; the waits are the server's 1 s.
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(attempts[2]!.receivedAt - attempts[1]!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('503 that does not recover exhausts the retries and fails', async () => {
    proxy.setFault({ kind: 'status', status: 503 }, { when: SEARCH });
    const report = await viaProxy({ retries: '2' });
    expect(searches().map((r) => r.status)).toEqual([503, 503, 503]);
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/Elasticsearch is unavailable \(HTTP 503/);
  });

  it.each([502, 504])('a load balancer %d is retried', async (status) => {
    proxy.setFault({ kind: 'status', status }, { times: 1, when: SEARCH });
    const report = await viaProxy({ retries: '1' });
    expect(searches().map((r) => r.status)).toEqual([status, 200, 200]);
    expect(report.decision).toBe('pass');
  });

  it('a slow answer times out: an error, retried once and then fine', async () => {
    proxy.setFault({ kind: 'delay', ms: 2500 }, { when: SEARCH });
    const slow = await viaProxy({ 'request-timeout': '1s', retries: '0' });
    expect(slow.decision).toBe('fail');
    expect(slow.reasons[0]).toMatch(/did not answer within request-timeout/);

    proxy.clearFaults();
    proxy.setFault({ kind: 'delay', ms: 2500 }, { times: 1, when: SEARCH });
    const recovered = await viaProxy({ 'request-timeout': '1s', retries: '1' });
    expect(recovered.decision).toBe('pass');
  });

  it('a dropped connection is retried', async () => {
    proxy.setFault({ kind: 'reset' }, { times: 1, when: SEARCH });
    const report = await viaProxy({ retries: '1' });
    expect(report.decision).toBe('pass');
  });

  it('a timed-out search is inconclusive, never a pass', async () => {
    proxy.setFault({ kind: 'transform', transform: withTimedOut }, { when: SEARCH });
    const report = await viaProxy();
    expect(report).toMatchObject({ decision: 'inconclusive', gateFailed: true });
    expect(report.reasons[0]).toMatch(/incomplete results: the search timed out/);
    const allowed = await viaProxy({ 'on-inconclusive': 'pass' });
    expect(allowed).toMatchObject({ decision: 'inconclusive', gateFailed: false });
  });

  // The node's own 200 (its product header included), its body changed on the way, as a proxy
  // or gateway in between might: never read as no logs or no errors.
  type Body = { aggregations?: Record<string, Record<string, unknown>> };
  it.each([
    [
      'an HTML login page',
      () => '<html><body><form action="/login">Sign in</form></body></html>',
      /not a JSON object \(HTML\)/,
    ],
    ['null', () => null, /not a JSON object \(null\)/],
    ['no aggregations', (b: Body) => ({ ...b, aggregations: undefined }), /no aggregations\.window/],
    [
      'the errors sub-aggregation dropped',
      (b: Body) => {
        if (b.aggregations?.window) delete b.aggregations.window.errors;
        return b;
      },
      /no aggregations\.window\.errors/,
    ],
    [
      'the rule counts dropped',
      (b: Body) => {
        if (b.aggregations?.window) delete b.aggregations.window.rule_0;
        return b;
      },
      /no aggregations\.window\.rule_0/,
    ],
  ])('a 200 with %s is a measurement error, never a pass', async (_what, transform, why) => {
    proxy.setFault(
      { kind: 'transform', transform: transform as (body: unknown) => unknown },
      { when: SEARCH },
    );
    const report = await viaProxy({
      rules: '- {name: timeouts, phrase: timeout, max: 1000000, action: rollback}',
    });
    expect(report).toMatchObject({ decision: 'fail', gateFailed: true });
    expect(report.reasons[0]).toMatch(/^could not measure: the search response /);
    expect(report.reasons[0]).toMatch(why);
  });

  it('a _field_caps answer without its fields is an error naming it, not a missing timestamp field', async () => {
    proxy.setFault({ kind: 'transform', transform: () => ({ ok: true }) }, { when: { path: /_field_caps/ } });
    const report = await viaProxy();
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/_field_caps response has no fields object/);
  });

  it('failed shards are inconclusive, but a limit exceeded by the partial counts is still exceeded', async () => {
    proxy.setFault({ kind: 'transform', transform: withShardFailures(1) }, { when: SEARCH });
    const partial = await viaProxy();
    expect(partial.decision).toBe('inconclusive');
    expect(partial.warnings.join('\n')).toMatch(
      /shards failed \(node_not_connected_exception: injected shard failure\)/,
    );
    const breached = await viaProxy({
      rules: '- {name: timeouts, phrase: timeout, max: 0, action: rollback}',
    });
    expect(breached.decision).toBe('rollback');
  });
});

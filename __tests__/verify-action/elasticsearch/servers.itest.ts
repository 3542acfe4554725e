// Which server the gate talks to: the client major follows the server major
// (read from GET /, or negotiated when GET / is refused, as it is for a read-only
// API key), and OpenSearch is refused with a clear message, never half-supported.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ES_URLS, OPENSEARCH_URL, waitForElasticsearch } from '../../support/es-env.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { dropScenario, seedScenario, verifyScenario, type Scenario } from '../itest-helpers.js';

const checkout = { service: 'checkout', environment: 'production', 'max-increase': 'off' };

describe.each(['8', '9'] as const)('Elasticsearch %s', (node) => {
  let scenario: Scenario;
  let proxy: FaultProxy;
  beforeAll(async () => {
    await waitForElasticsearch(node);
    scenario = await seedScenario(`servers-${node}`, ['--docs', '3000'], { url: ES_URLS[node] });
    proxy = await startFaultProxy({ target: scenario.url });
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await dropScenario(scenario);
  });

  it('reads the version from GET / and uses the matching client', async () => {
    const report = await verifyScenario(scenario, checkout);
    expect(report.decision).toBe('pass');
    expect(report.server).toMatchObject({
      major: Number(node),
      clientMajor: Number(node),
      version: expect.stringMatching(new RegExp(`^${node}\\.\\d+\\.\\d+$`)),
    });
  });

  it('negotiates the client when GET / is refused (a key without the monitor privilege)', async () => {
    proxy.setFault(
      {
        kind: 'status',
        status: 403,
        body: JSON.stringify({
          error: { type: 'security_exception', reason: 'action [cluster:monitor/main] is unauthorized' },
          status: 403,
        }),
        contentType: 'application/json',
      },
      { when: { method: 'GET', path: '/' } },
    );
    const report = await verifyScenario({ ...scenario, url: proxy.url }, checkout);
    expect(report.decision).toBe('pass');
    expect(report.server).toMatchObject({ version: `${node}.x`, clientMajor: Number(node) });
    expect(proxy.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`).slice(0, 2)).toEqual([
      'GET /',
      'POST /_field_caps',
    ]);
  });
});

describe('OpenSearch', () => {
  it('is refused with a message that says so', async () => {
    await waitForElasticsearch('opensearch');
    const report = await verifyScenario(
      {
        prefix: 'logs',
        url: OPENSEARCH_URL,
        summary: undefined as never,
        deployAt: Date.now() - 600_000,
        end: Date.now() - 60_000,
      },
      checkout,
    );
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toBe(
      'could not measure: the server is not Elasticsearch (no X-Elastic-Product header): ' +
        'OpenSearch and Elasticsearch before 7.14 are not supported; use Elasticsearch 8.x or 9.x (on-error: fail)',
    );
    expect(report.gateFailed).toBe(true);
  });
});

// The test infrastructure itself against the real nodes that scripts/es/start.sh runs: versions, the
// seeder's exact counts, the secured node's TLS and three auth schemes, and the fault proxy in front
// of a real node. If these fail, every verify integration test built on them is suspect.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@elastic/elasticsearch';
import { Client as Client8 } from 'es8';
import { parseSeedArgs, seedLogs, type SeedSummary } from '../../scripts/es/seed.mjs';
import {
  ES8_URL,
  ES9_URL,
  OPENSEARCH_URL,
  basicAuthorization,
  createApiKey,
  createBearerToken,
  deleteIndices,
  requestJson,
  secureNode,
  uniqueIndexPrefix,
  waitForElasticsearch,
} from './es-env.js';
import { startFaultProxy, withShardFailures } from './fault-proxy.js';

const ERROR_LEVELS = ['error', 'fatal', 'critical'];

function countErrorsQuery(summary: SeedSummary) {
  return {
    bool: {
      filter: [
        { term: { 'service.name': 'checkout' } },
        { term: { 'service.environment': 'production' } },
        { range: { '@timestamp': { gte: summary.deployAt, lt: summary.end } } },
        {
          bool: {
            should: ERROR_LEVELS.map((level) => ({
              term: { 'log.level': { value: level, case_insensitive: true } },
            })),
            minimum_should_match: 1,
          },
        },
      ],
    },
  };
}

describe.each([
  { node: '8' as const, url: ES8_URL, major: 8 },
  { node: '9' as const, url: ES9_URL, major: 9 },
])('Elasticsearch $major test node', ({ node, url, major }) => {
  const prefix = uniqueIndexPrefix(`infra-${node}`);
  let summary: SeedSummary;

  beforeAll(async () => {
    await waitForElasticsearch(node);
    summary = await seedLogs(
      parseSeedArgs(['--url', url, '--index-prefix', prefix, '--docs', '60000', '--seed', '7']),
      () => {},
    );
  });
  afterAll(async () => {
    await deleteIndices(url, prefix);
  });

  it(`runs Elasticsearch ${major} and answers GET / like a real cluster`, async () => {
    const info = await waitForElasticsearch(node);
    expect(info.major).toBe(major);
    // The client's major must match the server's: 8.x client for 8, 9.x client for 9.
    const client = major === 8 ? new Client8({ node: url }) : new Client({ node: url });
    try {
      const main = await (client as Client).info();
      expect(main.version.number).toBe(info.version);
      expect(main.tagline).toBe('You Know, for Search');
      expect(await (client as Client).ping()).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('holds exactly the documents the seeder says it wrote, more than 10,000 errors after the deploy', async () => {
    const expected = ERROR_LEVELS.reduce(
      (sum, level) => sum + (summary.deployedService.afterDeploy.byLevel[level] ?? 0),
      0,
    );
    expect(expected).toBeGreaterThan(10_000);
    const response = await requestJson(url, `/${summary.indexPattern}/_search`, {
      method: 'POST',
      body: { size: 0, track_total_hits: true, query: countErrorsQuery(summary) },
    });
    expect(response.body).toMatchObject({ hits: { total: { value: expected, relation: 'eq' } } });

    const total = await requestJson(url, `/${summary.indexPattern}/_count`);
    expect(total.body).toMatchObject({ count: 60_000 });
  });

  it('stores levels as written, in mixed case', async () => {
    const written = summary.deployedService.afterDeploy.byLevelAsWritten;
    for (const spelling of ['ERROR', 'error', 'Error']) {
      const response = await requestJson(url, `/${summary.indexPattern}/_count`, {
        method: 'POST',
        body: {
          query: {
            bool: {
              filter: [
                { term: { 'log.level': spelling } },
                { term: { 'service.name': 'checkout' } },
                { term: { 'service.environment': 'production' } },
                { range: { '@timestamp': { gte: summary.deployAt } } },
              ],
            },
          },
        },
      });
      expect(response.body).toMatchObject({ count: written[spelling] });
      expect(written[spelling]).toBeGreaterThan(0);
    }
  });

  it('refuses an index pattern that matches nothing when allow_no_indices is false', async () => {
    const response = await requestJson(url, `/${prefix}-nothing-*/_search?allow_no_indices=false`, {
      method: 'POST',
      body: { size: 0 },
    });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { type: 'index_not_found_exception' } });
  });
});

describe('the secured Elasticsearch 8 test node', () => {
  beforeAll(async () => {
    await waitForElasticsearch('8-secure');
  });

  it('serves TLS with a certificate of the test CA whose fingerprint es-env reports', () => {
    const secure = secureNode();
    const fingerprint = new X509Certificate(secure.caCertPem).fingerprint256;
    expect(secure.caFingerprint).toBe(fingerprint);
  });

  it('refuses a client that does not trust the test CA', async () => {
    await expect(requestJson(secureNode().url, '/')).rejects.toThrow(/self[- ]signed|unable to verify/i);
  });

  it('refuses requests without credentials (401)', async () => {
    const secure = secureNode();
    const response = await requestJson(secure.url, '/_count', { ca: secure.caCertPem });
    expect(response.status).toBe(401);
  });

  it.each([
    ['basic', async () => basicAuthorization(secureNode().username, secureNode().password), 'realm'],
    ['API key', async () => `ApiKey ${(await createApiKey()).encoded}`, 'api_key'],
    ['bearer token', async () => `Bearer ${await createBearerToken()}`, 'token'],
  ])('authenticates with %s credentials', async (_name, authorization, expectedType) => {
    const secure = secureNode();
    const response = await requestJson(secure.url, '/_security/_authenticate', {
      authorization: await authorization(),
      ca: secure.caCertPem,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ username: secure.username, authentication_type: expectedType });
  });

  it('works with the 8.x client given the CA fingerprint and an API key', async () => {
    const secure = secureNode();
    const client = new Client8({
      node: secure.url,
      auth: { apiKey: (await createApiKey()).encoded },
      caFingerprint: secure.caFingerprint,
      tls: { rejectUnauthorized: false },
    });
    try {
      expect((await client.info()).version.number).toMatch(/^8\./);
    } finally {
      await client.close();
    }
  });
});

describe('the fault proxy in front of the real Elasticsearch 8 node', () => {
  it('injects 429s, then forwards, and doctors real search answers', async () => {
    await waitForElasticsearch('8');
    const proxy = await startFaultProxy({ target: ES8_URL });
    try {
      proxy.setFault({ kind: 'status', status: 429, retryAfterSeconds: 1 }, { times: 1 });
      const rejected = await requestJson(proxy.url, '/_cluster/health');
      expect(rejected.status).toBe(429);
      const passed = await requestJson(proxy.url, '/_cluster/health');
      expect(passed.status).toBe(200);
      expect(passed.body).toMatchObject({ cluster_name: 'buildx-gate-8' });

      proxy.setFault({ kind: 'transform', transform: withShardFailures(1) }, { when: { path: /_search/ } });
      const search = await requestJson(proxy.url, '/_search', { method: 'POST', body: { size: 0 } });
      expect(search.body).toMatchObject({ _shards: { failed: 1 } });
      expect(proxy.requests.map((request) => [request.fault, request.status])).toEqual([
        ['status', 429],
        ['pass', 200],
        ['transform', 200],
      ]);
    } finally {
      await proxy.close();
    }
  });
});

describe('the OpenSearch test node', () => {
  it('runs OpenSearch, which both Elasticsearch clients refuse as an unsupported product', async () => {
    const info = await waitForElasticsearch('opensearch');
    expect(info.major).toBe(3);
    const main = await requestJson(OPENSEARCH_URL, '/');
    expect(main.body).toMatchObject({ version: { distribution: 'opensearch' } });
    const client9 = new Client({ node: OPENSEARCH_URL });
    const client8 = new Client8({ node: OPENSEARCH_URL });
    try {
      await expect(client9.count({ index: '*' })).rejects.toMatchObject({ name: 'ProductNotSupportedError' });
      await expect(client8.count({ index: '*' })).rejects.toMatchObject({ name: 'ProductNotSupportedError' });
    } finally {
      await client9.close();
      await client8.close();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startFaultProxy, withShardFailures, withTimedOut, type FaultProxy } from './fault-proxy.js';

interface UpstreamHit {
  method: string;
  url: string;
  host: string | undefined;
  authorization: string | undefined;
  body: string;
}

// A stand-in for Elasticsearch: answers a search-shaped JSON document and remembers what reached it.
async function startUpstream(): Promise<{ url: string; hits: UpstreamHit[]; close: () => Promise<void> }> {
  const hits: UpstreamHit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      hits.push({
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host,
        authorization: req.headers.authorization,
        body,
      });
      const search = {
        took: 1,
        timed_out: false,
        _shards: { total: 3, successful: 3, skipped: 0, failed: 0 },
      };
      const answer = req.url?.startsWith('/_msearch') ? { took: 2, responses: [search, search] } : search;
      res.writeHead(req.url === '/missing' ? 404 : 200, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('startFaultProxy', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: FaultProxy;

  beforeAll(async () => {
    upstream = await startUpstream();
    proxy = await startFaultProxy({ target: upstream.url });
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });
  afterEach(() => {
    proxy.clearFaults();
    proxy.requireAuth(null);
    proxy.clearRequests();
    upstream.hits.length = 0;
  });

  it('forwards method, path, query and body unchanged and records the round trip', async () => {
    const response = await fetch(`${proxy.url}/logs-*/_search?allow_no_indices=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"size":0}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(await response.json()).toMatchObject({ timed_out: false });
    expect(upstream.hits).toEqual([
      {
        method: 'POST',
        url: '/logs-*/_search?allow_no_indices=false',
        host: new URL(upstream.url).host,
        authorization: undefined,
        body: '{"size":0}',
      },
    ]);
    expect(proxy.requests).toHaveLength(1);
    expect(proxy.requests[0]).toMatchObject({
      method: 'POST',
      path: '/logs-*/_search?allow_no_indices=false',
      body: '{"size":0}',
      fault: 'pass',
      status: 200,
      authScheme: null,
    });
  });

  it('passes the node’s own error statuses through', async () => {
    const response = await fetch(`${proxy.url}/missing`);
    expect(response.status).toBe(404);
    expect(proxy.requests[0]!.status).toBe(404);
  });

  it('answers 429 with Retry-After for the next N requests only, without asking the node', async () => {
    proxy.setFault({ kind: 'status', status: 429, retryAfterSeconds: 2 }, { times: 2 });
    const first = await fetch(`${proxy.url}/_count`);
    const second = await fetch(`${proxy.url}/_count`);
    const third = await fetch(`${proxy.url}/_count`);
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(await first.json()).toMatchObject({
      status: 429,
      error: { type: 'es_rejected_execution_exception' },
    });
    expect(upstream.hits).toHaveLength(1);
    expect(proxy.requests.map((request) => request.fault)).toEqual(['status', 'status', 'pass']);
  });

  it('answers 503 like Elasticsearch and 502/504 like a load balancer, always when no count is given', async () => {
    proxy.setFault({ kind: 'status', status: 503 }, { times: 1 });
    const unavailable = await fetch(`${proxy.url}/_search`);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ error: { type: 'cluster_block_exception' } });

    proxy.setFault({ kind: 'status', status: 502 });
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${proxy.url}/_search`);
      expect(response.status).toBe(502);
      expect(response.headers.get('x-elastic-product')).toBeNull();
      expect(response.headers.get('content-type')).toBe('text/html');
      expect(await response.text()).toContain('502 Bad Gateway');
    }
    proxy.clearFaults();
    proxy.setFault({ kind: 'status', status: 504 }, { times: 1 });
    expect((await fetch(`${proxy.url}/_search`)).status).toBe(504);
    expect(upstream.hits).toHaveLength(0);
  });

  it('applies a fault only to requests that match its method and path', async () => {
    proxy.setFault({ kind: 'status', status: 503 }, { when: { method: 'POST', path: '/_msearch' } });
    expect((await fetch(`${proxy.url}/_msearch`, { method: 'POST', body: '{}\n{}\n' })).status).toBe(503);
    expect((await fetch(`${proxy.url}/_msearch`)).status).toBe(200);
    expect((await fetch(`${proxy.url}/logs-*/_search`, { method: 'POST', body: '{}' })).status).toBe(200);

    proxy.clearFaults();
    proxy.setFault({ kind: 'status', status: 401 }, { when: { path: /_count\?/ } });
    expect((await fetch(`${proxy.url}/logs-*/_count?q=x`)).status).toBe(401);
    expect((await fetch(`${proxy.url}/logs-*/_count`)).status).toBe(200);
  });

  it('delays answers so that a client with a shorter timeout gives up', async () => {
    proxy.setFault({ kind: 'delay', ms: 400 }, { times: 1 });
    await expect(fetch(`${proxy.url}/_search`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();

    proxy.setFault({ kind: 'delay', ms: 150 }, { times: 1 });
    const started = Date.now();
    const response = await fetch(`${proxy.url}/_search`);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops the connection without an answer', async () => {
    proxy.setFault({ kind: 'reset' }, { times: 1 });
    await expect(fetch(`${proxy.url}/_search`)).rejects.toThrow();
    expect(proxy.requests[0]).toMatchObject({ fault: 'reset', status: null });
    expect(upstream.hits).toHaveLength(0);
    expect((await fetch(`${proxy.url}/_search`)).status).toBe(200);
  });

  it.each([
    [{ scheme: 'ApiKey', apiKey: 'a2V5OnNlY3JldA==' } as const, 'ApiKey a2V5OnNlY3JldA=='],
    [
      { scheme: 'Basic', username: 'elastic', password: 's3cret' } as const,
      `Basic ${Buffer.from('elastic:s3cret').toString('base64')}`,
    ],
    [{ scheme: 'Bearer', token: 'dGhlLXRva2Vu' } as const, 'Bearer dGhlLXRva2Vu'],
  ])('requires the %j credentials and never records them', async (auth, header) => {
    proxy.requireAuth(auth);
    const missing = await fetch(`${proxy.url}/_search`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('ApiKey');
    expect(await missing.json()).toMatchObject({
      error: { reason: 'missing authentication credentials for REST request' },
    });

    const wrong = await fetch(`${proxy.url}/_search`, {
      headers: { authorization: `${auth.scheme} d3Jvbmc=` },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      error: { reason: 'unable to authenticate with provided credentials' },
    });

    const right = await fetch(`${proxy.url}/_search`, { headers: { authorization: header } });
    expect(right.status).toBe(200);
    expect(upstream.hits).toHaveLength(1);
    expect(upstream.hits[0]!.authorization).toBe(header);

    expect(proxy.requests.map((request) => request.fault)).toEqual(['unauthorized', 'unauthorized', 'pass']);
    expect(proxy.requests[2]!.authScheme).toBe(auth.scheme);
    expect(proxy.requests[2]!.headers.authorization).toBe(`${auth.scheme} [redacted]`);
    const secret = header.split(' ')[1]!;
    expect(JSON.stringify(proxy.requests)).not.toContain(secret);
  });

  it('marks search and msearch answers as timed out', async () => {
    proxy.setFault({ kind: 'transform', transform: withTimedOut });
    const search = (await (await fetch(`${proxy.url}/logs-*/_search`)).json()) as { timed_out: boolean };
    expect(search.timed_out).toBe(true);
    const msearch = (await (await fetch(`${proxy.url}/_msearch`)).json()) as {
      responses: { timed_out: boolean }[];
    };
    expect(msearch.responses.map((response) => response.timed_out)).toEqual([true, true]);
  });

  it('reports failed shards in search and msearch answers', async () => {
    proxy.setFault({ kind: 'transform', transform: withShardFailures(2) });
    const search = (await (await fetch(`${proxy.url}/logs-*/_search`)).json()) as {
      _shards: { total: number; successful: number; failed: number; failures: unknown[] };
    };
    expect(search._shards).toMatchObject({ total: 3, successful: 1, failed: 2 });
    expect(search._shards.failures).toHaveLength(2);
    const msearch = (await (await fetch(`${proxy.url}/_msearch`)).json()) as {
      responses: { _shards: { failed: number } }[];
    };
    expect(msearch.responses.map((response) => response._shards.failed)).toEqual([2, 2]);
  });

  it('rejects a fault count below one', () => {
    expect(() => proxy.setFault({ kind: 'reset' }, { times: 0 })).toThrow('times must be at least 1');
  });
});

describe('startFaultProxy without a reachable node', () => {
  it('answers 502 naming the unreachable target', async () => {
    const upstream = await startUpstream();
    const deadTarget = upstream.url;
    await upstream.close();
    const proxy = await startFaultProxy({ target: deadTarget });
    try {
      const response = await fetch(`${proxy.url}/_search`);
      expect(response.status).toBe(502);
      expect(await response.text()).toContain(`upstream ${new URL(deadTarget).host} failed`);
    } finally {
      await proxy.close();
    }
  });

  it('closes while a delayed request is still waiting', async () => {
    const upstream = await startUpstream();
    const proxy = await startFaultProxy({ target: upstream.url });
    proxy.setFault({ kind: 'delay', ms: 60_000 });
    const pending = fetch(`${proxy.url}/_search`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.close();
    await expect(pending).rejects.toThrow();
    expect(upstream.hits).toHaveLength(0);
    await upstream.close();
  });
});

// A GitHub Actions cache service of our own on 127.0.0.1, for tests and the bench: the cache
// service v2 that @actions/cache speaks when ACTIONS_CACHE_SERVICE_V2 is set (what GitHub's
// hosted runners set), i.e. twirp JSON RPCs under
// /twirp/github.actions.results.api.v1.CacheService/ (CreateCacheEntry, FinalizeCacheEntryUpload,
// GetCacheEntryDownloadURL) plus blob storage at the signed URLs it hands out: Azure Blob
// `Put Blob` (single shot) and `Put Block` / `Put Block List` (chunked) to upload, a plain GET to
// download. nektos/act's built-in cache server speaks only the legacy v1 REST API
// (/_apis/artifactcache), so it cannot stand in for this.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

interface Entry {
  id: number;
  key: string;
  version: string;
  finalized: boolean;
  createdAt: number;
  data: Buffer | null;
  blocks: Map<string, Buffer>;
  sig: string;
}

export interface CacheServerCall {
  method: string;
  /** The RPC name, or `blob PUT` / `blob GET`. */
  rpc: string;
  status: number;
}

export interface ActionsCacheServer {
  url: string;
  token: string;
  /** The environment @actions/cache needs to talk to this server. */
  env: Record<string, string>;
  calls: CacheServerCall[];
  entries(): Array<{ key: string; version: string; size: number; finalized: boolean }>;
  /** The stored archive of the newest finalized entry whose key starts with prefix. */
  archive(prefix: string): Buffer | null;
  /** Every RPC answers this HTTP status while set (500s are retried by the client, 4xx are not). */
  failWith: number | null;
  close(): Promise<void>;
}

export async function startActionsCacheServer(): Promise<ActionsCacheServer> {
  const token = randomBytes(12).toString('hex');
  const entries: Entry[] = [];
  const calls: CacheServerCall[] = [];
  let nextId = 1;
  let base = '';
  const state: { failWith: number | null } = { failWith: null };

  const send = (
    res: ServerResponse,
    call: CacheServerCall,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    call.status = status;
    calls.push(call);
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    });
    res.end(text);
  };
  const twirpError = (
    res: ServerResponse,
    call: CacheServerCall,
    status: number,
    code: string,
    msg: string,
  ) => send(res, call, status, { code, msg });

  const findEntry = (key: string, restoreKeys: string[], version: string): Entry | undefined => {
    const done = entries
      .filter((e) => e.finalized && e.version === version)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
    const exact = done.find((e) => e.key === key);
    if (exact) return exact;
    for (const prefix of [key, ...restoreKeys]) {
      const match = done.find((e) => e.key.startsWith(prefix));
      if (match) return match;
    }
    return undefined;
  };

  const handleRpc = (
    rpc: string,
    body: Record<string, unknown>,
    res: ServerResponse,
    call: CacheServerCall,
  ) => {
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    switch (rpc) {
      case 'CreateCacheEntry': {
        if (key === '' || version === '')
          return twirpError(res, call, 400, 'invalid_argument', 'key and version are required');
        if (entries.some((e) => e.key === key && e.version === version))
          return twirpError(
            res,
            call,
            409,
            'already_exists',
            'cache entry with the same key, version and scope already exists',
          );
        const entry: Entry = {
          id: nextId++,
          key,
          version,
          finalized: false,
          createdAt: Date.now(),
          data: null,
          blocks: new Map(),
          sig: randomBytes(8).toString('hex'),
        };
        entries.push(entry);
        return send(res, call, 200, {
          ok: true,
          signed_upload_url: `${base}/blob/cache/${entry.id}?sig=${entry.sig}`,
        });
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized);
        if (!entry || entry.data === null)
          return twirpError(res, call, 404, 'not_found', 'no uploaded cache entry to finalize');
        if (String(body.size_bytes ?? body.sizeBytes) !== String(entry.data.length))
          return twirpError(
            res,
            call,
            400,
            'invalid_argument',
            `size ${String(body.size_bytes)} does not match the upload (${entry.data.length})`,
          );
        entry.finalized = true;
        entry.createdAt = Date.now();
        return send(res, call, 200, { ok: true, entry_id: String(entry.id) });
      }
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
        const entry = findEntry(key, restoreKeys, version);
        if (!entry) return send(res, call, 200, { ok: false, signed_download_url: '', matched_key: '' });
        return send(res, call, 200, {
          ok: true,
          signed_download_url: `${base}/blob/cache/${entry.id}?sig=${entry.sig}`,
          matched_key: entry.key,
        });
      }
      default:
        return twirpError(res, call, 404, 'bad_route', `no handler for ${rpc}`);
    }
  };

  const handleBlob = (
    req: IncomingMessage,
    url: URL,
    data: Buffer,
    res: ServerResponse,
    call: CacheServerCall,
  ) => {
    const id = Number(/^\/blob\/cache\/(\d+)$/.exec(url.pathname)?.[1]);
    const entry = entries.find((e) => e.id === id);
    if (!entry || url.searchParams.get('sig') !== entry.sig) return send(res, call, 403, undefined);
    const headers = {
      etag: `"0x${entry.id}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-version': '2024-11-04',
      'x-ms-request-id': randomBytes(8).toString('hex'),
    };
    if (req.method === 'GET') {
      if (!entry.finalized || entry.data === null) return send(res, call, 404, undefined);
      call.status = 200;
      calls.push(call);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(entry.data.length),
        ...headers,
      });
      res.end(entry.data);
      return;
    }
    if (req.method !== 'PUT' || entry.finalized) return send(res, call, 409, undefined);
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      entry.blocks.set(url.searchParams.get('blockid') ?? '', data);
      return send(res, call, 201, undefined, headers);
    }
    if (comp === 'blocklist') {
      const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(
        (m) => m[1]!,
      );
      if (ids.some((i) => !entry.blocks.has(i))) return send(res, call, 400, undefined);
      entry.data = Buffer.concat(ids.map((i) => entry.blocks.get(i)!));
      entry.blocks.clear();
      return send(res, call, 201, undefined, headers);
    }
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return send(res, call, 400, undefined);
    entry.data = data;
    return send(res, call, 201, undefined, headers);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const data = Buffer.concat(chunks);
      if (url.pathname.startsWith(SERVICE)) {
        const rpc = url.pathname.slice(SERVICE.length);
        const call: CacheServerCall = { method: req.method ?? '', rpc, status: 0 };
        if (req.headers.authorization !== `Bearer ${token}`)
          return twirpError(res, call, 401, 'unauthenticated', 'bad token');
        if (state.failWith !== null)
          return twirpError(res, call, state.failWith, 'internal', 'the cache service is failing (test)');
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(data.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          return twirpError(res, call, 400, 'malformed', 'body is not JSON');
        }
        return handleRpc(rpc, body, res, call);
      }
      if (url.pathname.startsWith('/blob/'))
        return handleBlob(req, url, data, res, {
          method: req.method ?? '',
          rpc: `blob ${req.method}`,
          status: 0,
        });
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    token,
    env: { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: `${base}/`, ACTIONS_RUNTIME_TOKEN: token },
    calls,
    entries: () =>
      entries.map((e) => ({
        key: e.key,
        version: e.version,
        size: e.data?.length ?? 0,
        finalized: e.finalized,
      })),
    archive(prefix) {
      const e = entries
        .filter((x) => x.finalized && x.key.startsWith(prefix))
        .sort((a, b) => b.createdAt - a.createdAt)[0];
      return e?.data ?? null;
    },
    get failWith() {
      return state.failWith;
    },
    set failWith(value: number | null) {
      state.failWith = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

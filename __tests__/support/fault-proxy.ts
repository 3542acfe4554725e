// A local HTTP proxy in front of a real Elasticsearch node that injects the faults a verify gate must
// survive: error statuses (401/429/502/503/504), slow answers, dropped connections, missing or wrong
// credentials, and doctored response bodies (timed-out or partially failed shards). It records every
// request (credentials redacted) so tests can count round trips.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with a request a fault rule matches. */
export type Fault =
  /** Forward unchanged. */
  | { kind: 'pass' }
  /**
   * Answer with this status without asking the node. 401, 429 and 503 look like Elasticsearch's own
   * answers (JSON error, x-elastic-product header; 429 with Retry-After); 502 and 504 like a load
   * balancer's (HTML, no product header).
   */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: string; contentType?: string }
  /** Wait, then forward: makes a client with a shorter request timeout give up. */
  | { kind: 'delay'; ms: number }
  /** Destroy the connection without an answer (the client sees a socket hang up / ECONNRESET). */
  | { kind: 'reset' }
  /** Forward, then pass the node's JSON answer through `transform` (see withTimedOut, withShardFailures). */
  | { kind: 'transform'; transform: (body: unknown, request: RecordedRequest) => unknown };

export interface RequestMatcher {
  /** HTTP method, e.g. 'POST'. */
  method?: string;
  /** Exact pathname ('/_msearch'), or a pattern tested against pathname plus query string. */
  path?: string | RegExp;
}

export interface FaultOptions {
  /** Apply to the next `times` matching requests only; every matching request when omitted. */
  times?: number;
  /** Apply only to matching requests; to every request when omitted. */
  when?: RequestMatcher;
}

/** The Authorization header a request must carry, as its scheme and credentials. */
export type RequiredAuth =
  | { scheme: 'Basic'; username: string; password: string }
  | { scheme: 'ApiKey'; apiKey: string }
  | { scheme: 'Bearer'; token: string };

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. '/logs-*\/_search?allow_no_indices=false'. */
  path: string;
  /** Request headers with the Authorization value replaced by '<scheme> [redacted]'. */
  headers: Record<string, string>;
  /** The Authorization scheme the client used ('ApiKey', 'Basic', 'Bearer'), or null. */
  authScheme: string | null;
  body: string;
  /** The fault applied ('pass' when forwarded unchanged, 'unauthorized' when refused by requireAuth). */
  fault: Fault['kind'] | 'unauthorized';
  /** Status sent to the client; null when the connection was dropped. */
  status: number | null;
  receivedAt: number;
}

export interface FaultProxy {
  /** Base URL of the proxy, e.g. 'http://127.0.0.1:41234'. */
  readonly url: string;
  /** Every request received so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Adds a fault rule; rules are tried in the order they were added, the first match applies. */
  setFault(fault: Fault, options?: FaultOptions): void;
  /** Removes all fault rules: every request is forwarded again. */
  clearFaults(): void;
  /** Refuses (401) any request whose Authorization header is not exactly this; null stops checking. */
  requireAuth(auth: RequiredAuth | null): void;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Stops listening and drops open connections (including delayed ones). */
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The node to forward to, e.g. 'http://127.0.0.1:9200' or 'https://127.0.0.1:9202'. */
  target: string;
  /** CA certificate (PEM) to trust when the target is https. */
  ca?: string | Buffer;
}

interface Rule {
  fault: Fault;
  remaining: number;
  when?: RequestMatcher;
}

const MAX_RECORDED_BODY = 1_000_000;

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const secureTarget = target.protocol === 'https:';
  const agent = secureTarget
    ? new https.Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) })
    : new http.Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  let rules: Rule[] = [];
  let requiredAuth: string | null = null;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (method: string, path: string): Fault => {
    const rule = rules.find((candidate) => matches(candidate.when, method, path));
    if (!rule) return { kind: 'pass' };
    rule.remaining--;
    if (rule.remaining <= 0) rules = rules.filter((candidate) => candidate !== rule);
    return rule.fault;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const authorization = req.headers.authorization;
      const record: RecordedRequest = {
        method,
        path,
        headers: redactHeaders(req.headers),
        authScheme: authorization ? authorization.split(' ')[0]! : null,
        body: body.subarray(0, MAX_RECORDED_BODY).toString('utf8'),
        fault: 'pass',
        status: null,
        receivedAt: Date.now(),
      };
      requests.push(record);
      res.on('finish', () => (record.status = res.statusCode));

      if (requiredAuth !== null && authorization !== requiredAuth) {
        record.fault = 'unauthorized';
        sendUnauthorized(res, authorization === undefined);
        return;
      }
      const fault = takeFault(method, path);
      record.fault = fault.kind;
      switch (fault.kind) {
        case 'pass':
          forward(req, res, body, record, undefined);
          return;
        case 'status':
          sendStatus(res, fault);
          return;
        case 'delay': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed && !req.socket.destroyed) forward(req, res, body, record, undefined);
          }, fault.ms);
          timers.add(timer);
          return;
        }
        case 'reset':
          req.socket.destroy();
          return;
        case 'transform':
          forward(req, res, body, record, fault.transform);
          return;
      }
    });
  });

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    record: RecordedRequest,
    transform: ((body: unknown, request: RecordedRequest) => unknown) | undefined,
  ): void {
    const headers = { ...req.headers, host: target.host };
    // Plain bodies, so they can be recorded and transformed.
    delete headers['accept-encoding'];
    const upstream = (secureTarget ? https : http).request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (upstreamRes) => {
        if (!transform) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => parts.push(chunk));
        upstreamRes.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let output = text;
          try {
            output = JSON.stringify(transform(JSON.parse(text), record));
          } catch {
            // Not JSON (e.g. a HEAD answer): pass it on untouched.
          }
          const outHeaders = { ...upstreamRes.headers, 'content-length': String(Buffer.byteLength(output)) };
          delete outHeaders['transfer-encoding'];
          res.writeHead(upstreamRes.statusCode ?? 502, outHeaders);
          res.end(output);
        });
      },
    );
    upstream.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault-proxy: upstream ${target.host} failed: ${error.message}`);
    });
    upstream.end(body);
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFault(fault, faultOptions = {}) {
      const times = faultOptions.times ?? Number.POSITIVE_INFINITY;
      if (!(times >= 1)) throw new Error(`setFault: times must be at least 1, got ${faultOptions.times}`);
      rules.push({ fault, remaining: times, when: faultOptions.when });
    },
    clearFaults() {
      rules = [];
    },
    requireAuth(auth) {
      requiredAuth = auth === null ? null : authorizationHeader(auth);
    },
    clearRequests() {
      requests.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matches(when: RequestMatcher | undefined, method: string, path: string): boolean {
  if (!when) return true;
  if (when.method && when.method.toUpperCase() !== method.toUpperCase()) return false;
  if (when.path === undefined) return true;
  if (typeof when.path === 'string') return path.split('?')[0] === when.path;
  return when.path.test(path);
}

export function authorizationHeader(auth: RequiredAuth): string {
  switch (auth.scheme) {
    case 'Basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    case 'ApiKey':
      return `ApiKey ${auth.apiKey}`;
    case 'Bearer':
      return `Bearer ${auth.token}`;
  }
}

function redactHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? `${text.split(' ')[0]} [redacted]` : text;
  }
  return out;
}

const ELASTIC_ERRORS: Record<number, { type: string; reason: string }> = {
  401: { type: 'security_exception', reason: 'unable to authenticate user for REST request' },
  403: { type: 'security_exception', reason: 'action is unauthorized' },
  429: {
    type: 'es_rejected_execution_exception',
    reason: 'rejected execution of coordinating operation [search queue capacity reached]',
  },
  500: { type: 'exception', reason: 'injected internal error' },
  503: {
    type: 'cluster_block_exception',
    reason: 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered];',
  },
};

function sendStatus(res: http.ServerResponse, fault: Extract<Fault, { kind: 'status' }>): void {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  const elastic = ELASTIC_ERRORS[fault.status];
  let body = fault.body;
  if (body === undefined && elastic) {
    body = JSON.stringify({ error: { root_cause: [elastic], ...elastic }, status: fault.status });
    headers['content-type'] = 'application/json';
    headers['x-elastic-product'] = 'Elasticsearch';
  } else if (body === undefined) {
    const text = http.STATUS_CODES[fault.status] ?? 'Error';
    body = `<html><body><h1>${fault.status} ${text}</h1></body></html>`;
    headers['content-type'] = 'text/html';
  }
  if (fault.contentType) headers['content-type'] = fault.contentType;
  if (fault.status === 401)
    headers['www-authenticate'] = 'Basic realm="security", ApiKey, Bearer realm="security"';
  res.writeHead(fault.status, headers);
  res.end(body);
}

function sendUnauthorized(res: http.ServerResponse, missing: boolean): void {
  const reason = missing
    ? 'missing authentication credentials for REST request'
    : 'unable to authenticate with provided credentials';
  const error = { type: 'security_exception', reason };
  res.writeHead(401, {
    'content-type': 'application/json',
    'x-elastic-product': 'Elasticsearch',
    'www-authenticate': 'Basic realm="security", ApiKey, Bearer realm="security"',
  });
  res.end(JSON.stringify({ error: { root_cause: [error], ...error }, status: 401 }));
}

type SearchLike = { timed_out?: boolean; _shards?: ShardsSection; responses?: SearchLike[] };
type ShardsSection = {
  total: number;
  successful: number;
  skipped?: number;
  failed: number;
  failures?: unknown[];
};

/** Transform for search and msearch answers: marks every search as timed out. */
export function withTimedOut(body: unknown): unknown {
  return mapSearches(body, (search) => ({ ...search, timed_out: true }));
}

/** Transform for search and msearch answers: reports `failed` of the searched shards as failed. */
export function withShardFailures(failed = 1): (body: unknown) => unknown {
  return (body) =>
    mapSearches(body, (search) => {
      const shards = search._shards ?? { total: failed, successful: failed, failed: 0 };
      const total = Math.max(shards.total, failed);
      return {
        ...search,
        _shards: {
          ...shards,
          total,
          successful: Math.max(0, total - failed - (shards.skipped ?? 0)),
          failed,
          failures: Array.from({ length: failed }, (_, shard) => ({
            shard,
            index: 'injected-by-fault-proxy',
            node: 'fault-proxy',
            reason: { type: 'node_not_connected_exception', reason: 'injected shard failure' },
          })),
        },
      };
    });
}

function mapSearches(body: unknown, change: (search: SearchLike) => SearchLike): unknown {
  if (body === null || typeof body !== 'object') return body;
  const search = body as SearchLike;
  if (Array.isArray(search.responses)) return { ...search, responses: search.responses.map(change) };
  return change(search);
}

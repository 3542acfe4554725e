// The Elasticsearch adapter behind LogStore. The client major must match the
// server major (the 9.x client sends `compatible-with=9`, which an 8.x server
// rejects), so one GET / picks the client: es8 for 8.x servers, the 9.x client
// for 9.x. Older servers and OpenSearch get a clear refusal: their responses lack
// the product header the clients require, and their query DSL differs
// (case_insensitive term queries need 7.10+; filter aggregation semantics and
// data streams need 7.9+), so silently "mostly working" would risk wrong counts.
import type { ConnectionConfig } from '../config/config.js';
import {
  LogStoreError,
  type FieldCaps,
  type LogStore,
  type LogStoreErrorKind,
  type ServerInfo,
} from '../ports.js';
import { scrub } from '../config/redact.js';
import { parseRetryAfter, withRetries, type Failure, type RetryPolicy } from './retry.js';

interface TransportLike {
  request(params: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}
interface ClientLike {
  transport: TransportLike;
  close(): Promise<void>;
}

export interface ConnectOptions {
  secrets: readonly string[];
  sleep(ms: number): Promise<void>;
  random?: () => number;
  now?: () => number;
  log?: (message: string) => void;
  /** Retry backoff base; the default suits a real cluster, tests shorten it. */
  baseDelayMs?: number;
}

function clientOptions(connection: ConnectionConfig): Record<string, unknown> {
  const auth = connection.auth;
  return {
    ...(connection.url ? { node: connection.url } : { cloud: { id: connection.cloudId } }),
    ...(auth.kind === 'api-key' ? { auth: { apiKey: auth.apiKey } } : {}),
    ...(auth.kind === 'basic' ? { auth: { username: auth.username, password: auth.password } } : {}),
    ...(auth.kind === 'bearer' ? { auth: { bearer: auth.token } } : {}),
    ...(connection.caCert ? { tls: { ca: connection.caCert } } : {}),
    // A pinned CA fingerprint replaces the chain check (the client's documented
    // use): the CA is not in the system store, so Node must not reject it first.
    ...(connection.caFingerprint
      ? {
          caFingerprint: connection.caFingerprint,
          ...(connection.caCert ? {} : { tls: { rejectUnauthorized: false } }),
        }
      : {}),
    requestTimeout: connection.requestTimeoutMs,
    // Retries are ours (withRetries): exponential, Retry-After aware, the same for both majors.
    maxRetries: 0,
  };
}

/** Maps client errors to what happened, in words without secrets. */
export function classifyTransportError(
  error: unknown,
  secrets: readonly string[],
  now = Date.now(),
): LogStoreError & Failure {
  const e = error as {
    name?: string;
    message?: string;
    meta?: { statusCode?: number; headers?: Record<string, string>; body?: unknown };
  };
  const status = e.meta?.statusCode;
  const body = e.meta?.body as
    | {
        error?:
          | string
          | {
              type?: string;
              reason?: string;
              root_cause?: { reason?: string }[];
              caused_by?: { reason?: string };
            };
      }
    | string
    | undefined;
  const esError = typeof body === 'object' ? body?.error : undefined;
  const closedIndex =
    typeof esError === 'object' && esError.type === 'index_closed_exception'
      ? ((esError as { index?: string }).index ?? 'unknown')
      : null;
  const esReason =
    typeof esError === 'string'
      ? esError
      : esError
        ? [esError.root_cause?.[0]?.reason ?? esError.reason ?? esError.type, esError.caused_by?.reason]
            .filter(Boolean)
            .join(': ')
        : undefined;
  const make = (kind: LogStoreErrorKind, message: string, retryable: boolean, retryAfterMs?: number) => {
    const err = new LogStoreError(kind, scrub(message, secrets), status) as LogStoreError & Failure;
    err.retryable = retryable;
    err.reason = err.message;
    if (retryAfterMs !== undefined) err.retryAfterMs = retryAfterMs;
    return err;
  };
  if (error instanceof LogStoreError)
    return Object.assign(error, { retryable: false, reason: error.message });
  switch (e.name) {
    case 'ResponseError':
      if (status === 401 || status === 403) {
        return make(
          'auth',
          `Elasticsearch refused the credentials (HTTP ${status}${esReason ? `: ${esReason}` : ''})`,
          false,
        );
      }
      if (status === 404 && typeof esError === 'object' && esError.type === 'index_not_found_exception') {
        return make('index-not-found', `no index matches: ${esReason ?? 'index not found'}`, false);
      }
      if (status === 429) {
        return make(
          'rate-limited',
          'Elasticsearch is rejecting requests (HTTP 429 Too Many Requests)',
          true,
          parseRetryAfter(e.meta?.headers?.['retry-after'], now),
        );
      }
      if (status === 502 || status === 503 || status === 504) {
        return make(
          'unavailable',
          `Elasticsearch is unavailable (HTTP ${status}${esReason ? `: ${esReason}` : ''})`,
          true,
          parseRetryAfter(e.meta?.headers?.['retry-after'], now),
        );
      }
      if (status === 400 && closedIndex !== null) {
        const err = make('index-closed', `index [${closedIndex}] is closed`, false);
        return Object.assign(err, { index: scrub(closedIndex, secrets) });
      }
      if (status === 400)
        return make('bad-request', `Elasticsearch rejected the query: ${esReason ?? 'bad request'}`, false);
      return make(
        'server',
        `Elasticsearch answered HTTP ${status ?? '?'}${esReason ? `: ${esReason}` : ''}`,
        false,
      );
    case 'TimeoutError':
      return make('timeout', 'Elasticsearch did not answer within request-timeout', true);
    case 'ConnectionError':
    case 'NoLivingConnectionsError':
      return make('unreachable', `cannot reach Elasticsearch: ${e.message ?? 'connection failed'}`, true);
    case 'ProductNotSupportedError': {
      // The body still says what the server is (OpenSearch, Elasticsearch 7.x).
      try {
        if (typeof body === 'object' && body && 'version' in body) serverInfoFrom(body);
      } catch (refusal) {
        if (refusal instanceof LogStoreError) return make('unsupported', refusal.message, false);
      }
      return make(
        'unsupported',
        'the server is not Elasticsearch (no X-Elastic-Product header): OpenSearch and Elasticsearch before 7.14 are not supported; use Elasticsearch 8.x or 9.x',
        false,
      );
    }
    case 'DeserializationError':
      return make(
        'server',
        'the server answered something that is not Elasticsearch JSON (a proxy error page?)',
        false,
      );
    default:
      return make('server', `Elasticsearch request failed: ${e.message ?? String(error)}`, false);
  }
}

/**
 * Reads a _field_caps body. One without its `fields` object (an empty body, a login page, a
 * gateway's own JSON) is not an empty mapping: read as one, the session would blame the
 * timestamp field rather than what answered.
 */
export function fieldCapsFrom(body: unknown): FieldCaps {
  const fields = (body as { fields?: unknown } | null)?.fields;
  if (body === null || typeof body !== 'object' || fields === null || typeof fields !== 'object') {
    throw new LogStoreError(
      'server',
      'the _field_caps response has no fields object: not what Elasticsearch answers (a proxy, a login page or a gateway in between?)',
    );
  }
  return fields as FieldCaps;
}

/**
 * The closed indices in a _resolve/index answer (expand_wildcards=all): those not hidden, and
 * the backing indices of the data streams matched (hidden, yet searched through their stream).
 * A hidden index of its own is skipped by the search whether open or closed.
 */
export function closedIndicesFrom(body: unknown): string[] {
  type Resolved = {
    indices?: { name?: string; attributes?: string[] }[];
    data_streams?: { backing_indices?: string[] }[];
  };
  const resolved = body as Resolved | null;
  if (resolved === null || typeof resolved !== 'object' || !Array.isArray(resolved.indices)) {
    throw new LogStoreError(
      'server',
      'the _resolve/index response has no indices list: not what Elasticsearch answers (a proxy, a login page or a gateway in between?)',
    );
  }
  const backing = new Set((resolved.data_streams ?? []).flatMap((d) => d.backing_indices ?? []));
  return resolved.indices
    .filter((i) => typeof i.name === 'string' && (i.attributes ?? []).includes('closed'))
    .filter((i) => !(i.attributes ?? []).includes('hidden') || backing.has(i.name!))
    .map((i) => i.name!);
}

/** Reads a GET / body; refuses what this tool cannot query correctly. */
export function serverInfoFrom(body: unknown): ServerInfo {
  const b = (body ?? {}) as {
    version?: { number?: string; distribution?: string };
    cluster_name?: string;
    tagline?: string;
  };
  const version = b.version?.number ?? '';
  const distribution = b.version?.distribution ?? 'elasticsearch';
  if (distribution !== 'elasticsearch' || /opensearch/i.test(b.tagline ?? '')) {
    throw new LogStoreError(
      'unsupported',
      `OpenSearch ${version} is not supported: buildx-gate verify needs Elasticsearch 8.x or 9.x`,
    );
  }
  const major = Number(version.split('.')[0]);
  if (major !== 8 && major !== 9) {
    throw new LogStoreError(
      'unsupported',
      `Elasticsearch ${version || '(unknown version)'} is not supported: buildx-gate verify needs Elasticsearch 8.x or 9.x` +
        (major > 0 && major < 8
          ? ' (7.x lacks the client compatibility this tool relies on; upgrade or query an 8.x cluster)'
          : ''),
    );
  }
  return {
    version,
    major,
    distribution,
    ...(b.cluster_name ? { clusterName: b.cluster_name } : {}),
    clientMajor: major as 8 | 9,
  };
}

type ClientClass = new (options: never) => unknown;

/** The Client class of a CommonJS client package, imported natively or through a bundler's interop. */
function clientClass(module: { Client?: unknown; default?: unknown }): ClientClass {
  const found = module.Client ?? (module.default as { Client?: unknown } | undefined)?.Client;
  if (typeof found !== 'function') throw new Error('the Elasticsearch client package has no Client export');
  return found as ClientClass;
}

/** The newest API version a server accepts, from a harmless request with the 9.x client's headers. */
async function negotiateMajor(
  client9: ClientLike,
  call: <T>(client: ClientLike, params: Record<string, unknown>) => Promise<T>,
): Promise<number> {
  try {
    // With a body, so the Content-Type carries compatible-with=9 (a bodyless request's
    // Accept list also offers text/plain, which an 8.x server accepts).
    await call(client9, {
      method: 'POST',
      path: '/_field_caps',
      querystring: { fields: '_bxg_version_probe' },
      body: {},
    });
    return 9;
  } catch (error) {
    const match = /version must be either version (\d+) or (\d+)/i.exec(
      error instanceof Error ? error.message : '',
    );
    if (match) return Math.max(Number(match[1]), Number(match[2]));
    throw error;
  }
}

export async function connectElasticsearch(
  connection: ConnectionConfig,
  options: ConnectOptions,
): Promise<LogStore> {
  const policy: RetryPolicy = {
    retries: connection.retries,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: 30_000,
    sleep: options.sleep,
    random: options.random ?? Math.random,
    onRetry: (attempt, delay, reason) =>
      options.log?.(`retry ${attempt}/${connection.retries} in ${delay} ms: ${reason}`),
  };
  const classify = (error: unknown) =>
    classifyTransportError(error, options.secrets, options.now?.() ?? Date.now());
  const call = async <T>(
    client: ClientLike,
    params: Record<string, unknown>,
    requestOptions: Record<string, unknown> = {},
  ): Promise<T> => {
    try {
      return (await withRetries(policy, classify, () =>
        client.transport.request(params, requestOptions),
      )) as T;
    } catch (error) {
      throw classify(error);
    }
  };

  const opts = clientOptions(connection);
  const Client8 = clientClass(await import('es8'));
  const Client9 = clientClass(await import('@elastic/elasticsearch'));
  const client8 = new Client8(opts as never) as unknown as ClientLike;
  let server: ServerInfo;
  let client: ClientLike;
  try {
    // A plain JSON accept header, so any server version answers and says which it is.
    const body = await call<unknown>(
      client8,
      { method: 'GET', path: '/' },
      { headers: { accept: 'application/json' } },
    );
    server = serverInfoFrom(body);
  } catch (error) {
    // GET / needs the `monitor` privilege (a read-only API key lacks it) and some
    // minimal nodes do not serve it. Then the 9.x client's compatibility header
    // tells: an 8.x server refuses it, naming the versions it accepts.
    const refused =
      error instanceof LogStoreError &&
      error.kind !== 'unsupported' &&
      [403, 404, 405].includes(error.status ?? 0);
    if (!refused) {
      await client8.close();
      throw error;
    }
    const probe9 = new Client9(opts as never) as unknown as ClientLike;
    const accepted = await negotiateMajor(probe9, call);
    await probe9.close();
    server = {
      version: `${accepted}.x`,
      major: accepted,
      distribution: 'elasticsearch',
      clientMajor: accepted === 9 ? 9 : 8,
    };
    if (accepted !== 8 && accepted !== 9) {
      await client8.close();
      throw new LogStoreError(
        'unsupported',
        `Elasticsearch ${accepted}.x is not supported: buildx-gate verify needs Elasticsearch 8.x or 9.x`,
      );
    }
    options.log?.(
      `GET / was refused (HTTP ${(error as LogStoreError).status}); the server accepts the ${accepted}.x client`,
    );
  }
  if (server.clientMajor === 9) {
    await client8.close();
    client = new Client9(opts as never) as unknown as ClientLike;
  } else {
    client = client8;
  }
  return {
    server,
    async fieldCaps(index, fields) {
      const body = await call<unknown>(client, {
        method: 'GET',
        path: `/${encodeURIComponent(index)}/_field_caps`,
        querystring: { fields: fields.join(','), allow_no_indices: false, ignore_unavailable: false },
      });
      return fieldCapsFrom(body);
    },
    async closedIndices(index) {
      try {
        const body = await call<unknown>(client, {
          method: 'GET',
          path: `/_resolve/index/${encodeURIComponent(index)}`,
          querystring: { expand_wildcards: 'all' },
        });
        return closedIndicesFrom(body);
      } catch (error) {
        // _resolve/index needs view_index_metadata, which a read-only key may lack. Then a search
        // that can reach only closed indices tells of one: it is refused, naming it.
        if (!(error instanceof LogStoreError && error.kind === 'auth')) throw error;
        try {
          await call<unknown>(client, {
            method: 'POST',
            path: `/${encodeURIComponent(index)}/_search`,
            querystring: { expand_wildcards: 'closed', allow_no_indices: true, ignore_unavailable: false },
            body: { size: 0, track_total_hits: false, query: { match_none: {} } },
          });
          return [];
        } catch (probe) {
          if (probe instanceof LogStoreError && probe.kind === 'index-closed') return [probe.index ?? index];
          throw probe;
        }
      }
    },
    search(request) {
      return call<Record<string, unknown>>(client, {
        method: 'POST',
        path: `/${encodeURIComponent(request.index)}/_search`,
        querystring: request.params,
        body: request.body,
      });
    },
    close: () => client.close(),
  };
}

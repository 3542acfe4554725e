// Where the integration tests find the Elasticsearch nodes that scripts/es/start.sh runs, and how to
// reach them. A node that is not there is an error naming the command that starts it: integration
// tests fail loudly, they never skip.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type EsNodeName = '8' | '9' | '8-secure' | 'opensearch';

/** Elasticsearch 8, security off. */
export const ES8_URL = process.env.BXG_ES8_URL ?? 'http://127.0.0.1:9200';
/** Elasticsearch 9, security off. */
export const ES9_URL = process.env.BXG_ES9_URL ?? 'http://127.0.0.1:9201';
/** Elasticsearch 8 with TLS (own CA) and security on: basic auth, API keys, bearer tokens. */
export const ES_SECURE_URL = process.env.BXG_ES_SECURE_URL ?? 'https://127.0.0.1:9202';
/** OpenSearch 3, security off: the Elasticsearch clients refuse it (ProductNotSupportedError). */
export const OPENSEARCH_URL = process.env.BXG_OPENSEARCH_URL ?? 'http://127.0.0.1:9203';

export const ES_URLS: Record<EsNodeName, string> = {
  '8': ES8_URL,
  '9': ES9_URL,
  '8-secure': ES_SECURE_URL,
  opensearch: OPENSEARCH_URL,
};

export interface SecureNode {
  url: string;
  username: string;
  password: string;
  /** The test CA that signed the node's certificate (PEM file and its text). */
  caCertPath: string;
  caCertPem: string;
  /** SHA-256 fingerprint of the CA certificate, colon-separated upper-case hex. */
  caFingerprint: string;
}

function esHome(): string {
  if (process.env.BXG_ES_HOME) return process.env.BXG_ES_HOME;
  if (process.getuid?.() === 0) return '/opt/buildx-gate-es';
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'buildx-gate-es');
}

/** The secured node's URL, test user and CA, as start.sh wrote them. */
export function secureNode(): SecureNode {
  const file =
    process.env.BXG_ES_SECURE_CREDENTIALS ?? join(esHome(), 'nodes', '8-secure', 'credentials.json');
  let parsed: { username: string; password: string; caCertPath: string; caFingerprint: string };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `The secured Elasticsearch node's credentials are missing (${file}: ${(error as Error).message}): start it with scripts/es/start.sh 8-secure`,
      { cause: error },
    );
  }
  return { url: ES_SECURE_URL, ...parsed, caCertPem: readFileSync(parsed.caCertPath, 'utf8') };
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Value of the Authorization header. */
  authorization?: string;
  /** CA certificate (PEM) to trust for https URLs. */
  ca?: string;
  timeoutMs?: number;
}

/** One JSON request to a node; resolves with status and parsed body whatever the status. */
export function requestJson(
  url: string,
  path: string,
  options: RequestOptions = {},
): Promise<{ status: number; body: unknown }> {
  const target = new URL(path, url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: options.method ?? 'GET',
        timeout: options.timeoutMs ?? 10_000,
        ...(options.ca ? { ca: options.ca } : {}),
        headers: {
          accept: 'application/json',
          ...(options.authorization ? { authorization: options.authorization } : {}),
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export interface NodeInfo {
  url: string;
  /** Server version, e.g. '8.19.21'. */
  version: string;
  major: number;
}

/**
 * Waits until the node answers with a yellow or green cluster health and returns its version;
 * throws "Elasticsearch is not running at <url> (<why>): start it with scripts/es/start.sh <node>"
 * otherwise. Never skips: integration tests that need a node fail loudly without it.
 */
export async function waitForElasticsearch(
  node: EsNodeName,
  options: { timeoutMs?: number; authorization?: string; ca?: string } = {},
): Promise<NodeInfo> {
  const url = ES_URLS[node];
  let auth = options;
  if (node === '8-secure' && options.authorization === undefined) {
    const secure = secureNode();
    auth = {
      ...options,
      authorization: basicAuthorization(secure.username, secure.password),
      ca: secure.caCertPem,
    };
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
    try {
      const health = await requestJson(url, '/_cluster/health?wait_for_status=yellow&timeout=1s', {
        ...auth,
        timeoutMs: 5_000,
      });
      const status = (health.body as { status?: string }).status;
      if (health.status === 200 && (status === 'green' || status === 'yellow')) {
        const nodes = await requestJson(url, '/_nodes/_local?filter_path=nodes.*.version', auth);
        const version = Object.values(
          (nodes.body as { nodes: Record<string, { version: string }> }).nodes,
        )[0]!.version;
        return { url, version, major: Number(version.split('.')[0]) };
      }
      lastProblem = `cluster health answered ${health.status} ${JSON.stringify(health.body).slice(0, 200)}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const product = node === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
  throw new Error(
    `${product} is not running at ${url} (${lastProblem}): start it with scripts/es/start.sh ${node}`,
  );
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Creates an API key on the secured node; returns the encoded key (the value after 'ApiKey '). */
export async function createApiKey(name = 'buildx-gate-test'): Promise<{ id: string; encoded: string }> {
  const secure = secureNode();
  const response = await requestJson(secure.url, '/_security/api_key', {
    method: 'POST',
    body: { name, expiration: '1h' },
    authorization: basicAuthorization(secure.username, secure.password),
    ca: secure.caCertPem,
  });
  if (response.status !== 200)
    throw new Error(`creating an API key failed: ${response.status} ${JSON.stringify(response.body)}`);
  const { id, encoded } = response.body as { id: string; encoded: string };
  return { id, encoded };
}

/** Gets an OAuth2 bearer token for the test user from the secured node's token service. */
export async function createBearerToken(): Promise<string> {
  const secure = secureNode();
  const response = await requestJson(secure.url, '/_security/oauth2/token', {
    method: 'POST',
    body: { grant_type: 'password', username: secure.username, password: secure.password },
    authorization: basicAuthorization(secure.username, secure.password),
    ca: secure.caCertPem,
  });
  if (response.status !== 200)
    throw new Error(`creating a bearer token failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { access_token: string }).access_token;
}

/** An index prefix no other test uses, for seeding isolated data: 'bxgtest-<label>-<random>'. */
export function uniqueIndexPrefix(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `bxgtest-${safe}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every index matching '<prefix>-*' (by explicit name). */
export async function deleteIndices(
  url: string,
  prefix: string,
  options: RequestOptions = {},
): Promise<void> {
  const listed = await requestJson(url, `/_cat/indices/${prefix}-*?format=json&h=index`, options);
  const names = (listed.body as { index: string }[]).map((row) => row.index);
  if (names.length > 0) await requestJson(url, `/${names.join(',')}`, { ...options, method: 'DELETE' });
  await requestJson(url, `/_index_template/${prefix}-seed`, { ...options, method: 'DELETE' });
}

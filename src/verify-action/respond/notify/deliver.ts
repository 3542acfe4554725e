// One POST of alerts to Alertmanager or the webhook, with the same retry policy
// as Elasticsearch requests (429, 5xx, timeouts, refused connections). The HTTP
// call is an injected transport so unit tests see the exact requests.
import { truncate } from '../../../github/escape.js';
import { stripControl } from '../../../shared/text.js';
import type { NotifyEndpoint } from '../../config/config.js';
import { scrub } from '../../config/redact.js';
import { withRetries, type Failure } from '../../elasticsearch/retry.js';
import type { HttpTransport } from '../../ports.js';

/** Node's fetch, with a per-request timeout. */
export const fetchTransport: HttpTransport = {
  async post(url, body, headers, timeoutMs) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'buildx-gate', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    return { status: response.status, body: await response.text() };
  },
};

export interface DeliveryOptions {
  transport: HttpTransport;
  timeoutMs: number;
  retries: number;
  sleep(ms: number): Promise<void>;
  secrets: readonly string[];
}

export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  /** What happened, safe to print: no URL of a secret endpoint, no header, server text cleaned. */
  detail: string;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(
      `HTTP ${status}${body.trim() ? `: ${truncate(stripControl(body).replace(/\s+/g, ' ').trim(), 200)}` : ''}`,
    );
  }
}

function classify(error: unknown): Failure {
  if (error instanceof HttpStatusError) {
    return { retryable: error.status === 429 || error.status >= 500, reason: `HTTP ${error.status}` };
  }
  // fetch failures (refused, reset, DNS) and timeouts are worth another try.
  return { retryable: true, reason: describe(error) };
}

function describe(error: unknown): string {
  if (error instanceof HttpStatusError) return error.message;
  // Duck-typed: fetch's errors may come from another realm (a test VM), where instanceof Error fails.
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (e && typeof e === 'object') {
    if (e.name === 'TimeoutError') return 'timed out';
    return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
  }
  return String(error);
}

export async function deliver(
  endpoint: NotifyEndpoint,
  payload: unknown,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const body = JSON.stringify(payload);
  let attempts = 0;
  try {
    const response = await withRetries(
      {
        retries: options.retries,
        baseDelayMs: 500,
        maxDelayMs: 8_000,
        sleep: options.sleep,
        random: Math.random,
      },
      classify,
      async () => {
        attempts++;
        const r = await options.transport.post(endpoint.url, body, endpoint.headers, options.timeoutMs);
        if (r.status < 200 || r.status >= 300) throw new HttpStatusError(r.status, r.body);
        return r;
      },
    );
    return { delivered: true, attempts, detail: `HTTP ${response.status}` };
  } catch (error) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    return { delivered: false, attempts, detail: scrub(`${describe(error)}${tries}`, options.secrets) };
  }
}

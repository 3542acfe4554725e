// Retries with exponential backoff for the failures that pass: 429 (honouring
// Retry-After), 502/503/504, timeouts and refused or reset connections. The
// client's own retries are off, so there is one policy for both client majors.

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep(ms: number): Promise<void>;
  /** [0, 1); injected so tests get exact delays. */
  random(): number;
  onRetry?(attempt: number, delayMs: number, reason: string): void;
}

export interface Failure {
  retryable: boolean;
  /** Milliseconds the server asked us to wait (Retry-After), if it did. */
  retryAfterMs?: number;
  reason: string;
}

/** Retry-After: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full jitter between half and all of base * 2^attempt, capped; Retry-After wins when longer, within the cap. */
export function backoffDelay(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
  attempt: number,
  retryAfterMs?: number,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (policy.random() * exponential) / 2;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

export async function withRetries<T>(
  policy: RetryPolicy,
  classify: (error: unknown) => Failure,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const failure = classify(error);
      if (!failure.retryable || n >= policy.retries) throw error;
      const delay = backoffDelay(policy, n + 1, failure.retryAfterMs);
      policy.onRetry?.(n + 1, delay, failure.reason);
      await policy.sleep(delay);
    }
  }
}

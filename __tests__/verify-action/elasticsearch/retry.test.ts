import { describe, expect, it } from '@jest/globals';
import {
  backoffDelay,
  parseRetryAfter,
  withRetries,
  type Failure,
} from '../../../src/verify-action/elasticsearch/retry.js';

const policy = (retries: number, sleeps: number[]) => ({
  retries,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: () => 1,
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
});

describe('retries', () => {
  it.each([
    [1, undefined, 500],
    [2, undefined, 1000],
    [3, undefined, 2000],
    [10, undefined, 30_000],
    [1, 5000, 5000],
    [1, 120_000, 30_000],
  ])('attempt %d (Retry-After %s) waits %d ms', (attempt, retryAfter, delay) => {
    expect(backoffDelay({ baseDelayMs: 500, maxDelayMs: 30_000, random: () => 1 }, attempt, retryAfter)).toBe(
      delay,
    );
  });

  it('jitters between half and all of the step', () => {
    expect(backoffDelay({ baseDelayMs: 1000, maxDelayMs: 30_000, random: () => 0 }, 2)).toBe(1000);
  });

  it.each([
    ['7', 7000],
    ['', undefined],
    ['Fri, 27 Nov 2026 12:00:10 GMT', 10_000],
    ['soon', undefined],
  ])('Retry-After %j', (header, ms) => {
    expect(parseRetryAfter(header, Date.parse('2026-11-27T12:00:00Z'))).toBe(ms);
  });

  it('retries retryable failures then gives up with the last error', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const failure: Failure = { retryable: true, reason: '503' };
    await expect(
      withRetries(
        policy(2, sleeps),
        () => failure,
        async () => {
          calls++;
          throw new Error(`attempt ${calls}`);
        },
      ),
    ).rejects.toThrow('attempt 3');
    expect(sleeps).toEqual([500, 1000]);
  });

  it('does not retry what will not pass (401, 400)', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await expect(
      withRetries(
        policy(5, sleeps),
        () => ({ retryable: false, reason: '401' }),
        async () => {
          calls++;
          throw new Error('401');
        },
      ),
    ).rejects.toThrow('401');
    expect(calls).toBe(1);
  });

  it('returns the first success', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const value = await withRetries(
      policy(3, sleeps),
      () => ({ retryable: true, reason: 'x', retryAfterMs: 2000 }),
      async () => {
        if (++calls < 3) throw new Error('busy');
        return 'ok';
      },
    );
    expect(value).toBe('ok');
    expect(sleeps).toEqual([2000, 2000]);
  });
});

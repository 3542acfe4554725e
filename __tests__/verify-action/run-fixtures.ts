// A full verification against a fake store, for the summary, action and CLI tests.
import type { VerifyConfig } from '../../src/verify-action/config/config.js';
import type { VerifyReport } from '../../src/verify-action/report/report.js';
import { runVerification, type VerifyDeps } from '../../src/verify-action/run.js';
import { DEPLOYED, fakeClock, fakeSearch, fakeStore, type FakeCounts } from './helpers.js';

export const RULES = `
- {name: timeouts, phrase: timeout, max: 10, action: rollback}
- {name: auth failed, phrase: auth failed, max: 50, action: fail}`;

export const BURST: FakeCounts = {
  total: 5000,
  errors: 412,
  baselineTotal: 30_000,
  baselineErrors: 15,
  rules: [57, 3],
  buckets: Array.from({ length: 40 }, (_, i) => ({
    at: DEPLOYED - 30 * 60_000 + i * 60_000,
    errors: i >= 30 ? 40 + i : i % 3,
  })),
  messages: [
    { key: 'upstream timeout after 3021ms calling <payments>', doc_count: 300 },
    { key: '| injected | [link](http://evil) <script>', doc_count: 5 },
  ],
  baselineMessages: [{ key: 'cache miss for key 17', doc_count: 15 }],
};

export function depsFor(
  counts: FakeCounts | (() => never),
  logs: string[] = [],
): VerifyDeps & { store: ReturnType<typeof fakeStore> } {
  // Like Elasticsearch, the fake answers what was asked for: no message buckets unless requested.
  const store = fakeStore((request) =>
    typeof counts === 'function' ? counts() : fakeSearch(counts, request),
  );
  return {
    store,
    connect: async () => store,
    clock: fakeClock(DEPLOYED + 10 * 60_000),
    log: { info: (m) => logs.push(m), warning: (m) => logs.push(`warning: ${m}`), debug: () => {} },
    rollback: {
      shell: { run: async () => 0 },
      github: async () => ({ request: async () => ({ status: 204 }) }),
      onOutput: () => {},
    },
  };
}

export async function verify(config: VerifyConfig, counts: FakeCounts): Promise<VerifyReport> {
  return runVerification(config, depsFor(counts));
}

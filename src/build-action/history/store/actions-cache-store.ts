// Build records in the GitHub Actions cache, through @actions/cache (it speaks both the cache
// service v2 (twirp + blob storage, what GitHub-hosted runners use) and the legacy v1 API, picking
// by ACTIONS_CACHE_SERVICE_V2 as the runner sets it). Cache entries are immutable, so each build
// saves under a new key `<prefix>:<branch>:<variant>:<run>`, and a restore takes the newest entry
// in lookupOrder(): this variant's on the branch, then on the default branch, then any variant's on
// the branch, then on the default branch (the key prefixes `<prefix>:<branch>:` and so on). The client logs
// through @actions/core while buildx may be printing: that output is held back until drained.
import os from 'node:os';
import path from 'node:path';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { keyPart, lookupOrder, type CacheKeys } from './record-keys.js';
import type { HistoryStore, SaveOutcome } from './store.js';
import { shortHash } from '../record/record.js';

const RECORD_FILE = 'record.json';

export function isActionsCacheAvailable(env: NodeJS.ProcessEnv): boolean {
  return env.ACTIONS_CACHE_SERVICE_V2 ? Boolean(env.ACTIONS_RESULTS_URL) : Boolean(env.ACTIONS_CACHE_URL);
}

export function actionsCacheStore(options: CacheKeys): HistoryStore {
  // The cache version hashes the path list, so restore and save must name the same path:
  // one fixed directory per record prefix.
  const dir = path.join(os.tmpdir(), 'buildx-gate-history', shortHash(options.prefix));
  const held: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  // `<prefix>:<branch>:<variant>:<run>`: a restore key of `<prefix>:<branch>:` finds any variant.
  const key = (scope: string, variant: string | null = null) =>
    `${options.prefix}:${keyPart(scope)}:${variant === null ? '' : `${variant}:`}`;

  /** One operation at a time (they share the directory), with the client's stdout held back. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      const original = process.stdout.write;
      process.stdout.write = ((chunk: string | Uint8Array) => {
        held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      }) as typeof process.stdout.write;
      try {
        return await fn();
      } finally {
        process.stdout.write = original;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    description: 'the GitHub Actions cache',
    restore: (scopes) =>
      exclusive(async () => {
        const cache = await import('@actions/cache');
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        const keys = lookupOrder(scopes, options.variant).map((k) => key(k.scope, k.variant));
        const matched = await cache.restoreCache([dir], keys[0]!, keys.slice(1));
        if (matched === undefined) return null;
        const scope = scopes.find((s) => matched.startsWith(key(s))) ?? scopes[0]!;
        const text = await readFile(path.join(dir, RECORD_FILE), 'utf8').catch(() => null);
        await rm(dir, { recursive: true, force: true });
        return text === null ? null : { text, scope };
      }),
    save: (scope, text) =>
      exclusive(async (): Promise<SaveOutcome> => {
        const cache = await import('@actions/cache');
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, RECORD_FILE), text);
        const id = await cache
          .saveCache([dir], `${key(scope, options.variant)}${keyPart(options.uniqueSuffix)}`)
          .finally(() => rm(dir, { recursive: true, force: true }));
        // saveCache reports its failures as warnings and returns -1; the warning is in the held log.
        if (id === -1) throw new Error('the cache service did not store the record (see the warning above)');
        return 'saved';
      }),
    drainLog() {
      const text = held.join('');
      held.length = 0;
      return text;
    },
  };
}

// Where build records live between builds, behind one small interface: the GitHub Actions
// cache in the action (actions-cache-store.ts, or through the cache worker: cache-worker-store.ts),
// a directory for the CLI and other CIs (directory-store.ts). Records are grouped by a prefix
// (workflow, Dockerfile, target) and a scope (the branch), under keys made in record-keys.ts;
// restore returns the newest record of the first scope that has one.
import type { CacheKeys } from './record-keys.js';

export interface RestoredRecord {
  text: string;
  /** The scope (branch) whose record this is. */
  scope: string;
}

/** `deferred`: handed to the cache worker, which saves it after the step (cache-worker.ts). */
export type SaveOutcome = 'saved' | 'deferred';

export interface HistoryStore {
  /** For messages: `the Actions cache`, `/path/to/dir`. */
  readonly description: string;
  restore(scopes: readonly string[]): Promise<RestoredRecord | null>;
  save(scope: string, text: string): Promise<SaveOutcome>;
  /** Output the store's client printed while it worked, held back so it never interleaves with buildx's. */
  drainLog?(): string;
  /** Done with the store (no save coming): lets go of what it holds. */
  close?(): void;
}

/** Makes the store of one build's records once its keys are known (actionsCacheStore, cacheWorkerStores). */
export type StoreFactory = (keys: CacheKeys) => HistoryStore;

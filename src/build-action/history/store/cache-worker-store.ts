// The action's side of the cache worker (cache-worker.ts): a HistoryStore whose restores are
// answered by the worker and whose save is handed to it and not waited for. The save's outcome
// reaches the job log through the post step (worker-join.ts). cacheWorkerStores() is how the
// action gets them: each store with a worker process of its own.
import { spawnCacheWorker, type WorkerHandle } from './cache-worker-process.js';
import type { WorkerConnection } from './cache-worker.js';
import type { HistoryStore, RestoredRecord, SaveOutcome, StoreFactory } from './store.js';

export function cacheWorkerStore(connection: WorkerConnection, description: string): HistoryStore {
  const pending = new Map<
    number,
    { resolve: (r: RestoredRecord | null) => void; reject: (e: Error) => void }
  >();
  const held: string[] = [];
  let nextId = 1;
  let exited: string | null = null;
  let released = false;

  connection.onMessage((message) => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    connection.hold(pending.size > 0);
    held.push(message.log);
    if (message.error !== null) waiter.reject(new Error(message.error));
    else waiter.resolve(message.restored);
  });
  connection.onExit((detail) => {
    exited = detail;
    for (const waiter of pending.values()) waiter.reject(new Error(`the cache worker ended: ${detail}`));
    pending.clear();
    connection.hold(false);
  });

  const release = () => {
    if (released) return;
    released = true;
    connection.release();
  };

  return {
    description,
    restore(scopes) {
      if (exited !== null) return Promise.reject(new Error(`the cache worker ended: ${exited}`));
      const id = nextId++;
      const answer = new Promise<RestoredRecord | null>((resolve, reject) =>
        pending.set(id, { resolve, reject }),
      );
      connection.hold(true);
      connection.send({ kind: 'restore', id, scopes: [...scopes] }).catch((error: unknown) => {
        pending.get(id)?.reject(error instanceof Error ? error : new Error(String(error)));
        pending.delete(id);
      });
      return answer;
    },
    async save(scope, text): Promise<SaveOutcome> {
      if (exited !== null) throw new Error(`the cache worker ended: ${exited}`);
      // Alive until the record is written to the channel: the action may have nothing else to do.
      connection.hold(true);
      try {
        await connection.send({ kind: 'save', scope, text });
      } finally {
        connection.hold(pending.size > 0);
        release();
      }
      return 'deferred';
    },
    drainLog() {
      const text = held.join('');
      held.length = 0;
      return text;
    },
    close: release,
  };
}

/**
 * The GitHub Actions cache through a worker process: each store made spawns one and hands its
 * handle over for the post step, which joins it (worker-join.ts).
 */
export function cacheWorkerStores(options: {
  script: string;
  env: NodeJS.ProcessEnv;
  tempRoot: string;
  onStarted: (handle: WorkerHandle) => void;
}): StoreFactory {
  return (keys) => {
    const worker = spawnCacheWorker({
      script: options.script,
      keys,
      env: options.env,
      tempRoot: options.tempRoot,
    });
    if (worker.handle !== null) options.onStarted(worker.handle);
    return cacheWorkerStore(worker.connection, 'the GitHub Actions cache');
  };
}

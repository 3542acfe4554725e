// The action's side of the cache worker (cache-worker.ts): a HistoryStore whose restores are
// answered by the worker and whose save is handed to it and not waited for. The save's outcome
// reaches the job log through the post step (worker-join.ts).
import type { FromWorker, ToWorker } from './cache-worker.js';
import type { HistoryStore, RestoredRecord, SaveOutcome } from './store.js';

/** The worker process as the store drives it; spawnCacheWorker() makes the real one. */
export interface WorkerConnection {
  send(message: ToWorker): Promise<void>;
  onMessage(handler: (message: FromWorker) => void): void;
  /** The worker ended (crashed, or could not start): what is known of why. */
  onExit(handler: (detail: string) => void): void;
  /** While true, the action's process stays alive to hear the answer. */
  hold(waiting: boolean): void;
  /** Lets go of the worker: it finishes what it was given and ends. */
  release(): void;
}

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

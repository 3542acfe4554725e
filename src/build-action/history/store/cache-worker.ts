// The Actions cache client in a process of its own (dist/build/history-worker.js). Loading the
// client is about 1 MB of JavaScript and 120-180 ms of CPU, and restoring or saving a record
// spawns tar and zstd: done in the action's own process, that time lands on the build step.
// Started with the action, the worker loads the client and restores the records on the other
// core while buildx runs; it is handed the new record when the build is done and saves it after
// the step has ended, while the job's next steps run. The post step joins it (worker-join.ts).
//
// The protocol is a few JSON messages over the IPC channel Node sets up with `stdio: 'ipc'`.
import type { HistoryStore, RestoredRecord } from './store.js';

export type ToWorker =
  { kind: 'restore'; id: number; scopes: string[] } | { kind: 'save'; scope: string; text: string };

export type FromWorker = {
  kind: 'restored';
  id: number;
  restored: RestoredRecord | null;
  /** Why the restore failed, null when it did not. */
  error: string | null;
  /** What the cache client printed meanwhile, for the action to write to the job log. */
  log: string;
};

/** What the worker leaves for the post step, written once as it ends. */
export interface WorkerStatus {
  /** `not-asked`: the action ended without a record to save (a failed or cancelled build). */
  outcome: 'saved' | 'failed' | 'not-asked';
  detail: string | null;
  /** What the cache client printed while saving. */
  log: string;
}

export interface WorkerChannel {
  onMessage(handler: (message: ToWorker) => void): void;
  /** The action ended or let go of the worker. */
  onDisconnect(handler: () => void): void;
  /** False once the action has gone: answers are then dropped. */
  send(message: FromWorker): void;
}

/** The other end: the worker process as the action's store drives it (cache-worker-store.ts); spawnCacheWorker() makes the real one. */
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

/** Serves restores until the action sends the record to save or goes away; returns what happened. */
export function serveCacheWorker(channel: WorkerChannel, store: HistoryStore): Promise<WorkerStatus> {
  const drain = () => store.drainLog?.() ?? '';
  let restores = Promise.resolve();
  return new Promise((resolve) => {
    let saving = false;
    channel.onMessage((message) => {
      if (message.kind === 'restore') {
        // The store runs one operation at a time; answers go back in the order asked.
        restores = restores.then(async () => {
          let restored: RestoredRecord | null = null;
          let error: string | null = null;
          try {
            restored = await store.restore(message.scopes);
          } catch (e) {
            error = messageOf(e);
          }
          channel.send({ kind: 'restored', id: message.id, restored, error, log: drain() });
        });
        return;
      }
      if (saving) return;
      saving = true;
      void restores
        .then(() => store.save(message.scope, message.text))
        .then(
          () => resolve({ outcome: 'saved', detail: null, log: drain() }),
          (e: unknown) => resolve({ outcome: 'failed', detail: messageOf(e), log: drain() }),
        );
    });
    channel.onDisconnect(() => {
      if (!saving) void restores.then(() => resolve({ outcome: 'not-asked', detail: null, log: drain() }));
    });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Entry point of the cache worker (dist/build/history-worker.js), started by the build action
// (cache-worker-process.ts): wires the IPC channel, the Actions cache store and the status file
// into serveCacheWorker(). Nothing else belongs here. scripts/bundle.mjs names it directly: it is
// a program of its own, not part of what history/index.ts offers.
import { renameSync, writeFileSync } from 'node:fs';
import { actionsCacheStore } from './actions-cache-store.js';
import { serveCacheWorker, type ToWorker, type WorkerStatus } from './cache-worker.js';
import { readWorkerConfig, WORKER_CONFIG_ENV } from './cache-worker-process.js';

/** However the cache service behaves, the worker never outlives a job by much on its own. */
const DEADLINE_MS = 5 * 60_000;

const config = readWorkerConfig(process.env[WORKER_CONFIG_ENV]);

const writeStatus = (status: WorkerStatus) => {
  // Written aside and renamed: the post step never reads half of it.
  writeFileSync(`${config.statusFile}.tmp`, JSON.stringify(status));
  renameSync(`${config.statusFile}.tmp`, config.statusFile);
};

setTimeout(() => {
  writeStatus({
    outcome: 'failed',
    detail: `the cache service took over ${DEADLINE_MS / 60_000} min`,
    log: '',
  });
  process.exit(1);
}, DEADLINE_MS).unref();

// Load the client now, while the action sends its first request.
void import('@actions/cache').catch(() => undefined);

const status = await serveCacheWorker(
  {
    onMessage: (handler) => process.on('message', (message) => handler(message as ToWorker)),
    onDisconnect: (handler) => process.on('disconnect', handler),
    send: (message) => {
      // The action may have gone meanwhile: the answer is then dropped.
      if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
    },
  },
  actionsCacheStore(config.keys),
);
writeStatus(status);
// The cache client's HTTP agents may keep sockets open: end now that the status is written.
process.exit(0);

// Starting the cache worker (cache-worker.ts) as a process of its own, and the worker's side of
// its start: its configuration and where it leaves its status for the post step.
//
// Detached (a session of its own) so a Ctrl-C to the step's process group does not cut a save
// short; its output goes to a file, never to the step's pipes, so the runner does not wait for
// it when the step ends; RUNNER_TRACKING_ID is kept so the runner's orphan cleanup at the end of
// the job still finds it.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import path from 'node:path';
import { processStartTime } from '../../../shared/process-group.js';
import type { FromWorker, WorkerConnection } from './cache-worker.js';
import type { CacheKeys } from './record-keys.js';

export const WORKER_CONFIG_ENV = 'BUILDX_GATE_CACHE_WORKER';

export interface WorkerConfig {
  keys: CacheKeys;
  /** Where the worker writes its WorkerStatus as it ends. */
  statusFile: string;
}

/** What the post step needs to find the worker and its status (saved in the runner's state). */
export interface WorkerHandle {
  pid: number;
  /** The worker's start time (/proc), so the post step never waits on a recycled pid. */
  startTime: string | null;
  /** The worker's directory: status.json and worker.log. */
  dir: string;
}

export const workerFiles = (dir: string) => ({
  status: path.join(dir, 'status.json'),
  log: path.join(dir, 'worker.log'),
});

/** The runner's files a step writes to: the worker outlives the step and must not touch them. */
const STEP_FILES = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'];

/** The step's environment without its inputs (they may hold secrets) and the step's files. */
export function workerEnvironment(env: NodeJS.ProcessEnv, config: WorkerConfig): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(
    ([name]) => !name.startsWith('INPUT_') && !STEP_FILES.includes(name),
  );
  return { ...Object.fromEntries(kept), [WORKER_CONFIG_ENV]: JSON.stringify(config) };
}

export function readWorkerConfig(text: string | undefined): WorkerConfig {
  const value: unknown = JSON.parse(text ?? '');
  const config = value as Partial<WorkerConfig>;
  const keys = (config.keys ?? {}) as Partial<CacheKeys>;
  if (
    typeof keys.prefix !== 'string' ||
    typeof keys.variant !== 'string' ||
    typeof keys.uniqueSuffix !== 'string' ||
    typeof config.statusFile !== 'string'
  ) {
    throw new Error(`${WORKER_CONFIG_ENV} is not a cache worker configuration`);
  }
  return {
    keys: { prefix: keys.prefix, variant: keys.variant, uniqueSuffix: keys.uniqueSuffix },
    statusFile: config.statusFile,
  };
}

export interface StartedWorker {
  connection: WorkerConnection;
  handle: WorkerHandle | null;
}

export function spawnCacheWorker(options: {
  script: string;
  keys: CacheKeys;
  env: NodeJS.ProcessEnv;
  tempRoot: string;
}): StartedWorker {
  const dir = mkdtempSync(path.join(options.tempRoot, 'buildx-gate-cache-'));
  const files = workerFiles(dir);
  const config = { keys: options.keys, statusFile: files.status };
  const out = openSync(files.log, 'a', 0o600);
  let child;
  try {
    child = spawn(process.execPath, [options.script], {
      detached: true,
      stdio: ['ignore', out, out, 'ipc'],
      env: workerEnvironment(options.env, config),
    });
  } finally {
    closeSync(out);
  }
  // Neither the process nor its channel keeps the action alive, except while it waits for an answer.
  child.unref();
  child.channel?.unref();
  const running = child;
  const connection: WorkerConnection = {
    send: (message) =>
      new Promise((resolve, reject) => {
        if (!running.connected) {
          reject(new Error('the cache worker is not connected'));
          return;
        }
        running.send(message, (error) => (error ? reject(error) : resolve()));
      }),
    onMessage: (handler) => running.on('message', (message) => handler(message as FromWorker)),
    onExit: (handler) => {
      running.on('error', (error) => handler(error.message));
      running.on('exit', (code, signal) => handler(signal ? `killed by ${signal}` : `exit code ${code}`));
    },
    hold: (waiting) => (waiting ? running.channel?.ref() : running.channel?.unref()),
    release: () => {
      if (running.connected) running.disconnect();
    },
  };
  const handle =
    running.pid === undefined ? null : { pid: running.pid, startTime: processStartTime(running.pid), dir };
  return { connection, handle };
}

// The post step's side of the cache worker (cache-worker.ts): wait for the save the build step
// handed over, and say in the job log how it went. A worker still saving after the wait is
// stopped with a warning: history is advice and must not hold a job for long.
import type { RunnerPort } from '../../../github/runner-port.js';
import { systemProcesses, type ProcessTable } from '../../../shared/process-group.js';
import type { WorkerStatus } from './cache-worker.js';
import { workerFiles, type WorkerHandle } from './cache-worker-process.js';

const JOIN_WAIT_MS = 30_000;
const POLL_MS = 50;
/** Of a worker that ended without a status: the end of what it printed, enough for a stack trace. */
const LOG_TAIL_CHARS = 2000;

export interface JoinDeps {
  io: Pick<RunnerPort, 'info' | 'warning' | 'writeRaw'>;
  sleep: (ms: number) => Promise<void>;
  readText: (file: string) => Promise<string | null>;
  remove: (path: string) => Promise<void>;
  processes?: ProcessTable;
  timeoutMs?: number;
}

export type JoinResult = WorkerStatus['outcome'] | 'timed-out' | 'vanished';

const WHERE = 'the GitHub Actions cache';

export async function joinCacheWorker(handle: WorkerHandle, deps: JoinDeps): Promise<JoinResult> {
  const files = workerFiles(handle.dir);
  const table = deps.processes ?? systemProcesses;
  const timeoutMs = deps.timeoutMs ?? JOIN_WAIT_MS;
  // The worker is its own process group's leader (started detached).
  const running = () =>
    table.groupAlive(handle.pid) &&
    (handle.startTime === null || table.startTime(handle.pid) === handle.startTime);
  try {
    for (let waited = 0; ; waited += POLL_MS) {
      const status = await readStatus(files.status, deps);
      if (status !== null) return report(status, deps);
      if (!running()) {
        // It may have written the status between the read and the check.
        const last = await readStatus(files.status, deps);
        if (last !== null) return report(last, deps);
        const log = (await deps.readText(files.log)) ?? '';
        deps.io.warning(
          `buildx-gate history: the cache worker ended without saying whether the build record was saved to ${WHERE}` +
            (log.trim() === '' ? '.' : `; it printed: ${log.trim().slice(-LOG_TAIL_CHARS)}`),
        );
        return 'vanished';
      }
      if (waited >= timeoutMs) {
        table.signalGroup(handle.pid, 'SIGTERM');
        deps.io.warning(
          `buildx-gate history: saving the build record to ${WHERE} took over ${timeoutMs / 1000} s after the build; stopped it (the build is unaffected).`,
        );
        return 'timed-out';
      }
      await deps.sleep(POLL_MS);
    }
  } finally {
    await deps.remove(handle.dir).catch(() => undefined);
  }
}

async function readStatus(file: string, deps: JoinDeps): Promise<WorkerStatus | null> {
  const text = await deps.readText(file);
  if (text === null) return null;
  try {
    const status = JSON.parse(text) as WorkerStatus;
    if (['saved', 'failed', 'not-asked'].includes(status.outcome)) return status;
  } catch {
    // Not the worker's JSON: said below.
  }
  return { outcome: 'failed', detail: 'the cache worker left an unreadable status', log: '' };
}

function report(status: WorkerStatus, deps: JoinDeps): JoinResult {
  // What the cache client printed while saving (its own notices and warnings), in order.
  if (status.log !== '') deps.io.writeRaw(status.log.endsWith('\n') ? status.log : `${status.log}\n`);
  if (status.outcome === 'saved')
    deps.io.info(`buildx-gate history: the build record was saved to ${WHERE}.`);
  if (status.outcome === 'not-asked')
    deps.io.info(
      'buildx-gate history: no build record to save (a failed or cancelled build is no baseline).',
    );
  if (status.outcome === 'failed') {
    deps.io.warning(
      `buildx-gate history: could not save the build record to ${WHERE}: ${status.detail ?? 'no reason given'} (the build is unaffected).`,
    );
  }
  return status.outcome;
}

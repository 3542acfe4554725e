// What the main step leaves for the post step, through the runner's state (GITHUB_STATE, read
// back as STATE_<name> in the post step). A runner that kills the action outright (SIGKILL on a
// step timeout or Ctrl-C under nektos/act, the last resort of the GitHub runner) gives it no
// chance to stop buildx, which runs in its own process group and so outlives it, nor to write
// the summary. The main step records, as soon as buildx starts: its process group, the leader's
// start time (so a recycled pid is never signalled), and a copy of the log so far; it records
// `finished` once its summary and outputs are written. The post step acts only without it.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunnerPort } from '../../github/runner-port.js';
import type { WorkerHandle } from '../history/index.js';
import type { Buildx } from '../ports.js';
import { processStartTime } from '../../shared/process-group.js';

/** Names usable as environment variables (STATE_<name>), which shells and some runners need. */
export const STATE = {
  pid: 'buildx_pid',
  startTime: 'buildx_start_time',
  log: 'build_log',
  startedAt: 'build_started_at',
  finished: 'finished',
  cacheWorker: 'history_cache_worker',
} as const;

export interface PostState {
  pid: number | null;
  startTime: string | null;
  logFile: string | null;
  startedAt: number | null;
  finished: boolean;
  /** The cache worker saving this build's record (history/store/cache-worker.ts), to be joined. */
  cacheWorker: WorkerHandle | null;
}

/** The state as the runner hands it to the post step (the runner port's getState). */
export function readPostState(getState: (name: string) => string): PostState {
  const get = (name: string) => getState(name) ?? '';
  const pid = /^\d+$/.test(get(STATE.pid)) ? Number(get(STATE.pid)) : NaN;
  const startedAt = Number(get(STATE.startedAt));
  return {
    pid: Number.isSafeInteger(pid) && pid > 1 ? pid : null,
    startTime: get(STATE.startTime) || null,
    logFile: get(STATE.log) || null,
    startedAt: Number.isFinite(startedAt) && startedAt > 0 ? startedAt : null,
    finished: get(STATE.finished) === 'true',
    cacheWorker: readWorkerHandle(get(STATE.cacheWorker)),
  };
}

export function saveWorkerHandle(state: Pick<RunnerPort, 'saveState'>, handle: WorkerHandle): void {
  state.saveState(STATE.cacheWorker, JSON.stringify(handle));
}

function readWorkerHandle(text: string): WorkerHandle | null {
  try {
    const value = JSON.parse(text) as Partial<WorkerHandle>;
    const pid = value.pid;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 1) return null;
    if (typeof value.dir !== 'string' || value.dir === '') return null;
    return { pid, dir: value.dir, startTime: typeof value.startTime === 'string' ? value.startTime : null };
  } catch {
    return null;
  }
}

export interface PostRecorder {
  /** Spawns like child_process.spawn and records the process group of what it started. */
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess;
  /** buildx with every line of its log (stderr: stdout is the build's result) also copied to the file the post step reads. */
  wrap(buildx: Buildx): Buildx;
  /** The main step wrote its summary and outputs: the post step has nothing to do. */
  finish(): void;
}

/**
 * Records for the post step. The log copy is written with synchronous writes to one open file:
 * each line is in the kernel before the next is read, so it survives a SIGKILL of the action.
 */
export function postRecorder(
  state: Pick<RunnerPort, 'saveState'>,
  env: NodeJS.ProcessEnv,
  now: () => number = Date.now,
): PostRecorder {
  // Without a state file there is no post step to read it (and the command form would land in
  // the build's output, where workflow commands are stopped).
  const saveState = (_env: NodeJS.ProcessEnv, name: string, value: string) => state.saveState(name, value);
  let dir: string | null = null;
  let fd: number | null = null;
  const enabled = Boolean(env.GITHUB_STATE);
  return {
    spawn(command, args, options) {
      const child = nodeSpawn(command, args, options);
      if (enabled && child.pid !== undefined) {
        saveState(env, STATE.pid, String(child.pid));
        saveState(env, STATE.startTime, processStartTime(child.pid) ?? '');
        saveState(env, STATE.startedAt, String(now()));
      }
      return child;
    },
    wrap(buildx) {
      if (!enabled) return buildx;
      return {
        run(command, runEnv, onLine) {
          try {
            dir = mkdtempSync(path.join(env.RUNNER_TEMP || tmpdir(), 'buildx-gate-log-'));
            const file = path.join(dir, 'build.log');
            fd = openSync(file, 'a', 0o600);
            saveState(env, STATE.log, file);
          } catch {
            fd = null;
          }
          return buildx.run(command, runEnv, (line, stream) => {
            if (fd !== null && stream === 'stderr') {
              try {
                writeSync(fd, line);
              } catch {
                // A full disk must not stop the build; the post step then has less to show.
              }
            }
            onLine(line, stream);
          });
        },
      };
    },
    finish() {
      if (fd !== null) closeSync(fd);
      fd = null;
      // The copy may hold what a step printed (masked in the job log, not on disk).
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
      dir = null;
      if (enabled) saveState(env, STATE.finished, 'true');
    },
  };
}

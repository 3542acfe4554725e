// The build action's side effects, each behind a small interface: the runner
// port (src/github/runner-port.ts) for what it says to the job, buildx, the
// file system and the log engine. index.ts wires the real ones; tests pass fakes.
import type { BuildReport, BuildResult } from '../engine/index.js';
import type { RunnerPort } from '../github/runner-port.js';
import type { BuildCommand } from './buildx/argv.js';
import type { StoreFactory } from './history/index.js';

export type OutputStream = 'stdout' | 'stderr';

/** How buildx ended. */
export interface BuildxExit {
  /** Exit code of buildx; null when it was ended by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the action was asked to stop and forwarded that to buildx. */
  cancelled: boolean;
  /** errno of a failed start (ENOENT: no docker CLI on PATH), else null. */
  spawnErrorCode: string | null;
}

/** Runs `docker buildx build` (buildx/buildx-process.ts), handing over its output line by line. */
export interface Buildx {
  run(
    command: BuildCommand,
    env: NodeJS.ProcessEnv,
    onLine: (line: Buffer, stream: OutputStream) => void,
  ): Promise<BuildxExit>;
}

export interface ActionFS {
  readText(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  writeText(path: string, text: string, mode?: number): Promise<void>;
  /** A new private directory under the runner's temp directory. */
  makeTempDir(): Promise<string>;
  remove(path: string): Promise<void>;
}

/** The engine as the action drives it: streamed in, snapshotted while buildx runs, ended once. */
export interface LogAnalyzer {
  write(chunk: string | Uint8Array): void;
  snapshot(): BuildReport;
  end(result: BuildResult): BuildReport;
}

export interface BuildDeps {
  io: RunnerPort;
  fs: ActionFS;
  buildx: Buildx;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => number;
  /** Unguessable token for ::stop-commands::. */
  randomToken: () => string;
  createAnalyzer?: () => LogAnalyzer;
  /** How often the step start times are sampled while buildx runs. */
  sampleIntervalMs?: number;
  /** Where build records are kept (history) instead of the GitHub Actions cache. */
  historyStore?: StoreFactory;
  /** How the GitHub Actions cache is reached; the client in this process when absent. */
  cacheStore?: StoreFactory;
}

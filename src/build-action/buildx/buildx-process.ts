// The buildx process (spawnBuildx: the Buildx port of ports.ts, for real). Runs
// buildx and hands its output over line by line as it arrives, both
// streams, in the order the lines complete. Cancellation: a SIGINT or SIGTERM
// sent to the action is forwarded to buildx's whole process group (the docker
// CLI and its buildx plugin), as a terminal's Ctrl-C would be; buildx then
// cancels the solve and exits. If it has not exited after the grace period it
// is killed, so the action still has time to write the summary before the
// runner gives up on the step.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { LineStream } from './line-stream.js';
import type { Buildx, OutputStream, BuildxExit } from '../ports.js';

/** Where cancellation comes from: the process's signals in production, a test's trigger otherwise. */
export interface CancelSource {
  /** Calls handler for each cancel request; returns a function that stops listening. */
  subscribe(handler: (signal: NodeJS.Signals) => void): () => void;
}

export const processSignals: CancelSource = {
  subscribe(handler) {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    for (const s of signals) process.on(s, handler);
    return () => signals.forEach((s) => process.off(s, handler));
  },
};

export interface SpawnBuildxOptions {
  cancel: CancelSource;
  /** How long buildx may take to stop after the signal before it is killed. */
  graceMs?: number;
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
}

const DEFAULT_GRACE_MS = 5000;

export function spawnBuildx(options: SpawnBuildxOptions): Buildx {
  const spawn = options.spawn ?? nodeSpawn;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  return {
    run(command, env, onLine) {
      return new Promise<BuildxExit>((resolve) => {
        let cancelled = false;
        let killTimer: NodeJS.Timeout | undefined;
        const child = spawn(command.command, command.args, {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          // Its own process group, so a signal reaches the docker CLI and the buildx plugin it runs.
          detached: process.platform !== 'win32',
        });
        const signalGroup = (signal: NodeJS.Signals) => {
          if (child.pid === undefined) return;
          try {
            if (process.platform === 'win32') child.kill(signal);
            else process.kill(-child.pid, signal);
          } catch {
            // Already gone.
          }
        };
        const unsubscribe = options.cancel.subscribe((signal) => {
          cancelled = true;
          signalGroup(signal);
          killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs);
        });

        const streams: Array<[OutputStream, NodeJS.ReadableStream | null]> = [
          ['stdout', child.stdout],
          ['stderr', child.stderr],
        ];
        for (const [name, stream] of streams) {
          const lines = new LineStream();
          stream?.on('data', (chunk: Buffer) => {
            for (const line of lines.push(chunk)) onLine(line, name);
          });
          stream?.on('end', () => {
            const rest = lines.end();
            if (rest) onLine(rest, name);
          });
        }

        let spawnErrorCode: string | null = null;
        child.on('error', (error: NodeJS.ErrnoException) => {
          spawnErrorCode = error.code ?? 'EUNKNOWN';
        });
        // 'close' waits for the pipes too: the buildx plugin holds them until it has really stopped.
        child.on('close', (code, signal) => {
          clearTimeout(killTimer);
          unsubscribe();
          resolve({ exitCode: code, signal, cancelled, spawnErrorCode });
        });
      });
    },
  };
}

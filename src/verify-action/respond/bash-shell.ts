// The Shell port's real one: rollback-command and pause-command run with bash
// (-e -o pipefail, like a workflow `run:`), their output streamed as it comes so
// a long rollback is visible live, stopped (with all they started) at their timeout.
import { spawn } from 'node:child_process';
import type { Shell } from '../ports.js';

/**
 * The environment the command inherits, without this tool's own inputs: the
 * runner passes `with:` values as INPUT_* variables and the CLI reads
 * BUILDX_GATE_*, so both hold the Elasticsearch credentials and the GitHub
 * token, which a rollback script has no business seeing (or echoing under set -x).
 * What the user puts in the step's `env:` stays.
 */
export function inheritedEnv(baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(baseEnv).filter(([name]) => !/^(INPUT_|BUILDX_GATE_)/i.test(name)),
  );
}

/** After the timeout: SIGTERM to the command's process group, SIGKILL this long after. */
const KILL_GRACE_MS = 5000;

export function bashShell(baseEnv: NodeJS.ProcessEnv = process.env): Shell {
  return {
    run: (command, env, onOutput, timeoutMs) =>
      new Promise((resolve, reject) => {
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
          env: { ...inheritedEnv(baseEnv), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
          // Its own process group, so a timeout stops what the script started too (kubectl, sleep).
          detached: process.platform !== 'win32',
        });
        const signalGroup = (signal: NodeJS.Signals) => {
          try {
            if (child.pid !== undefined)
              process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
          } catch {
            // Gone already.
          }
        };
        let timedOut = false;
        let killTimer: NodeJS.Timeout | undefined;
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                timedOut = true;
                signalGroup('SIGTERM');
                killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
              }, timeoutMs);
        child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          clearTimeout(killTimer);
          resolve(timedOut ? 'timeout' : (code ?? (signal ? 128 : 1)));
        });
      }),
  };
}

// Runs the rollback command with bash (-e -o pipefail, like a workflow `run:`),
// streaming its output as it comes so a long rollback is visible live.
import { spawn } from 'node:child_process';
import type { CommandRunner } from './ports.js';

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

export function bashRunner(baseEnv: NodeJS.ProcessEnv = process.env): CommandRunner {
  return {
    run: (command, env, onOutput) =>
      new Promise((resolve, reject) => {
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
          env: { ...inheritedEnv(baseEnv), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
  };
}

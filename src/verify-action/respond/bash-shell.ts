// The Shell port's real one: rollback-command and pause-command run with bash
// (-e -o pipefail, like a workflow `run:`), their output streamed as it comes so
// a long rollback is visible live, stopped (with all they started) at their
// timeout or when this process is told to stop.
//
// The command runs in a process group of its own. Its result is decided when
// bash exits, not when its output pipes close: a child left in the background,
// or one in a session of its own (setsid), holds the pipes for as long as it
// lives, and waiting for them turned a pause that exited 0 into a timeout.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Shell, ShellResult } from '../ports.js';

/**
 * What the command inherits of this process's environment: not this tool's own inputs (the
 * runner passes `with:` values as INPUT_* variables and the CLI reads BUILDX_GATE_*, which hold
 * the Elasticsearch credentials and the GitHub token), and not the runner's credentials for
 * actions, which a `run:` step does not get either: the runtime token and its service URLs
 * (cache, results, pipelines). The OIDC token request pair stays: a `run:` step of a job with
 * `id-token: write` has it (PyPI's and Vault's OIDC guides curl it from one), and a rollback that
 * signs in to its cloud with OIDC needs it; it grants no cache or results access without the
 * service URLs. What the user puts in the step's `env:` under other names stays.
 */
export function inheritedEnv(baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(baseEnv).filter(([name]) => !WITHHELD.test(name)));
}

const WITHHELD = /^(?:INPUT_|BUILDX_GATE_|ACTIONS_(?:RUNTIME_TOKEN|RUNTIME_URL|RESULTS_URL|CACHE_URL)$)/i;

/** After a timeout or a signal: SIGKILL to what is left this long after the first signal. */
const KILL_GRACE_MS = 5000;
/** After bash exits: how long its output may take to arrive before the pipes are let go. */
const DRAIN_MS = 250;

/** The signals forwarded to the command while it runs (the runner's cancel, Ctrl-C, `kill`). */
const FORWARDED = ['SIGINT', 'SIGTERM'] as const;

/** Where the stop signals come from: this process (tests emit them on it). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * The processes below `root`, found through /proc (Linux): a child that left the command's
 * process group (setsid) is still bash's child while bash runs. Empty where there is no /proc.
 */
function descendants(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}

export function bashShell(baseEnv: NodeJS.ProcessEnv = process.env, signals: SignalSource = process): Shell {
  return {
    run: (command, env, onOutput, timeoutMs) =>
      new Promise<ShellResult>((resolve, reject) => {
        const grouped = process.platform !== 'win32';
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], {
          env: { ...inheritedEnv(baseEnv), ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
          // Its own process group, so a stop reaches what the script started too (kubectl, sleep).
          detached: grouped,
        });
        /** What bash started, also in sessions of their own; remembered, as they outlive bash. */
        const started = new Set<number>();
        const signalAll = (signal: NodeJS.Signals) => {
          if (child.pid === undefined) return;
          if (child.exitCode === null && child.signalCode === null) {
            for (const pid of descendants(child.pid)) started.add(pid);
          }
          for (const target of [grouped ? -child.pid : child.pid, ...started]) {
            try {
              process.kill(target, signal);
            } catch {
              // Gone already.
            }
          }
        };
        let outcome: ShellResult | undefined;
        let killTimer: NodeJS.Timeout | undefined;
        const stop = (why: ShellResult, signal: NodeJS.Signals) => {
          if (outcome !== undefined) return;
          outcome = why;
          signalAll(signal);
          killTimer = setTimeout(() => signalAll('SIGKILL'), KILL_GRACE_MS);
          // Not a reason to keep this process alive once it is done with the report.
          killTimer.unref();
        };
        const timer =
          timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout', 'SIGTERM'), timeoutMs);
        const onSignal = (signal: NodeJS.Signals) => stop({ interrupted: signal }, signal);
        for (const signal of FORWARDED) signals.on(signal, onSignal);
        const stopListening = () => {
          clearTimeout(timer);
          for (const signal of FORWARDED) signals.off(signal, onSignal);
        };

        child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.on('error', (error) => {
          stopListening();
          clearTimeout(killTimer);
          reject(error);
        });
        child.on('exit', (code, signal) => {
          stopListening();
          // Stopped: what ignored the first signal (a background job ignores SIGINT) goes now.
          if (outcome !== undefined) signalAll('SIGTERM');
          const result = outcome ?? code ?? (signal ? 128 + signalNumber(signal) : 1);
          let done = false;
          const finish = () => {
            if (done) return;
            done = true;
            clearTimeout(drain);
            // A child still holding the pipes is not waited for.
            child.stdout.destroy();
            child.stderr.destroy();
            resolve(result);
          };
          const drain = setTimeout(finish, DRAIN_MS);
          child.once('close', finish);
        });
      }),
  };
}

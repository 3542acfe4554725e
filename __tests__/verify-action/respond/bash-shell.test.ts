// The rollback and pause commands run in bash, in a process group of their own. What they start
// must neither outlive a timeout nor hold the step: a child in a session of its own (setsid), a
// child left in the background, a signal to the action or the CLI. And they run with the
// environment a `run:` step would have, not the runner's tokens for actions.
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { bashShell, inheritedEnv } from '../../../src/verify-action/respond/bash-shell.js';
import { runPause } from '../../../src/verify-action/respond/pause.js';
import { runRollback, type RollbackFacts } from '../../../src/verify-action/respond/rollback.js';
import { configFrom } from '../helpers.js';

/** The live processes whose command line is `marker` (ps -o pid,stat,args). */
const running = (marker: string) =>
  execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim().split(/\s+/).slice(2).join(' ') === marker && !/^\s*\d+\s+Z/.test(l));

/** A sleep no other process runs, so the test can tell whether it is still there. */
const uniqueSleep = () => `sleep ${randomInt(7000, 9999)}.${randomInt(100, 999)}`;

const leftovers: string[] = [];
afterEach(() => {
  for (const marker of leftovers.splice(0)) {
    for (const line of running(marker)) {
      try {
        process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  }
});

const shell = () => bashShell({ PATH: process.env.PATH });

describe('the command process', () => {
  it('a child in its own session (setsid) does not hold the step past the timeout, and is stopped', async () => {
    const orphan = uniqueSleep();
    leftovers.push(orphan);
    const started = Date.now();
    const result = await shell().run(`setsid ${orphan} & sleep 30`, {}, () => {}, 1000);
    expect(result).toBe('timeout');
    // It was 20 s and more: the setsid child held stdout, and 'close' waited for it.
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(running(orphan)).toEqual([]);
  });

  it('a command that exits 0 and leaves a child in the background succeeds at once', async () => {
    const background = uniqueSleep();
    leftovers.push(background);
    const output: string[] = [];
    const started = Date.now();
    const result = await shell().run(
      `echo paused; ${background} & echo done`,
      {},
      (t) => output.push(t),
      2000,
    );
    // It was 'timeout' (a FAILED pause): the background child held the pipes past pause-timeout.
    expect(result).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(output.join('')).toBe('paused\ndone\n');
  });

  it('a command in the foreground of a session of its own that exits 0 succeeds', async () => {
    const orphan = uniqueSleep();
    leftovers.push(orphan);
    const started = Date.now();
    expect(await shell().run(`setsid ${orphan}`, {}, () => {}, 5000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to this process stops the command and what it started',
    async (signal) => {
      const child = uniqueSleep();
      leftovers.push(child);
      const before = process.listenerCount(signal);
      const started = Date.now();
      const run = shell().run(`${child} & wait`, {}, () => {}, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(running(child)).toHaveLength(1);
      // What the runner's cancel, Ctrl-C or `kill` sends: the listener is the shell's.
      process.emit(signal, signal);
      expect(await run).toEqual({ interrupted: signal });
      expect(Date.now() - started).toBeLessThan(3000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(running(child)).toEqual([]);
      expect(process.listenerCount(signal)).toBe(before);
    },
  );

  it('listens for signals only while a command runs', async () => {
    const before = process.listenerCount('SIGTERM');
    await shell().run('true', {}, () => {});
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('a stop signal during the rollback or the pause', () => {
  const facts: RollbackFacts = {
    decision: 'rollback',
    reason: 'r',
    errorCount: 1,
    errorRate: 1,
    baselineRate: null,
    breachedRules: [],
    newErrorCount: 0,
    deployedAt: 0,
  };
  const soon = (signal: NodeJS.Signals) => setTimeout(() => process.emit(signal, signal), 300);

  it('fails the rollback, saying why', async () => {
    const config = configFrom({ 'rollback-command': uniqueSleep() });
    soon('SIGTERM');
    const outcome = await runRollback(config.response.rollback, facts, {
      shell: shell(),
      github: async () => ({ request: async () => ({ status: 204 }) }),
      onOutput: () => {},
      secrets: [],
    });
    expect(outcome.succeeded).toBe(false);
    expect(outcome.results[0]!.detail).toBe(
      'rollback-command was stopped: buildx-gate verify received SIGTERM',
    );
  });

  it('fails the pause, saying why', async () => {
    const config = configFrom({ 'pause-command': uniqueSleep() });
    soon('SIGINT');
    const outcome = await runPause(
      config.response.pause,
      { ...facts, decision: 'pause' },
      {
        shell: shell(),
        onOutput: () => {},
        secrets: [],
      },
    );
    expect(outcome).toMatchObject({
      succeeded: false,
      detail: 'pause-command was stopped: buildx-gate verify received SIGINT',
    });
  });
});

describe("the command's environment", () => {
  it("holds neither this tool's inputs nor the runner's tokens for actions; the OIDC request pair a run step has stays", async () => {
    const base = {
      PATH: process.env.PATH,
      'INPUT_API-KEY': 'es-api-key',
      BUILDX_GATE_PASSWORD: 'cli-password',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token',
      ACTIONS_RUNTIME_URL: 'https://pipelines.actions.githubusercontent.com/x/',
      ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/',
      ACTIONS_CACHE_URL: 'https://artifactcache.actions.githubusercontent.com/x/',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/oidc',
      KUBECONFIG: '/home/runner/.kube/config',
      GITHUB_RUN_ID: '42',
    };
    const output: string[] = [];
    expect(await bashShell(base).run('env', { BXG_DECISION: 'pause' }, (t) => output.push(t))).toBe(0);
    const env = output.join('');
    for (const name of Object.keys(base).filter((n) =>
      /^(INPUT_|BUILDX_GATE_|ACTIONS_(?!ID_TOKEN))/.test(n),
    )) {
      expect({ name, present: env.includes(`${name}=`) }).toEqual({ name, present: false });
    }
    expect(env).toContain('KUBECONFIG=/home/runner/.kube/config');
    expect(env).toContain('GITHUB_RUN_ID=42');
    expect(env).toContain('BXG_DECISION=pause');
    expect(env).toContain(
      'ACTIONS_ID_TOKEN_REQUEST_URL=https://pipelines.actions.githubusercontent.com/oidc',
    );
    expect(Object.keys(inheritedEnv(base)).sort()).toEqual([
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'GITHUB_RUN_ID',
      'KUBECONFIG',
      'PATH',
    ]);
  });
});

// A rollback or pause command that hangs (kubectl waiting on an unreachable cluster) used to hold
// the step until the job's own timeout (6 hours by default), with the deploy still live and nobody told.
// covers: src/verify-action/respond/bash-shell.ts, src/verify-action/respond/rollback.ts
// covers: src/verify-action/respond/pause.ts
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { bashShell } from '../../../src/verify-action/respond/bash-shell.js';
import { runPause } from '../../../src/verify-action/respond/pause.js';
import { runRollback, type RollbackFacts } from '../../../src/verify-action/respond/rollback.js';
import { configFrom } from '../helpers.js';

const running = (marker: string) =>
  execFileSync('ps', ['-eo', 'stat,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker) && !l.startsWith('Z'));

/** What the verdict hands the commands, for a decision. */
const factsOf = (decision: RollbackFacts['decision']): RollbackFacts => ({
  decision,
  reason: 'r',
  errorCount: 1,
  errorRate: 1,
  baselineRate: null,
  breachedRules: [],
  newErrorCount: 0,
  deployedAt: 0,
});

describe('rollback-timeout', () => {
  it('stops a hanging command and what it started, and the rollback fails loudly', async () => {
    const seconds = String(randomInt(5000, 9000));
    const config = configFrom({
      'rollback-command': `sleep ${seconds} & sleep ${seconds}`,
      'rollback-timeout': '1s',
    });
    expect(config.response.rollback.commandTimeoutMs).toBe(1000);
    const started = Date.now();
    const outcome = await runRollback(config.response.rollback, factsOf('rollback'), {
      shell: bashShell({ PATH: process.env.PATH }),
      github: async () => ({ request: async () => ({ status: 204 }) }),
      onOutput: () => {},
      secrets: [],
    });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(outcome.succeeded).toBe(false);
    expect(outcome.results[0]!.detail).toBe(
      'rollback-command did not finish within rollback-timeout (1s); it was stopped',
    );
    expect(running(`sleep ${seconds}`)).toEqual([]);
  });

  it('defaults to 10 minutes, refuses 0', () => {
    expect(configFrom({ 'rollback-command': 'true' }).response.rollback.commandTimeoutMs).toBe(600_000);
    expect(() => configFrom({ 'rollback-command': 'true', 'rollback-timeout': '0' })).toThrow(
      /^rollback-timeout: /,
    );
  });
});

// Node runs a timer longer than 2^31-1 ms after 1 ms: rollback-timeout 600h stopped the command at once.
describe('timeouts beyond what a timer can hold', () => {
  it.each(['rollback-timeout', 'pause-timeout', 'request-timeout', 'interval'])(
    '%s over 596h31m23s is refused, naming the input and the maximum',
    (input) => {
      const commands = { 'rollback-command': 'true', 'pause-command': 'true' };
      const extra: Record<string, string> = input === 'interval' ? { duration: '700h' } : {};
      expect(() => configFrom({ ...commands, ...extra, [input]: '600h' })).toThrow(
        new RegExp(`^${input}: 600h is longer than the longest timer \\(596h31m23s\\)`),
      );
      expect(() => configFrom({ ...commands, ...extra, [input]: '596h31m23s' })).not.toThrow();
    },
  );

  it('rollback-timeout and pause-timeout are checked even when no command is set', () => {
    expect(() => configFrom({ 'rollback-timeout': '600h' })).toThrow(/^rollback-timeout: /);
    expect(() => configFrom({ 'pause-timeout': '600h' })).toThrow(/^pause-timeout: /);
    expect(() => configFrom({ 'rollback-timeout': 'soon' })).toThrow(
      /^rollback-timeout: expected a duration/,
    );
    expect(() => configFrom({ 'pause-timeout': '0' })).toThrow(/^pause-timeout: must be more than 0/);
  });
});

describe('pause-timeout', () => {
  it('stops a hanging pause-command and what it started; the pause counts as failed', async () => {
    const seconds = String(randomInt(5000, 9000));
    const config = configFrom({
      'pause-command': `sleep ${seconds} & sleep ${seconds}`,
      'pause-timeout': '1s',
    });
    expect(config.response.pause?.timeoutMs).toBe(1000);
    const started = Date.now();
    const outcome = await runPause(config.response.pause, factsOf('pause'), {
      shell: bashShell({ PATH: process.env.PATH }),
      onOutput: () => {},
      secrets: [],
    });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(outcome).toMatchObject({
      triggered: true,
      succeeded: false,
      detail: 'pause-command did not finish within pause-timeout (1s); it was stopped',
    });
    expect(running(`sleep ${seconds}`)).toEqual([]);
  });

  it('defaults to 10 minutes, refuses 0, and means nothing without pause-command', () => {
    expect(configFrom({ 'pause-command': 'true' }).response.pause).toEqual({
      command: 'true',
      timeoutMs: 600_000,
    });
    expect(() => configFrom({ 'pause-command': 'true', 'pause-timeout': '0' })).toThrow(/^pause-timeout: /);
    expect(configFrom({ 'pause-timeout': '5m' }).response.pause).toBeUndefined();
  });
});

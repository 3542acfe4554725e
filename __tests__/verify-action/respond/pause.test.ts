// The pause decision: stop the rollout, keep what runs. It fails the job without
// rolling back, runs pause-command with the BXG_* figures, and says how to resume.
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVerify } from '../../../src/cli/verify.js';
import { bashShell } from '../../../src/verify-action/respond/bash-shell.js';
import { verdict, type CheckResult } from '../../../src/verify-action/judge/decision.js';
import { outputsOf } from '../../../src/verify-action/main.js';
import { resumeHints } from '../../../src/verify-action/respond/pause.js';
import { runVerification } from '../../../src/verify-action/run.js';
import { renderSummary } from '../../../src/verify-action/report/summary.js';
import { renderText } from '../../../src/verify-action/report/text-report.js';
import { configFrom } from '../helpers.js';
import { BURST, depsFor } from '../run-fixtures.js';

const PAUSE_RULES = `
- {name: timeouts, phrase: timeout, max: 100, action: rollback}
- {name: auth failed, phrase: auth failed, max: 2, action: pause}`;

describe('the pause decision', () => {
  it('fails the job, rolls nothing back, and runs pause-command with the BXG_* figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bxg-i8-pause-'));
    const deps = depsFor(BURST);
    deps.rollback.shell = bashShell({ PATH: process.env.PATH });
    const rollbackRuns: string[] = [];
    const shell = deps.rollback.shell;
    deps.rollback.shell = {
      run: (command, env, onOutput) => {
        rollbackRuns.push(command);
        return shell.run(command, env, onOutput);
      },
    };
    const config = configFrom({
      service: 'checkout',
      environment: 'production',
      rules: PAUSE_RULES,
      'pause-command': `echo "$BXG_DECISION|$BXG_BREACHED_RULES|$BXG_SERVICE|$BXG_REASON" > ${dir}/paused`,
      'rollback-command': `touch ${dir}/rolled-back`,
    });
    const report = await runVerification(config, deps);
    expect(report.decision).toBe('pause');
    expect(report.gateFailed).toBe(true);
    expect(report.paused).toBe(true);
    expect(report.rollback.triggered).toBe(false);
    expect(rollbackRuns).toHaveLength(1);
    expect(await readFile(join(dir, 'paused'), 'utf8')).toBe(
      "pause|auth failed|checkout|rule 'auth failed' matched 3 times, max 2 (action pause, check 1)\n",
    );
    await expect(readFile(join(dir, 'rolled-back'))).rejects.toThrow();
    expect(report.pause).toMatchObject({
      triggered: true,
      succeeded: true,
      detail: 'pause-command exited 0',
    });
    expect(outputsOf(report, '/r.json')).toMatchObject({
      decision: 'pause',
      paused: 'true',
      'rollback-triggered': 'false',
    });

    const summary = renderSummary(report, config.judgement.rules);
    expect(summary).toContain('## ⏸️ Deploy verification: pause');
    expect(summary).toContain('### ⏸️ Paused: the rollout is stopped, what runs stays');
    expect(summary).toContain('nothing was rolled back; pause\\-command exited 0.');
    expect(summary).toContain('**To resume**');
    expect(summary).toContain('- re\\-run the failed job once the cause is understood');
  });

  it('pauses without a pause-command (the failed job holds the later environments), and reports a failing one', async () => {
    const config = configFrom({ rules: PAUSE_RULES });
    const report = await runVerification(config, depsFor(BURST));
    expect(report.pause).toMatchObject({ triggered: false, succeeded: null });
    expect(renderSummary(report, config.judgement.rules)).toContain(
      'nothing was rolled back; no pause-command is set.',
    );

    const failing = depsFor(BURST);
    failing.rollback.shell = { run: async () => 3 };
    const bad = await runVerification(configFrom({ rules: PAUSE_RULES, 'pause-command': 'exit 3' }), failing);
    expect(bad.pause).toMatchObject({
      triggered: true,
      succeeded: false,
      detail: 'pause-command exited with code 3',
    });
    expect(bad.reasons.at(-1)).toMatch(/^PAUSE COMMAND FAILED/);
    expect(renderSummary(bad)).toContain(
      '**FAILED**: pause\\-command exited with code 3; the rollout may still be progressing',
    );
  });

  it('only reports in a dry run', async () => {
    const deps = depsFor(BURST);
    let ran = false;
    deps.rollback.shell = {
      run: async () => {
        ran = true;
        return 0;
      },
    };
    const report = await runVerification(
      configFrom({ rules: PAUSE_RULES, 'pause-command': 'true', 'dry-run': 'true' }),
      deps,
    );
    expect(report.decision).toBe('pause');
    expect(report.gateFailed).toBe(false);
    expect(report.paused).toBe(false);
    expect(ran).toBe(false);
    expect(renderSummary(report)).toContain('Dry run: the rollout would have been paused.');
  });

  it('exits 1 from the CLI, with the decision in the JSON report', async () => {
    const out: string[] = [];
    const deps = depsFor(BURST);
    const code = await runVerify(
      [
        '--elasticsearch-url',
        'http://127.0.0.1:9200',
        '--deployed-at',
        '2026-11-27T11:50:00Z',
        '--rules',
        PAUSE_RULES,
        '--json',
      ],
      { stdout: (t) => out.push(t), stderr: () => {}, env: {}, stdin: process.stdin, cwd: process.cwd() },
      { connect: deps.connect, clock: deps.clock, rollback: deps.rollback },
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join(''))).toMatchObject({ decision: 'pause', paused: true, gateFailed: true });
  });

  it('says paused in the text report', async () => {
    const report = await runVerification(configFrom({ rules: PAUSE_RULES }), depsFor(BURST));
    expect(renderText(report)).toMatch(/^decision: pause \(gate failed\)/);
  });
});

describe('pause in the verdict', () => {
  const config = configFrom({ rules: PAUSE_RULES, 'failure-limit': '1' });
  const check = (n: number, breaches: CheckResult['breaches']): CheckResult => ({
    check: n,
    at: 0,
    status: 'breached',
    window: null,
    total: 1,
    errorCount: 1,
    errorRate: 1,
    baselineRate: null,
    baselineErrors: 0,
    baselineTotal: 0,
    increase: null,
    comparison: null,
    comparisons: [],
    rules: [],
    newErrors: [],
    breaches,
    warnings: [],
    newErrorCount: 0,
    aa: null,
    flags: { emptyWindow: false, incomplete: null, levelMismatch: null },
  });
  const pauseRule = { kind: 'rule' as const, rule: 'auth failed', action: 'pause' as const, reason: 'auth' };
  const rollbackRule = {
    kind: 'rule' as const,
    rule: 'timeouts',
    action: 'rollback' as const,
    reason: 'timeouts',
  };
  const failRule = { kind: 'max-errors' as const, action: 'fail' as const, reason: 'errors' };
  const pauseThreshold = { kind: 'max-errors' as const, action: 'pause' as const, reason: 'errors' };

  it('decides at once on a pause rule, like a rollback rule, and rollback wins when both breach', () => {
    expect(verdict(config, [check(1, [failRule, pauseRule])], false)?.decision).toBe('pause');
    expect(verdict(config, [check(1, [pauseRule, rollbackRule])], false)?.decision).toBe('rollback');
  });

  it('ranks pause between rollback and fail once failure-limit is exceeded', () => {
    expect(verdict(config, [check(1, [failRule]), check(2, [pauseThreshold])], false)?.decision).toBe(
      'pause',
    );
    expect(verdict(config, [check(1, [failRule]), check(2, [failRule])], false)?.decision).toBe('fail');
  });

  it('does not count notify and warn breaches against failure-limit', () => {
    const notify = { kind: 'max-errors' as const, action: 'notify' as const, reason: 'n' };
    expect(verdict(config, [check(1, [notify]), check(2, [notify])], false)).toBeNull();
  });
});

describe('resume hints', () => {
  it("names the pause command's counterpart for Argo Rollouts and Deployments", () => {
    expect(resumeHints('kubectl argo rollouts pause checkout -n shop').slice(0, 2)).toEqual([
      { text: 'resume the rollout', command: 'kubectl argo rollouts promote checkout -n shop' },
      {
        text: 'or abort it (back to the stable version)',
        command: 'kubectl argo rollouts abort checkout -n shop',
      },
    ]);
    expect(resumeHints('kubectl rollout pause deployment/checkout -n shop && echo done')[0]).toEqual({
      text: 'resume the rollout',
      command: 'kubectl rollout resume deployment/checkout -n shop',
    });
    expect(resumeHints('./hold.sh')[0]).toEqual({ text: 'undo what pause-command did, with your deployer' });
    expect(resumeHints(undefined)).toHaveLength(2);
  });
});

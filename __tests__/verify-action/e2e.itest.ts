// The shipped entry points, bundled as scripts/bundle.mjs does, run as processes
// against the real node: the action (inputs from INPUT_* variables, outputs and
// summary to the runner's files) and `buildx-gate verify`.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForElasticsearch } from '../support/es-env.js';
import { parseFileCommands } from '../support/github-output.js';
import {
  after,
  bundleEntries,
  checkoutProd,
  count,
  dropScenario,
  isError,
  seedScenario,
  type Scenario,
} from './itest-helpers.js';

let scenario: Scenario;
let dir: string;

beforeAll(async () => {
  await waitForElasticsearch('8');
  scenario = await seedScenario('e2e', ['--docs', '5000']);
  dir = await mkdtemp(join(tmpdir(), 'bxg-verify-e2e-'));
  await bundleEntries(dir, { 'verify/index': 'src/verify-action/index.ts', cli: 'src/cli.ts' });
}, 120_000);
afterAll(async () => {
  await dropScenario(scenario);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const expectedErrors = () => count(scenario.summary, (r) => checkoutProd(r) && after(r) && isError(r));

async function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const files = { output: join(dir, 'output.txt'), summary: join(dir, 'summary.md') };
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    GITHUB_RUN_ID: '99',
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const run = spawnSync('node', [join(dir, 'dist/verify/index.js')], { env, encoding: 'utf8' });
  const outputs = parseFileCommands(await readFile(files.output, 'utf8'), { wordNames: true, openEnd: true });
  return { ...run, outputs, summary: await readFile(files.summary, 'utf8') };
}

const common = () => ({
  'elasticsearch-url': scenario.url,
  index: `${scenario.prefix}-*`,
  service: 'checkout',
  environment: 'production',
  'deployed-at': new Date(scenario.deployAt).toISOString(),
  duration: '0',
});

describe('the verify action as a process', () => {
  it('sets outputs, writes the summary and the report, and fails on a rollback decision', async () => {
    const run = await runAction({
      ...common(),
      rules: '- {name: timeouts, phrase: timeout, max: 10, action: rollback}',
    });
    expect(run.status).toBe(1);
    expect(run.stdout.match(/^::error/gm)).toHaveLength(1);
    expect(run.stdout).toMatch(
      /::error title=Deploy verification%3A rollback::rule 'timeouts' matched \d+ times/,
    );
    expect(run.outputs).toMatchObject({
      decision: 'rollback',
      'error-count': String(expectedErrors()),
      'breached-rules': 'timeouts',
      'rollback-triggered': 'false',
    });
    // The default report file is per step: the run id, the step (GITHUB_ACTION, unset here) and a unique suffix.
    expect(run.outputs.report!.startsWith(join(dir, 'buildx-gate-verify-99-step-'))).toBe(true);
    expect(run.outputs.report).toMatch(/-step-[0-9a-z]+\.json$/);
    const report = JSON.parse(await readFile(run.outputs.report!, 'utf8'));
    expect(report.errorCount).toBe(expectedErrors());
    expect(run.summary).toContain('## ⏪ Deploy verification: rollback');
    expect(run.summary).toMatch(/```mermaid\n%%\{init: .*\}%%\nxychart-beta\n/);
  });

  it('passes with exit 0', async () => {
    const run = await runAction({ ...common(), 'max-increase': 'off' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.outputs.decision).toBe('pass');
  });

  it('never prints a credential: not with debug on, not in the report, not to the rollback command', async () => {
    const password = 'pw-Zq81-never-shown';
    const run = await runAction(
      {
        ...common(),
        // The node runs without security, so it ignores these; they still travel everywhere.
        'elasticsearch-url': scenario.url.replace('://', `://elastic:${password}@`),
        rules: '- {name: timeouts, phrase: timeout, max: 10, action: rollback}',
        'rollback-command': 'env; set -x; true',
      },
      { RUNNER_DEBUG: '1' },
    );
    expect(run.outputs.decision).toBe('rollback');
    expect(run.stdout).toContain(`::add-mask::${password}`);
    expect(run.stdout).toContain('BXG_DECISION=rollback');
    const printed = [
      run.stdout.replace(`::add-mask::${password}`, ''),
      run.stderr,
      run.summary,
      await readFile(run.outputs.report!, 'utf8'),
    ].join('\n');
    expect(printed).not.toContain(password);
    expect(printed).not.toMatch(/INPUT_/);
  });

  it('fails the step on a bad input and masks the secrets', async () => {
    const run = await runAction({ ...common(), 'api-key': 'c2VjcmV0LWtleQ==', interval: 'soon' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::add-mask::c2VjcmV0LWtleQ==');
    expect(run.stdout).toMatch(/::error::buildx-gate verify: interval: expected a duration/);
  });
});

describe('buildx-gate verify as a process', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync('node', [join(dir, 'dist/cli.js'), 'verify', ...args], {
      env: { PATH: process.env.PATH!, ...env },
      encoding: 'utf8',
    });
  const flags = () => Object.entries(common()).flatMap(([k, v]) => [`--${k}`, v]);

  it('prints one JSON report and exits 1 when the gate fails', () => {
    const run = cli([
      ...flags(),
      '--rules',
      '- {name: timeouts, phrase: timeout, max: 10, action: rollback}',
      '--json',
    ]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      decision: 'rollback',
      errorCount: expectedErrors(),
      breachedRules: ['timeouts'],
      rollback: { triggered: false },
    });
    expect(report.checks).toHaveLength(1);
  });

  it('exits 0 on a pass and 2 on a usage error', () => {
    expect(cli([...flags(), '--max-increase', 'off']).status).toBe(0);
    const usage = cli([...flags(), '--max-errors', 'lots']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/max-errors: expected a whole number/);
  });

  it('SIGTERM while pause-command runs stops the command and what it started, and reports it', async () => {
    const marker = `sleep ${7000 + Math.floor(Math.random() * 2000)}.5`;
    const child = spawn(
      'node',
      [
        join(dir, 'dist/cli.js'),
        'verify',
        ...flags(),
        '--rules',
        '- {name: timeouts, phrase: timeout, max: 10, action: pause}',
        '--pause-command',
        `echo paused-started; ${marker} & wait`,
        '--json',
      ],
      { env: { PATH: process.env.PATH! } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('paused-started')) resolve();
      }),
    );
    const alive = () =>
      execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.trim() === marker);
    // bash prints, then forks the sleep: wait until it runs.
    for (let i = 0; i < 50 && alive().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive()).toHaveLength(1);
    const sent = Date.now();
    child.kill('SIGTERM');
    // It was: the CLI died at once and the pause command's sleep ran on, orphaned.
    expect(await exited).toBe(1);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(JSON.parse(stdout).pause).toMatchObject({
      succeeded: false,
      detail: 'pause-command was stopped: buildx-gate verify received SIGTERM',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive()).toEqual([]);
  });

  it('takes credentials from BUILDX_GATE_* variables and never prints them', () => {
    const run = cli([...flags(), '--max-increase', 'off', '--json'], {
      BUILDX_GATE_API_KEY: 'bm90LWEta2V5LWF0LWFsbA==',
    });
    expect(run.status).toBe(0); // the node has security off: the key is sent and ignored
    expect(run.stdout + run.stderr).not.toContain('bm90LWEta2V5LWF0LWFsbA==');
  });
});

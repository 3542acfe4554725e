// Every way a run can stop the build action mid-RUN, on the real engines, with the bundles the
// runner runs (dist/build/index.js, then dist/build/post.js with the state the main step saved):
// SIGINT (the runner's cancel, Ctrl-C), SIGTERM (its second step), SIGKILL (a step timeout under
// nektos/act, the GitHub runner's last resort). Each must end with no buildx process and no RUN
// container process left, a summary that says cancelled, and error-category=cancelled.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionDefaults } from '../support/action-defaults.js';
import { parseFileCommands } from '../support/github-output.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/build/index.js');
const POST = path.join(ROOT, 'dist/build/post.js');
const FIXTURES = path.join(ROOT, '__tests__/fixtures/dockerfiles');

const ENGINES = [
  { name: '20.10', host: process.env.BXG_ENGINE20_HOST ?? 'unix:///var/run/docker.sock' },
  { name: '26.1', host: process.env.BXG_ENGINE26_HOST ?? 'unix:///var/run/docker26.sock' },
];

interface Step {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Files the runner gives one job: the post step shares the summary, reads the state as STATE_*. */
function job(workspace: string, host: string, inputs: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-i12-cancel-'));
  const files = {
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary'),
    mainOutput: path.join(dir, 'main-output'),
    postOutput: path.join(dir, 'post-output'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: host,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const step = (
    bundle: string,
    extra: NodeJS.ProcessEnv,
    outputFile: string,
    watch?: (stdout: string) => NodeJS.Signals | null,
  ) =>
    new Promise<Step>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle], {
        cwd: workspace,
        env: { ...env, ...extra, GITHUB_OUTPUT: outputFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let signalled = false;
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const signal = !signalled && watch?.(stdout);
        if (signal) {
          signalled = true;
          child.kill(signal);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({
          code,
          signal,
          stdout,
          outputs: parseFileCommands(readFileSync(outputFile, 'utf8')),
          summary: readFileSync(files.summary, 'utf8'),
        }),
      );
    });
  return {
    main: (watch: (stdout: string) => NodeJS.Signals | null) =>
      step(MAIN, { GITHUB_STATE: files.state }, files.mainOutput, watch),
    post: () => {
      const state = parseFileCommands(readFileSync(files.state, 'utf8'));
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
      return step(POST, stateEnv, files.postOutput);
    },
    state: () => parseFileCommands(readFileSync(files.state, 'utf8')),
  };
}

/** Processes whose command line holds `marker`: the docker CLI, the buildx plugin, the RUN's sleep. */
function processesWith(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker) && !/\sZ/.test(line.slice(0, 16)) && !line.includes('ps -eo'));
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

beforeAll(() => {
  for (const bundle of [MAIN, POST]) {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'npm run build' first`);
  }
});

describe.each(ENGINES)('cancelling the build action on Docker Engine $name', ({ host }) => {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-i12-ws-'));
  cpSync(FIXTURES, workspace, { recursive: true });

  /** A RUN that sleeps a number of seconds no other test uses, and a label only this build has. */
  function uniqueBuild() {
    const seconds = String(randomInt(4000, 9000));
    const label = `bxg-i12-cancel=${randomUUID()}`;
    return {
      inputs: {
        context: 'cancel',
        network: 'none',
        'no-cache': 'true',
        'build-args': `SLEEP=${seconds}`,
        labels: label,
      },
      buildx: label,
      sleep: `sleep ${seconds}`,
    };
  }

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: the main step stops buildx and reports cancelled; the post step finds nothing to do',
    async (signal) => {
      const build = uniqueBuild();
      const run = job(workspace, host, build.inputs);
      const main = await run.main((stdout) => (stdout.includes('sleeping now') ? signal : null));
      expect(main.code).toBe(1);
      expect(main.summary).toMatch(/^## ⏹️ Docker build cancelled/);
      expect(main.outputs['error-category']).toBe('cancelled');
      expect(JSON.parse(readFileSync(main.outputs.report!, 'utf8')).outcome).toBe('cancelled');
      expect(processesWith(build.buildx)).toEqual([]);
      expect(await waitFor(() => processesWith(build.sleep).length === 0, 10_000)).toBe(true);
      expect(run.state().finished).toBe('true');

      const post = await run.post();
      expect(post.code).toBe(0);
      expect(post.outputs).toEqual({});
      expect(post.summary).toBe(main.summary);
    },
  );

  it('SIGKILL: buildx outlives the action; the post step stops it and writes the cancelled summary and outputs', async () => {
    const build = uniqueBuild();
    const run = job(workspace, host, build.inputs);
    const main = await run.main((stdout) => (stdout.includes('sleeping now') ? 'SIGKILL' : null));
    expect(main.signal).toBe('SIGKILL');
    expect(main.summary).toBe('');
    // The orphan the post step exists for: buildx and the RUN are still going.
    expect(processesWith(build.buildx).length).toBeGreaterThan(0);
    expect(await waitFor(() => processesWith(build.sleep).length > 0, 10_000)).toBe(true);
    expect(run.state().buildx_pid).toMatch(/^\d+$/);
    expect(run.state().finished).toBeUndefined();

    const post = await run.post();
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/buildx \(process group \d+\) was still running; it was (stopped|killed)/);
    expect(processesWith(build.buildx)).toEqual([]);
    expect(await waitFor(() => processesWith(build.sleep).length === 0, 15_000)).toBe(true);
    expect(post.summary).toMatch(/^## ⏹️ Docker build cancelled/);
    expect(post.summary).toContain('post step stopped the build');
    expect(post.outputs['error-category']).toBe('cancelled');
    expect(post.outputs['failed-step']).toMatch(/RUN echo "sleeping now"/);
    const report = JSON.parse(readFileSync(post.outputs.report!, 'utf8'));
    expect(report.outcome).toBe('cancelled');
    expect(report.steps.some((s: { name: string }) => s.name.includes('sleeping now'))).toBe(true);
    expect(post.stdout).toContain('::error title=Docker build cancelled::');
    // The log copy is gone: it may hold what a step printed.
    expect(existsSync(run.state().build_log!)).toBe(false);
  });

  it('a finished build: the post step only checks, writes nothing', async () => {
    const run = job(workspace, host, { context: 'success', network: 'none', summary: 'false' });
    const main = await run.main(() => null);
    expect(main.code).toBe(0);
    const post = await run.post();
    expect(post.code).toBe(0);
    expect(post.outputs).toEqual({});
    expect(post.stdout).not.toContain('was still running');
  });
});

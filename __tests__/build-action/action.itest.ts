// End to end: the bundled build action (dist/build/index.js, from `npm run build`)
// run the way the Actions runner runs it (INPUT_* variables with action.yml's
// defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE), on
// the Dockerfiles in __tests__/fixtures/dockerfiles, against Docker Engine 20.10
// and 26.1.5 as scripts/docker/start.sh runs them. Builds use --network=none and
// the local base images, since no registry is reachable.
import { describe, it, expect, beforeAll } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionDefaults } from '../support/action-defaults.js';
import { parseFileCommands } from '../support/github-output.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/build/index.js');
const FIXTURES = path.join(ROOT, '__tests__/fixtures/dockerfiles');

const ENGINES = [
  { name: '20.10', host: process.env.BXG_ENGINE20_HOST ?? 'unix:///var/run/docker.sock' },
  { name: '26.1', host: process.env.BXG_ENGINE26_HOST ?? 'unix:///var/run/docker26.sock' },
];

interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Array<{ level: string; properties: Record<string, string>; message: string }>;
  /** stdout outside the ::stop-commands:: block: what the runner interprets. */
  commands: string;
}

function decode(value: string): string {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/** Drops the ::stop-commands:: ... ::token:: block, leaving what the runner reads as commands. */
function outsideStopCommands(stdout: string): string {
  const start = /^::stop-commands::(\w+)$/m.exec(stdout);
  if (!start) return stdout;
  const end = stdout.indexOf(`\n::${start[1]}::\n`, start.index);
  return stdout.slice(0, start.index) + (end === -1 ? '' : stdout.slice(end + start[1].length + 6));
}

function parseAnnotations(commands: string): ActionRun['annotations'] {
  const found: ActionRun['annotations'] = [];
  for (const match of commands.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)) {
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = decode(pair.slice(eq + 1));
    }
    found.push({ level: match[1], properties, message: decode(match[3]) });
  }
  return found;
}

interface RunOptions {
  /** Called with stdout so far each time it grows; may return a signal to send to the action. */
  watch?: (stdout: string) => NodeJS.Signals | null;
}

function runAction(
  workspace: string,
  host: string,
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-action-'));
  const outputFile = path.join(dir, 'output');
  const summaryFile = path.join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: host,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let signalled = false;
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const signal = !signalled && options.watch?.(stdout);
      if (signal) {
        signalled = true;
        child.kill(signal);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      const commands = outsideStopCommands(stdout);
      resolve({
        code,
        stdout,
        outputs: parseFileCommands(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        annotations: parseAnnotations(commands),
        commands,
      });
    });
  });
}

function newWorkspace(): string {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-ws-'));
  cpSync(FIXTURES, workspace, { recursive: true });
  return workspace;
}

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run 'npm run build' before the integration tests`);
});

describe.each(ENGINES)('build action on Docker Engine $name', ({ name, host }) => {
  const workspace = newWorkspace();
  beforeAll(() => {
    try {
      execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
        env: { ...process.env, DOCKER_HOST: host },
        stdio: 'pipe',
      });
    } catch {
      throw new Error(
        `Docker Engine ${name} is not running at ${host}: start it with 'bash scripts/docker/start.sh all'`,
      );
    }
  });
  const tag = (what: string) => `bxg-e2e/${what}:engine-${name.replace('.', '-')}`;

  it('success: outputs, report, summary, exit 0', async () => {
    const run = await runAction(workspace, host, {
      context: 'success',
      tags: tag('success'),
      network: 'none',
    });
    expect(run.code).toBe(0);
    expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/);
    const metadata = JSON.parse(run.outputs.metadata);
    expect(metadata['containerimage.digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.outputs.digest).toBe(metadata['containerimage.digest']);
    expect(Number(run.outputs.duration)).toBeGreaterThan(0);
    expect(run.outputs['failed-step']).toBe('');
    const report = JSON.parse(readFileSync(run.outputs.report, 'utf8'));
    expect(report).toMatchObject({ format: 'plain', outcome: 'success', error: null });
    expect(report.totals.instructionSteps).toBe(9);
    expect(run.summary).toMatch(/^## ✅ Docker build succeeded/);
    expect(run.summary).toMatch(/```mermaid\n%%\{init: .*\}%%\ngantt\n/);
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  it('cached rebuild: every step cached, ratio 1', async () => {
    await runAction(workspace, host, { context: 'success', tags: tag('success'), network: 'none' });
    const run = await runAction(workspace, host, {
      context: 'success',
      tags: tag('success'),
      network: 'none',
      'min-cache-hit-ratio': '1',
    });
    expect(run.code).toBe(0);
    expect(run.outputs['cache-hit-ratio']).toBe('1');
    expect(run.summary).toContain('100% (7/7 steps cached)');
    expect(run.summary).toContain('| <code>min\\-cache\\-hit\\-ratio</code> | ✅ passed |');
  });

  it('cache bust: the source change before the install is named at its line; a ratio gate fails the step', async () => {
    const ws = newWorkspace();
    await runAction(ws, host, { context: 'cache-bust', tags: tag('cache-bust'), network: 'none' });
    writeFileSync(
      path.join(ws, 'cache-bust/src/index.js'),
      `console.log(${JSON.stringify(`changed ${Date.now()} ${Math.random()}`)});\n`,
    );
    const run = await runAction(ws, host, {
      context: 'cache-bust',
      tags: tag('cache-bust'),
      network: 'none',
      'min-cache-hit-ratio': '0.9',
    });
    const bust = run.annotations.find((a) => a.properties.title?.startsWith('Cache bust'));
    expect(bust).toMatchObject({
      level: 'warning',
      properties: { file: 'cache-bust/Dockerfile', line: '5' },
    });
    expect(bust!.message).toContain(
      '`COPY . .` (line 5) comes before `RUN PATH=/app/bin:$PATH npm ci` (line 6), so every source change reinstalls dependencies',
    );
    expect(bust!.message).toContain('COPY package.json package-lock.json ./');
    expect(Number(run.outputs['cache-hit-ratio'])).toBeCloseTo(1 / 4);
    expect(run.code).toBe(1);
    expect(run.annotations).toContainEqual({
      level: 'error',
      properties: { title: 'Gate min-cache-hit-ratio failed' },
      message: 'cache hit ratio 25% (1/4 steps cached) < minimum 90%: 65 percentage points short.',
    });
    expect(run.summary).toContain('Cache bust: dependencies reinstalled on every source change');
  });

  it('failing RUN: error annotation at its Dockerfile line, hostile output escaped and inert', async () => {
    const run = await runAction(workspace, host, { context: 'failing-run', network: 'none' });
    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === 'error' && a.properties.file);
    expect(error).toMatchObject({
      properties: {
        title: 'Build failed: command failed (exit code 3)',
        file: 'failing-run/Dockerfile',
        line: '5',
      },
    });
    expect(error!.message).toContain('FAIL test_render');
    expect(run.outputs['failed-step']).toBe('[5/5] RUN ./run-tests.sh');
    expect(run.outputs['error-category']).toBe('command-failed');
    // The build printed a workflow command; the runner must not see it as one.
    expect(run.stdout).toContain(
      '::error file=.github/workflows/ci.yml,line=1::injected by the build output',
    );
    expect(run.commands).not.toMatch(/^::error file=\.github/m);
    expect(run.summary).toContain('expected &lt;b&gt;ok&lt;/b&gt;, got [err](https://example.invalid)');
    expect(run.summary).not.toContain('<b>ok</b>');
    expect(run.summary).toContain(' 5 | &gt;&gt;&gt; RUN ./run-tests.sh');
  });

  it('missing COPY source: annotated at the COPY line', async () => {
    const run = await runAction(workspace, host, { context: 'missing-copy', network: 'none' });
    expect(run.code).toBe(1);
    expect(run.outputs['error-category']).toBe('missing-file');
    expect(run.annotations.find((a) => a.level === 'error' && a.properties.file)).toMatchObject({
      properties: { file: 'missing-copy/Dockerfile', line: '3' },
      message: expect.stringContaining('package-lock.json'),
    });
  });

  it('parse error: annotated at the line the parser names', async () => {
    const run = await runAction(workspace, host, { context: 'parse-error', network: 'none' });
    expect(run.code).toBe(1);
    expect(run.outputs['error-category']).toBe('dockerfile-syntax');
    expect(run.annotations.find((a) => a.level === 'error' && a.properties.file)).toMatchObject({
      properties: {
        title: 'Build failed: Dockerfile syntax error',
        file: 'parse-error/Dockerfile',
        line: '4',
      },
    });
    expect(run.summary).toContain('CPY');
  });

  it('cancelled: SIGTERM mid-RUN stops buildx, the summary says cancelled, the step fails', async () => {
    const started = Date.now();
    const run = await runAction(
      workspace,
      host,
      { context: 'cancel', network: 'none', 'no-cache': 'true' },
      {
        watch: (stdout) => (stdout.includes('sleeping now') ? 'SIGTERM' : null),
      },
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.stdout).toMatch(/^#\d+ CANCELED$/m);
    expect(run.stdout).not.toMatch(/^#\d+ [\d.]+ never printed$/m);
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/^## ⏹️ Docker build cancelled/);
    expect(run.commands).toContain('::error::The build was cancelled.');
    expect(JSON.parse(readFileSync(run.outputs.report, 'utf8')).outcome).toBe('cancelled');
    // buildx (the docker CLI and its plugin) stopped before the action exited.
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes.split('\n').filter((p) => /buildx build .*--no-cache cancel$/.test(p))).toEqual([]);
  });
});

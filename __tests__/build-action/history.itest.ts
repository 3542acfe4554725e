// History end to end: the bundled action (dist/build/index.js) run as the Actions runner runs it,
// against Docker Engine 26.1.5 and 20.10, with the GitHub Actions cache service v2 served on
// 127.0.0.1 by __tests__/support/actions-cache-server.ts (nektos/act's cache server speaks only
// the legacy v1 API). Builds in sequence, each blame checked against what really changed:
// main; a pull request changing a source file; one changing a build-arg; one copying a large
// file the image does not need (context growth gated, .dockerignore proposed); one with no
// record; and, on Engine 26 (whose log names base image digests), the base image moved.
// covers: src/build-action/history/store/cache-worker-index.ts
// covers: src/build-action/history/store/cache-worker-process.ts
// covers: src/build-action/history/store/actions-cache-store.ts
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionDefaults } from '../support/action-defaults.js';
import { startActionsCacheServer, type ActionsCacheServer } from '../support/actions-cache-server.js';
import { parseFileCommands } from '../support/github-output.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/build/index.js');
const POST = path.join(ROOT, 'dist/build/post.js');
const ENGINES = [
  { name: '26.1', host: process.env.BXG_ENGINE26_HOST ?? 'unix:///var/run/docker26.sock', digests: true },
  { name: '20.10', host: process.env.BXG_ENGINE20_HOST ?? 'unix:///var/run/docker.sock', digests: false },
];

interface Annotation {
  level: string;
  properties: Record<string, string>;
  message: string;
}
interface Run {
  code: number | null;
  stdout: string;
  /** The post step's output: it joins the cache worker that saves the record after the step. */
  postStdout: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  record: {
    durationMs: number;
    contextBytes: number;
    sources: unknown[];
    stages: Array<{ baseDigest: string | null }>;
  } | null;
  recordBytes: number;
  report: { steps: Array<{ name: string; status: string; durationMs: number | null }> };
}

const decode = (v: string) =>
  v
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

function outsideStopCommands(stdout: string): string {
  const start = /^::stop-commands::(\w+)$/m.exec(stdout);
  if (!start) return stdout;
  const end = stdout.indexOf(`\n::${start[1]}::\n`, start.index);
  return stdout.slice(0, start.index) + (end === -1 ? '' : stdout.slice(end + start[1]!.length + 6));
}

function annotationsOf(commands: string): Annotation[] {
  return [...commands.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)].map((m) => ({
    level: m[1]!,
    properties: Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), decode(pair.slice(pair.indexOf('=') + 1))]),
    ),
    message: decode(m[3]!),
  }));
}

interface Event {
  branch: string;
  pr: boolean;
  workflow?: string;
}

let runNumber = 0;

async function runAction(
  workspace: string,
  host: string,
  server: ActionsCacheServer,
  event: Event,
  inputs: Record<string, string>,
): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-i10-hist-run-'));
  const files = {
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    event: path.join(dir, 'event.json'),
    state: path.join(dir, 'state'),
  };
  writeFileSync(files.state, '');
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify({ repository: { default_branch: 'main' } }));
  runNumber++;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: host,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: event.pr ? 'pull_request' : 'push',
    GITHUB_WORKFLOW_REF: `bxg/app/${event.workflow ?? '.github/workflows/ci.yml'}@refs/heads/main`,
    GITHUB_RUN_ID: String(1000 + runNumber),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: randomBytes(20).toString('hex'),
    GITHUB_JOB: `build-${runNumber}`,
    RUNNER_TEMP: dir,
    GITHUB_STATE: files.state,
    ...(event.pr
      ? {
          GITHUB_HEAD_REF: event.branch,
          GITHUB_BASE_REF: 'main',
          GITHUB_REF: 'refs/pull/7/merge',
          GITHUB_REF_NAME: '7/merge',
        }
      : { GITHUB_REF: `refs/heads/${event.branch}`, GITHUB_REF_NAME: event.branch }),
    ...server.env,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const step = (bundle: string, stepEnv: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bundle], {
        cwd: workspace,
        env: stepEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
  const main = await step(BUNDLE, env);
  // The runner runs the post step at the end of the job, with the state the main step saved.
  const state: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parseFileCommands(readFileSync(files.state, 'utf8'))))
    state[`STATE_${name}`] = value;
  const post = await step(POST, { ...env, ...state, GITHUB_STATE: undefined });
  const outputs = parseFileCommands(readFileSync(files.output, 'utf8'));
  const recordText = outputs['history-record'] ? readFileSync(outputs['history-record'], 'utf8') : null;
  return {
    code: main.code,
    stdout: main.stdout,
    postStdout: post.stdout,
    outputs,
    summary: readFileSync(files.summary, 'utf8'),
    annotations: annotationsOf(outsideStopCommands(main.stdout)),
    record: recordText === null ? null : JSON.parse(recordText),
    // As stored: compact JSON.
    recordBytes: recordText === null ? 0 : JSON.stringify(JSON.parse(recordText)).length + 1,
    report: JSON.parse(readFileSync(outputs.report!, 'utf8')),
  };
}

const blameOf = (run: Run) =>
  run.annotations.filter((a) => a.level === 'notice' && a.properties.title?.startsWith('Cache miss'));

/** The summed time of the steps that ran from the given instruction on, in the build stage. */
function rerunCost(run: Run, fromStep: string, stagePrefix: string): number {
  const steps = run.report.steps.filter((s) => s.name.startsWith(stagePrefix) && s.status === 'done');
  const from = steps.findIndex((s) => s.name.includes(fromStep));
  return steps.slice(from).reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
}

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run 'npm run build' before the integration tests`);
});

describe.each(ENGINES)('build history on Docker Engine $name', ({ name, host, digests }) => {
  const docker = (...args: string[]) =>
    execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: host }, stdio: 'pipe' })
      .toString()
      .trim();
  const id = `${process.pid}-${Date.now().toString(36)}`;
  const base = `bxg-i10-hist/base:${name.replace('.', '-')}-${id}`;
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-i10-hist-ws-'));
  const ctx = path.join(workspace, 'app');
  let server: ActionsCacheServer;
  let mainBaseDigest: string | null = null;
  const write = (file: string, text: string | Buffer) => {
    mkdirSync(path.dirname(path.join(ctx, file)), { recursive: true });
    writeFileSync(path.join(ctx, file), text);
  };
  const inputs = (extra: Record<string, string> = {}) => ({
    context: 'app',
    tags: `bxg-i10-hist/app:${name.replace('.', '-')}-${id}`,
    network: 'none',
    'max-context-growth': '+10MB',
    ...extra,
  });

  beforeAll(async () => {
    server = await startActionsCacheServer();
    docker('tag', 'local/busybox:1', base);
    // A marker unique to this run: the builder's cache from earlier runs cannot be hit.
    write(
      'Dockerfile',
      `FROM ${base} AS build
WORKDIR /app
ARG FLAVOR=plain
RUN echo "${id} $FLAVOR" > /flavor && sleep 1
COPY . .
RUN cat /app/src/app.txt > /app/out.txt && sleep 1

FROM ${base}
COPY --from=build /app/out.txt /out.txt
`,
    );
    write('.dockerignore', '*.tmp\n');
    write('src/app.txt', 'version 1\n');
    write('README.md', '# app\n');
    write('scratch.tmp', 'ignored\n');
  });
  afterAll(async () => {
    await server.close();
    rmSync(workspace, { recursive: true, force: true });
    try {
      docker('rmi', '-f', base, inputs().tags);
    } catch {
      // Already gone.
    }
  });

  it('main: no record yet, the record is saved', async () => {
    // The first build has no cache to hit: a cache-ratio gate says so instead of failing it.
    const run = await runAction(
      workspace,
      host,
      server,
      { branch: 'main', pr: false },
      inputs({ 'min-cache-hit-ratio': '0.9' }),
    );
    expect(run.code).toBe(0);
    expect(run.summary).toMatch(/no cache record yet/);
    // (Markdown-escaped in the summary: `\(`.)
    expect(run.summary).toMatch(
      /✅ passed \| no cache yet: no earlier build to hit \\\(cache hit ratio \d+%, minimum 90%/,
    );
    expect(run.record).not.toBeNull();
    mainBaseDigest = run.record!.stages[0]!.baseDigest;
    // Saved by the cache worker after the step, joined by the post step.
    expect(server.entries().filter((e) => e.finalized)).toHaveLength(1);
    expect(run.postStdout).toContain(
      'buildx-gate history: the build record was saved to the GitHub Actions cache.',
    );
    expect(run.stdout).not.toMatch(/Cache saved/);
    expect(run.recordBytes).toBeLessThan(8 * 1024);
    console.log(
      `[${name}] record ${run.recordBytes} B; ${/history: .*\((\d+) ms after the build\)/.exec(run.stdout)?.[0]}`,
    );
    // The .dockerignore'd file is not in the fingerprint, as BuildKit does not send it.
    expect(JSON.stringify(run.record!.sources)).not.toContain('scratch.tmp');
  });

  it('pull request changing a source file: blame names the file and the cost', async () => {
    write('src/app.txt', 'version 2\n');
    write('scratch.tmp', 'changed but ignored\n');
    const run = await runAction(workspace, host, server, { branch: 'feature-x', pr: true }, inputs());
    expect(run.code).toBe(0);
    const blames = blameOf(run);
    expect(blames[0]).toMatchObject({
      properties: { file: 'app/Dockerfile', line: '5', title: 'Cache miss in build' },
    });
    expect(blames[0]!.message).toMatch(/^1 file it copies changed: src\/app\.txt\. Cost: /);
    const cost = rerunCost(run, 'COPY . .', '[build ');
    expect(cost).toBeGreaterThan(900);
    console.log(`[${name}] changed source: blame "${blames[0]!.message}" (steps that reran: ${cost} ms)`);
    expect(run.summary).toMatch(/Compared with the default branch/);
  });

  it('pull request changing a build-arg: blame names it', async () => {
    const run = await runAction(
      workspace,
      host,
      server,
      { branch: 'feature-x', pr: true },
      inputs({ 'build-args': 'FLAVOR=spicy' }),
    );
    expect(run.code).toBe(0);
    const blames = blameOf(run);
    expect(blames[0]).toMatchObject({ properties: { line: '4' } });
    expect(blames[0]!.message).toMatch(/^the value of build-arg FLAVOR changed\. Cost: /);
    console.log(`[${name}] changed build-arg: blame "${blames[0]!.message}"`);
  });

  it('pull request copying a large unneeded file: context growth gated, .dockerignore proposed', async () => {
    write('data/dump.sql', randomBytes(20_000_000));
    const run = await runAction(
      workspace,
      host,
      server,
      { branch: 'feature-x', pr: true },
      inputs({ 'build-args': 'FLAVOR=spicy' }),
    );
    expect(run.code).not.toBe(0);
    const gate = run.annotations.find(
      (a) => a.level === 'error' && a.properties.title === 'Gate max-context-growth failed',
    );
    expect(gate?.message).toMatch(/build context .* -> 20\.\d+ MB/);
    const blames = blameOf(run);
    expect(blames[0]!.message).toMatch(/data\/dump\.sql \(added\)/);
    expect(blames[0]!.message).toMatch(/add to \.dockerignore: data\/dump\.sql/);
    expect(run.summary).toContain('<pre>data/dump.sql</pre>');
    console.log(`[${name}] large file: gate "${gate!.message}"`);
    rmSync(path.join(ctx, 'data'), { recursive: true });
  });

  it('pull request with no record: says so, gates pass', async () => {
    write('src/app.txt', 'version 3\n');
    const run = await runAction(
      workspace,
      host,
      server,
      { branch: 'feature-y', pr: true, workflow: '.github/workflows/other.yml' },
      inputs(),
    );
    expect(run.code).toBe(0);
    expect(run.summary).toMatch(/no cache record yet/);
    expect(run.summary).toMatch(/No record of the default branch yet: the regression gates pass/);
  });

  it('matrix legs that differ only in a build-arg: each compares with its own leg, not the last saved', async () => {
    // Leg "spicy" builds main after leg "plain" did (the first test): main's newest record is spicy's.
    const spicy = await runAction(
      workspace,
      host,
      server,
      { branch: 'main', pr: false },
      inputs({ 'build-args': 'FLAVOR=spicy' }),
    );
    expect(spicy.code).toBe(0);
    expect(spicy.postStdout).toContain('the build record was saved');
    // A pull request's plain leg, with a changed source: the blame is the file, never FLAVOR.
    write('src/app.txt', 'version 4\n');
    const plain = await runAction(workspace, host, server, { branch: 'feature-m', pr: true }, inputs());
    expect(plain.code).toBe(0);
    const blames = blameOf(plain);
    expect(blames[0]!.message).toMatch(/^1 file it copies changed: src\/app\.txt\. Cost: /);
    expect(blames.some((b) => b.message.includes('FLAVOR'))).toBe(false);
    console.log(`[${name}] matrix leg: blame "${blames[0]!.message}"`);
  });

  (digests ? it : it.skip)('base image digest moved: blame names both digests', async () => {
    // BuildKit in dockerd resolves a tag from its own metadata cache for a moment after the tag
    // moves: a build in that moment can name one digest on its FROM line and run its steps on
    // the other image. Either way the build has nothing true to blame, and the record it saves
    // is the next build's baseline. So every attempt moves the tag to an image no build has run
    // on yet (a fresh commit), waits with a throwaway probe (steps of its own, never the test's)
    // until BuildKit names that move, and only then does the action build.
    let previous = mainBaseDigest;
    const probeDir = mkdtempSync(path.join(os.tmpdir(), 'bxg-i10-hist-probe-'));
    const moveBase = async (attempt: number): Promise<string> => {
      const container = docker('create', 'local/busybox-full:1', 'true');
      try {
        // A file of its own: a new layer, so no cache key of an earlier image can match (a commit
        // that only changes the config may keep the layers BuildKit's cache keys on).
        const marker = path.join(probeDir, 'attempt');
        writeFileSync(marker, `${id}-${attempt}\n`);
        docker('cp', marker, `${container}:/bxg-attempt`);
        docker('commit', '--change', `LABEL bxg.attempt=${id}-${attempt}`, container, base);
      } finally {
        docker('rm', container);
      }
      let seen: string | null = null;
      for (let probe = 1; probe <= 10; probe++) {
        writeFileSync(
          path.join(probeDir, 'Dockerfile'),
          `FROM ${base}\nRUN echo probe-${id}-${attempt}-${probe}\n`,
        );
        const probeRun = spawnSync(
          'docker',
          ['buildx', 'build', '--progress=plain', '--network=none', probeDir],
          { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' },
        );
        // The plain progress log is on stderr.
        seen = /FROM \S+@(sha256:[0-9a-f]{64})/.exec(`${probeRun.stdout}${probeRun.stderr}`)?.[1] ?? null;
        if (seen !== null && seen !== previous) return seen;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      throw new Error(`BuildKit never named the moved base image (last seen ${seen ?? 'none'})`);
    };
    let run!: Run;
    let blames: ReturnType<typeof blameOf> = [];
    try {
      for (let attempt = 1; attempt <= 4; attempt++) {
        const moved = await moveBase(attempt);
        run = await runAction(workspace, host, server, { branch: 'main', pr: false }, inputs());
        const recorded = run.record!.stages[0]!.baseDigest;
        blames = blameOf(run);
        if (recorded === moved && blames.length > 0) break;
        console.log(
          `[${name}] base moved, attempt ${attempt}: BuildKit named ${recorded ?? 'none'}, probe saw ${moved}, ${blames.length} blame(s); moving again`,
        );
        previous = recorded;
      }
    } finally {
      rmSync(probeDir, { recursive: true, force: true });
    }
    expect(run.record!.stages[0]!.baseDigest).not.toBe(mainBaseDigest);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /buildx-gate history: record of main being saved after this step \(the post step says how it went\); compared with main at /,
    );
    expect(blames[0]?.message).toMatch(
      /^the base image bxg-i10-hist\/base:\S+ moved: its digest was sha256:[0-9a-f]{12}…, now sha256:[0-9a-f]{12}…/,
    );
    const [was, now] = [...blames[0]!.message.matchAll(/sha256:([0-9a-f]{12})/g)].map((m) => m[1]);
    expect(was).not.toBe(now);
    console.log(`[${name}] base moved: blame "${blames[0]!.message}"`);
  });

  it('a failing cache service is a warning, never a failed build', async () => {
    server.failWith = 403;
    try {
      const run = await runAction(workspace, host, server, { branch: 'main', pr: false }, inputs());
      expect(run.code).toBe(0);
      // The save happens after the step, in the cache worker: the post step reports it.
      expect(run.postStdout).toMatch(
        /^::warning::buildx-gate history: could not save the build record to the GitHub Actions cache: /m,
      );
    } finally {
      server.failWith = null;
    }
  });
});

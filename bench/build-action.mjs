// npm run bench:build: what the build action costs on top of buildx.
//
// 1. Added wall time: the same fully cached build, run as a bare
//    `docker buildx build` and through the bundled action (`node dist/build/index.js`
//    with INPUT_* variables, as the runner starts it), alternating, RUNS times
//    each after a warm-up; medians compared side by side.
// 2. Start-up: the bytes of every file dist/build/index.js loads, its load time
//    and peak RSS (the action run with an invalid input, so it loads everything
//    and stops before spawning buildx), against a bundle of @actions/core,
//    @actions/exec, @actions/github and @elastic/elasticsearch (what an action
//    built on those loads) and against an empty node process.
//
// 3. History: the same cached build with `history: true` (records restored from and saved
//    to a cache service v2 on 127.0.0.1, __tests__/support/actions-cache-server.ts) against
//    `history: false`, alternating in the same run; once with real buildx (the restore and
//    the fingerprint overlap the build), around the instant stub (nothing to overlap:
//    the upper bound) and around a stub that takes 2 s (the restore hidden, as in most builds).
//    Each run is the main step and then at once the post step, which joins the cache worker
//    saving the record (the worst case: no later step of the job overlaps the save); figures
//    for the step, the post step and both. The same history-on run without GITHUB_STATE keeps
//    the cache client in the action's process, as before the worker: the comparison.
//    Also the record's size and the action's own "ms after the build".
//
// Needs Docker (DOCKER_HOST, else engine 26 of scripts/docker/start.sh) and
// `npm run build`. Prints a table and writes bench/out/build-action.json.
import { build } from 'esbuild';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'dist/build/index.js');
const POST_ENTRY = path.join(ROOT, 'dist/build/post.js');
const OUT = path.join(ROOT, 'bench/out');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const DOCKER_HOST = process.env.DOCKER_HOST ?? 'unix:///var/run/docker26.sock';
const TIME = '/usr/bin/time';

if (!existsSync(ENTRY)) {
  console.error(`${ENTRY} is missing: run 'npm run build' first`);
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs a command to completion; returns wall milliseconds and exit code. */
function timed(command, args, options) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'], ...options });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code }));
  });
}

/** Peak RSS in KiB and wall ms of a command, via GNU time. */
function measured(command, args, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(TIME, ['-f', '%M', command, ...args], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rssKiB = Number(result.stderr.trim().split('\n').pop());
  return { ms, rssKiB };
}

/** Every file an ES module loads through relative static imports, itself included. */
function loadedFiles(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const match of text.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    loadedFiles(path.resolve(path.dirname(entry), match[1]), seen);
  }
  return seen;
}

const bytesOf = (files) => [...files].reduce((sum, f) => sum + statSync(f).size, 0);

// --- 1. added wall time over bare buildx on a fully cached build -------------
const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-bench-'));
cpSync(path.join(ROOT, '__tests__/fixtures/dockerfiles/success'), path.join(workspace, 'success'), {
  recursive: true,
});
const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'bxg-bench-rt-'));
writeFileSync(path.join(runnerTemp, 'output'), '');
writeFileSync(path.join(runnerTemp, 'summary'), '');
const tag = 'bxg-bench/cached:latest';
const bareArgs = ['buildx', 'build', '--progress=plain', '--network', 'none', '--tag', tag, 'success'];
const dockerEnv = { ...process.env, DOCKER_HOST };
const actionEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DOCKER_HOST,
  GITHUB_WORKSPACE: workspace,
  GITHUB_OUTPUT: path.join(runnerTemp, 'output'),
  GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary'),
  RUNNER_TEMP: runnerTemp,
  INPUT_CONTEXT: 'success',
  INPUT_TAGS: tag,
  INPUT_NETWORK: 'none',
  INPUT_SUMMARY: 'true',
  INPUT_ANNOTATIONS: 'true',
  INPUT_LOAD: 'false',
  INPUT_PUSH: 'false',
  INPUT_PULL: 'false',
  'INPUT_NO-CACHE': 'false',
  'INPUT_FAIL-ON-WARNINGS': 'false',
};

const warm = await timed('docker', bareArgs, { cwd: workspace, env: dockerEnv });
if (warm.code !== 0) {
  console.error(`the warm-up build failed (exit ${warm.code}); is Docker running at ${DOCKER_HOST}?`);
  process.exit(1);
}
await timed(process.execPath, [ENTRY], { cwd: workspace, env: actionEnv });
const bare = [];
const action = [];
for (let i = 0; i < RUNS; i++) {
  bare.push((await timed('docker', bareArgs, { cwd: workspace, env: dockerEnv })).ms);
  const run = await timed(process.execPath, [ENTRY], { cwd: workspace, env: actionEnv });
  if (run.code !== 0) throw new Error(`the action failed on run ${i + 1}`);
  action.push(run.ms);
}
// The same, with buildx replaced by a stub that prints the cached build's log at
// once: the action's own cost without buildx's run-to-run variance.
const cachedLog = spawnSync('docker', bareArgs, { cwd: workspace, env: dockerEnv, encoding: 'utf8' }).stderr;
const stubDir = mkdtempSync(path.join(os.tmpdir(), 'bxg-bench-stub-'));
writeFileSync(path.join(stubDir, 'cached.log'), cachedLog);
writeFileSync(path.join(stubDir, 'docker'), `#!/bin/sh\ncat '${path.join(stubDir, 'cached.log')}' >&2\n`, {
  mode: 0o755,
});
const stubEnv = { ...actionEnv, PATH: `${stubDir}:${process.env.PATH}` };
const stub = [];
const stubbedAction = [];
for (let i = 0; i < RUNS; i++) {
  stub.push((await timed(path.join(stubDir, 'docker'), [], { env: stubEnv })).ms);
  stubbedAction.push((await timed(process.execPath, [ENTRY], { cwd: workspace, env: stubEnv })).ms);
}

// --- 3. history on against history off -----------------------------------------
const serverBundle = path.join(OUT, 'actions-cache-server.mjs');
await build({
  entryPoints: [path.join(ROOT, '__tests__/support/actions-cache-server.ts')],
  outfile: serverBundle,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
});
const { startActionsCacheServer } = await import(serverBundle);
const cacheServer = await startActionsCacheServer();
const historyEnv = (base, on, run) => ({
  ...base,
  INPUT_HISTORY: on ? 'true' : 'false',
  ...(on ? cacheServer.env : {}),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_WORKFLOW_REF: 'bench/app/.github/workflows/bench.yml@refs/heads/main',
  GITHUB_RUN_ID: String(run),
  GITHUB_SHA: `${run}`.padStart(40, '0'),
});
/** `name<<delimiter` / value / delimiter entries, as GITHUB_OUTPUT and GITHUB_STATE hold them. */
const fileCommands = (text) =>
  Object.fromEntries([...text.matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)].map((m) => [m[1], m[3]]));
/** Runs one step of the action; returns wall ms and its stdout. */
function timedStep(entry, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout }),
    );
  });
}
/**
 * Runs the action as the runner does, the main step then, straight after it, the post step with
 * the state the main step saved (the worst case for history: no later step of the job to overlap
 * the record's save); returns the wall ms of each and what the action said it spent after the build.
 */
async function timedAction(env, { inProcess = false } = {}) {
  const state = path.join(runnerTemp, 'state');
  writeFileSync(state, '');
  // Without GITHUB_STATE there is no post step to join a worker: the cache client runs in the
  // action's own process, as before the worker (the comparison in the same run).
  const main = await timedStep(ENTRY, inProcess ? env : { ...env, GITHUB_STATE: state });
  const stateEnv = Object.fromEntries(
    Object.entries(fileCommands(readFileSync(state, 'utf8'))).map(([k, v]) => [`STATE_${k}`, v]),
  );
  const post = await timedStep(POST_ENTRY, { ...env, ...stateEnv });
  const after = /history: .*\((\d+) ms after the build\)/.exec(main.stdout);
  const saved = /the build record was saved|record of \S+ saved;/.test(`${main.stdout}${post.stdout}`);
  return {
    ms: main.ms,
    postMs: post.ms,
    code: main.code === 0 && post.code === 0 ? 0 : (main.code ?? 1),
    afterMs: after ? Number(after[1]) : null,
    saved,
  };
}
// A stub that takes 2 s, as a short real build does: the restore and the fingerprint run while
// it does, so what history adds is its work after the build (the record, blame, the save).
const slowStubDir = mkdtempSync(path.join(os.tmpdir(), 'bxg-bench-slowstub-'));
writeFileSync(
  path.join(slowStubDir, 'docker'),
  `#!/bin/sh\nsleep 2\ncat '${path.join(stubDir, 'cached.log')}' >&2\n`,
  { mode: 0o755 },
);
const slowStubEnv = { ...actionEnv, PATH: `${slowStubDir}:${process.env.PATH}` };
const samples = () => ({
  off: [],
  on: [],
  offPost: [],
  onPost: [],
  offNoState: [],
  offNoStatePost: [],
  inProcess: [],
  inProcessPost: [],
  after: [],
  saved: 0,
});
const history = { real: samples(), stub: samples(), slow: samples() };
let runId = 1;
for (const [kind, base] of [
  ['real', actionEnv],
  ['stub', stubEnv],
  ['slow', slowStubEnv],
]) {
  await timedAction(historyEnv(base, true, runId++));
  await timedAction(historyEnv(base, false, runId++));
  for (let i = 0; i < RUNS; i++) {
    const off = await timedAction(historyEnv(base, false, runId++));
    const on = await timedAction(historyEnv(base, true, runId++));
    // Without GITHUB_STATE the action also keeps no state for the post step: its own baseline.
    const offNoState = await timedAction(historyEnv(base, false, runId++), { inProcess: true });
    const inProcess = await timedAction(historyEnv(base, true, runId++), { inProcess: true });
    if (off.code !== 0 || on.code !== 0 || offNoState.code !== 0 || inProcess.code !== 0)
      throw new Error(`the action failed (history ${kind} run ${i + 1})`);
    const h = history[kind];
    h.off.push(off.ms);
    h.on.push(on.ms);
    h.inProcess.push(inProcess.ms);
    h.offNoState.push(offNoState.ms);
    h.offNoStatePost.push(offNoState.postMs);
    h.offPost.push(off.postMs);
    h.onPost.push(on.postMs);
    h.inProcessPost.push(inProcess.postMs);
    if (on.saved && inProcess.saved) h.saved++;
    if (on.afterMs !== null) history[kind].after.push(on.afterMs);
  }
}
await cacheServer.close();
const recordPath = [
  ...readFileSync(path.join(runnerTemp, 'output'), 'utf8').matchAll(/history-record<<(\S+)\n([^\n]*)\n/g),
].pop()?.[2];
const recordBytes = recordPath
  ? JSON.stringify(JSON.parse(readFileSync(recordPath, 'utf8'))).length + 1
  : null;
const storedBytes = Math.max(0, ...cacheServer.entries().map((e) => e.size));

/** Medians of one kind of build: the step, the post step, and the job (both) with history off, on, and in-process. */
function historyFigures(h) {
  const job = (main, post) => main.map((ms, i) => ms + post[i]);
  return {
    offMs: median(h.off),
    onMs: median(h.on),
    addedMs: median(h.on) - median(h.off),
    postAddedMs: median(h.onPost) - median(h.offPost),
    jobAddedMs: median(job(h.on, h.onPost)) - median(job(h.off, h.offPost)),
    inProcessAddedMs: median(h.inProcess) - median(h.offNoState),
    inProcessJobAddedMs:
      median(job(h.inProcess, h.inProcessPost)) - median(job(h.offNoState, h.offNoStatePost)),
    afterBuildMs: h.after.length ? median(h.after) : null,
    runsSaved: `${h.saved}/${h.off.length}`,
  };
}

const cachedRatio = /cache-hit-ratio<<(\S+)\n([^\n]*)\n/.exec(
  readFileSync(path.join(runnerTemp, 'output'), 'utf8'),
)?.[2];

// --- 2. bundle size, load time and RSS ----------------------------------------
const actionFiles = loadedFiles(ENTRY);
const baselineEntry = path.join(OUT, 'baseline-entry.mjs');
writeFileSync(
  baselineEntry,
  [
    "import * as core from '@actions/core';",
    "import * as exec from '@actions/exec';",
    "import * as github from '@actions/github';",
    "import { Client } from '@elastic/elasticsearch';",
    'globalThis.keep = [core, exec, github, Client];',
  ].join('\n'),
);
await build({
  entryPoints: [baselineEntry],
  outfile: path.join(OUT, 'baseline.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'error',
  absWorkingDir: ROOT,
  banner: { js: "import { createRequire as __r } from 'node:module';const require = __r(import.meta.url);" },
});
const baselineFile = path.join(OUT, 'baseline.mjs');

// The action with an invalid input: it loads every module, reads the inputs and stops.
const startEnv = { ...actionEnv, INPUT_PUSH: 'not-a-boolean' };
const loads = { action: [], baseline: [], empty: [] };
for (let i = 0; i < RUNS; i++) {
  loads.action.push(measured(process.execPath, [ENTRY], startEnv));
  loads.baseline.push(measured(process.execPath, [baselineFile], process.env));
  loads.empty.push(measured(process.execPath, ['-e', '0'], process.env));
}
const summarize = (samples) => ({
  ms: median(samples.map((s) => s.ms)),
  rssMiB: median(samples.map((s) => s.rssKiB)) / 1024,
});

const results = {
  date: new Date().toISOString(),
  node: process.version,
  docker: execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    env: dockerEnv,
    encoding: 'utf8',
  }).trim(),
  runs: RUNS,
  cachedBuild: {
    bareBuildxMs: median(bare),
    actionMs: median(action),
    addedMs: median(action) - median(bare),
    cacheHitRatioSeen: cachedRatio ?? null,
    stubBuildxMs: median(stub),
    actionAroundStubMs: median(stubbedAction),
    bareSamples: bare.map(Math.round),
    actionSamples: action.map(Math.round),
  },
  history: {
    recordBytes,
    storedArchiveBytes: storedBytes,
    realBuild: historyFigures(history.real),
    instantStub: historyFigures(history.stub),
    twoSecondStub: historyFigures(history.slow),
  },
  startup: {
    action: { files: actionFiles.size, bytes: bytesOf(actionFiles), ...summarize(loads.action) },
    baselineCoreExecGithubEs: { files: 1, bytes: statSync(baselineFile).size, ...summarize(loads.baseline) },
    emptyNode: summarize(loads.empty),
  },
};
writeFileSync(path.join(OUT, 'build-action.json'), `${JSON.stringify(results, null, 2)}\n`);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const s = results.startup;
console.log(
  `build action bench (${RUNS} runs each, medians; Docker ${results.docker}, node ${results.node})\n`,
);
console.log('fully cached build                wall time');
console.log(`  bare docker buildx build        ${results.cachedBuild.bareBuildxMs.toFixed(0)} ms`);
console.log(`  through the action              ${results.cachedBuild.actionMs.toFixed(0)} ms`);
console.log(
  `  added by the action             ${results.cachedBuild.addedMs.toFixed(0)} ms   (goal < 150 ms; cache-hit-ratio output ${cachedRatio})`,
);
console.log(
  `  action around an instant stub    ${(median(stubbedAction) - median(stub)).toFixed(0)} ms   (the action's own cost, buildx variance removed)`,
);
const h = results.history;
console.log(
  '\nhistory on, added to history off (cache service v2 on 127.0.0.1; goal < 100 ms)\n' +
    '                                  the step   post step   job (step + post)   before: client in-process, step / job',
);
for (const [label, r] of [
  ['  fully cached build             ', h.realBuild],
  ['  around the instant stub        ', h.instantStub],
  ['  around a 2 s stub              ', h.twoSecondStub],
]) {
  const ms = (v) => `${v.toFixed(0).padStart(5)} ms`;
  console.log(
    `${label}${ms(r.addedMs)}   ${ms(r.postAddedMs)}   ${ms(r.jobAddedMs)}            ${ms(r.inProcessAddedMs)} / ${ms(r.inProcessJobAddedMs).trim()}   (off ${r.offMs.toFixed(0)} ms; saved ${r.runsSaved}; ${r.afterBuildMs ?? 'n/a'} ms after the build)`,
  );
}
console.log(`  record ${h.recordBytes} B as JSON, ${h.storedArchiveBytes} B stored (tar + zstd)`);
console.log('\nstart-up                                    loaded      start+exit   peak RSS');
console.log(
  `  build action (${s.action.files} files)                  ${kb(s.action.bytes).padStart(10)}   ${s.action.ms.toFixed(0).padStart(6)} ms   ${s.action.rssMiB.toFixed(1)} MiB`,
);
console.log(
  `  @actions/core+exec+github+elasticsearch  ${kb(s.baselineCoreExecGithubEs.bytes).padStart(10)}   ${s.baselineCoreExecGithubEs.ms.toFixed(0).padStart(6)} ms   ${s.baselineCoreExecGithubEs.rssMiB.toFixed(1)} MiB`,
);
console.log(
  `  empty node process                                  ${s.emptyNode.ms.toFixed(0).padStart(6)} ms   ${s.emptyNode.rssMiB.toFixed(1)} MiB`,
);
console.log(`\nwritten to ${path.relative(ROOT, path.join(OUT, 'build-action.json'))}`);

// The post step with fakes for the process table and the runner's files; the real processes and
// engines are in cancel.itest.ts.
// covers: src/build-action/post/post.ts, src/build-action/post/post-state.ts
import { describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { actionsRunner } from '../../../src/github/actions-runner.js';
import os from 'node:os';
import path from 'node:path';
import { CANCELLED_NOTE, runPost, type PostDeps } from '../../../src/build-action/post/post.js';
import { postRecorder, readPostState, STATE } from '../../../src/build-action/post/post-state.js';
import { stopProcessGroup, type ProcessTable } from '../../../src/shared/process-group.js';
import { spawnBuildx } from '../../../src/build-action/buildx/buildx-process.js';
import { FakeRunner } from '../../support/fake-runner.js';
import { parseFileCommands } from '../../support/github-output.js';
import { MemoryFS } from '../../support/memory-fs.js';

const SECRET = 's3cr3t-npm-token-value';
const LOG = [
  '#1 [internal] load build definition from Dockerfile',
  '#1 DONE 0.0s',
  '#2 [1/2] FROM docker.io/local/busybox-full:1',
  '#2 DONE 0.0s',
  '#3 [2/2] RUN echo "sleeping now" && sleep 60',
  `#3 0.101 sleeping now, token ${SECRET}`,
  '',
].join('\n');

/** A group that stops after `stopsAfter` signals (Infinity: never). */
function fakeGroup(stopsAfter: number, startTime = '100') {
  const signals: NodeJS.Signals[] = [];
  const table: ProcessTable = {
    groupAlive: () => signals.length < stopsAfter,
    signalGroup: (_pgid, signal) => void signals.push(signal),
    startTime: () => startTime,
  };
  return { table, signals };
}

function deps(overrides: Partial<PostDeps> = {}, inputs: Record<string, string> = {}) {
  const all: Record<string, string> = { summary: 'true', secrets: `NPM_TOKEN=${SECRET}`, ...inputs };
  const io = new FakeRunner(all);
  // Removal only recorded, as this file's own fake had it.
  const fs = new MemoryFS({}, { tempDir: '/runner/temp/post', keepRemoved: true });
  const calls = {
    outputs: io.outputs,
    get summary() {
      return io.summary;
    },
    annotations: io.annotations,
    info: io.infos,
    warnings: io.warnings,
    files: fs.record(),
    removed: fs.removed,
    get raw() {
      return io.raw;
    },
  };
  const d: PostDeps = {
    io,
    fs,
    state: {
      pid: 4242,
      startTime: '100',
      logFile: '/runner/temp/log/build.log',
      startedAt: 1_000,
      finished: false,
      cacheWorker: null,
    },
    env: {},
    cwd: '/work',
    now: () => 31_000,
    sleep: async () => {},
    processes: fakeGroup(1).table,
    readLog: async function* () {
      yield Buffer.from(LOG);
    },
    ...overrides,
  };
  return { d, calls };
}

describe('the post step', () => {
  it('main step killed while buildx ran: stops buildx, writes the cancelled report, outputs and summary', async () => {
    const group = fakeGroup(1);
    const { d, calls } = deps({ processes: group.table });
    const outcome = await runPost(d);
    expect(outcome).toEqual({ stop: 'stopped', wroteSummary: true, history: null });
    expect(group.signals).toEqual(['SIGINT']);
    expect(calls.outputs).toEqual({
      report: '/runner/temp/post/report.json',
      'cache-hit-ratio': '0',
      duration: '30000',
      'failed-step': '[2/2] RUN echo "sleeping now" && sleep 60',
      'error-category': 'cancelled',
    });
    const report = JSON.parse(calls.files['/runner/temp/post/report.json']!);
    expect(report.outcome).toBe('cancelled');
    expect(calls.summary).toMatch(/^## ⏹️ Docker build cancelled/);
    expect(calls.summary).toContain(CANCELLED_NOTE);
    expect(calls.annotations).toEqual([
      expect.objectContaining({ level: 'error', title: 'Docker build cancelled' }),
    ]);
    expect(calls.removed).toEqual(['/runner/temp/log/build.log']);
    // What a step printed is scrubbed of the secrets the inputs gave.
    expect(JSON.stringify(calls)).not.toContain(SECRET);
  });

  it('buildx ignores SIGINT: killed after the grace period', async () => {
    const group = fakeGroup(2);
    const { d } = deps({ processes: group.table });
    expect((await runPost(d)).stop).toBe('killed');
    expect(group.signals).toEqual(['SIGINT', 'SIGKILL']);
  });

  it('the main step finished: no outputs, no summary, nothing signalled when nothing runs', async () => {
    const group = fakeGroup(0);
    const { d, calls } = deps({
      processes: group.table,
      state: { pid: 4242, startTime: '100', logFile: null, startedAt: 1, finished: true, cacheWorker: null },
    });
    expect(await runPost(d)).toEqual({ stop: 'not-running', wroteSummary: false, history: null });
    expect(group.signals).toEqual([]);
    expect(calls.outputs).toEqual({});
    expect(calls.summary).toBe('');
  });

  it('joins the cache worker the main step handed the build record to', async () => {
    const cacheWorker = { pid: 4343, startTime: '100', dir: '/runner/temp/cache' };
    const { d, calls } = deps({
      processes: fakeGroup(0).table,
      state: { pid: 4242, startTime: '100', logFile: null, startedAt: 1, finished: true, cacheWorker },
    });
    calls.files['/runner/temp/cache/status.json'] = JSON.stringify({
      outcome: 'saved',
      detail: null,
      log: 'Cache saved with key: buildx-gate-history-v1:ci.yml:app-0000:main:1-1-build\n',
    });
    expect(await runPost(d)).toEqual({ stop: 'not-running', wroteSummary: false, history: 'saved' });
    expect(calls.raw).toMatch(/^Cache saved with key: /);
    expect(calls.info).toContain(
      'buildx-gate history: the build record was saved to the GitHub Actions cache.',
    );
    expect(calls.removed).toContain('/runner/temp/cache');
  });

  it.each([
    ['', null],
    ['{"pid":1,"dir":"/t"}', null],
    ['{"pid":77,"dir":""}', null],
    ['not json', null],
    ['{"pid":77,"dir":"/t","startTime":"5"}', { pid: 77, dir: '/t', startTime: '5' }],
    ['{"pid":77,"dir":"/t"}', { pid: 77, dir: '/t', startTime: null }],
  ])('cache worker state %j reads as %j', (text, handle) => {
    expect(readPostState((name) => (name === STATE.cacheWorker ? text : '')).cacheWorker).toEqual(handle);
  });

  it('nothing recorded (the build never started): nothing to do', async () => {
    const { d, calls } = deps({ state: readPostState(() => '') });
    expect((await runPost(d)).stop).toBe('nothing-recorded');
    expect(calls.outputs).toEqual({});
  });

  it('a pid that now belongs to another process is left alone', async () => {
    const group = fakeGroup(Infinity, '999');
    expect(
      await stopProcessGroup(4242, '100', { graceMs: 500, sleep: async () => {}, processes: group.table }),
    ).toBe('not-ours');
    expect(group.signals).toEqual([]);
  });

  it('summary: false writes no summary but still the outputs', async () => {
    const { d, calls } = deps({}, { summary: 'false' });
    expect((await runPost(d)).wroteSummary).toBe(false);
    expect(calls.summary).toBe('');
    expect(calls.outputs['error-category']).toBe('cancelled');
  });

  it.each([
    [{}, null],
    [{ STATE_buildx_pid: '1' }, null],
    [{ STATE_buildx_pid: '-5' }, null],
    [{ STATE_buildx_pid: '12abc' }, null],
    [{ STATE_buildx_pid: '1e3' }, null],
    [{ STATE_buildx_pid: '4242' }, 4242],
  ])('state %j gives pid %s', (env, pid) => {
    const state: Record<string, string> = env;
    expect(readPostState((name) => state[`STATE_${name}`] ?? '').pid).toBe(pid);
  });
});

describe('postRecorder', () => {
  it('records the process group, copies the log, and on finish removes the copy and says finished', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-post-'));
    const stateFile = path.join(dir, 'state');
    writeFileSync(stateFile, '');
    const env = { GITHUB_STATE: stateFile, RUNNER_TEMP: dir };
    const recorder = postRecorder(
      actionsRunner({ env, write: () => {}, appendFile: appendFileSync, setExitCode: () => {} }),
      env,
    );
    const cancel = { subscribe: () => () => {} };
    const runner = recorder.wrap(spawnBuildx({ cancel, spawn: recorder.spawn }));
    const lines: string[] = [];
    await runner.run(
      {
        command: process.execPath,
        args: ['-e', "console.log('#1 one'); console.error('#1 two')"],
        context: '.',
      },
      process.env,
      (line) => void lines.push(line.toString()),
    );
    const state = parseFileCommands(readFileSync(stateFile, 'utf8'));
    expect(state[STATE.pid]).toMatch(/^\d+$/);
    const copy = readFileSync(state[STATE.log]!, 'utf8');
    // stderr is buildx's log; stdout (here '#1 one') is the build's result, never copied.
    expect(copy).toBe('#1 two\n');
    expect(lines).toHaveLength(2);
    recorder.finish();
    expect(existsSync(state[STATE.log]!)).toBe(false);
    expect(readFileSync(stateFile, 'utf8')).toMatch(/^finished<<(\S+)\ntrue\n\1$/m);
  });

  it('without GITHUB_STATE records nothing and passes the runner through', () => {
    const recorder = postRecorder({ saveState: () => {} }, {});
    const runner = {
      run: async () => ({ exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null }),
    };
    expect(recorder.wrap(runner)).toBe(runner);
    expect(() => recorder.finish()).not.toThrow();
  });
});

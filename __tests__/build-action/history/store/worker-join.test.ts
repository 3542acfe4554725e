// The post step joining the cache worker: its status file in a real directory, the process table
// faked (the real detached worker is in history.itest.ts).
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProcessTable } from '../../../../src/shared/process-group.js';
import { workerFiles } from '../../../../src/build-action/history/store/cache-worker-process.js';
import { joinCacheWorker, type JoinDeps } from '../../../../src/build-action/history/store/worker-join.js';
import { FakeRunner } from '../../../support/fake-runner.js';

function setup(options: { aliveForPolls?: number; startTime?: string; onPoll?: (poll: number) => void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-join-'));
  const io = new FakeRunner();
  const said = {
    info: io.infos,
    warnings: io.warnings,
    get raw() {
      return io.raw;
    },
    signals: [] as string[],
  };
  let polls = 0;
  const processes: ProcessTable = {
    groupAlive: () => polls < (options.aliveForPolls ?? Infinity),
    signalGroup: (pgid, signal) => void said.signals.push(`${pgid} ${signal}`),
    startTime: () => options.startTime ?? '42',
  };
  const deps: JoinDeps = {
    io,
    sleep: async () => {
      polls++;
      options.onPoll?.(polls);
    },
    readText: (file) => readFile(file, 'utf8').catch(() => null),
    remove: (p) => rm(p, { recursive: true, force: true }),
    processes,
    timeoutMs: 1000,
  };
  const files = workerFiles(dir);
  return { handle: { pid: 777, startTime: '42', dir }, deps, said, files, polls: () => polls };
}

describe('joining the cache worker in the post step', () => {
  it('waits for the save, writes what the cache client printed, says it was saved, cleans up', async () => {
    const t = setup({
      onPoll: (poll) => {
        if (poll === 3)
          writeFileSync(
            t.files.status,
            JSON.stringify({ outcome: 'saved', detail: null, log: 'Cache saved with key: k' }),
          );
      },
    });
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('saved');
    expect(t.polls()).toBe(3);
    expect(t.said.raw).toBe('Cache saved with key: k\n');
    expect(t.said.info).toEqual([
      'buildx-gate history: the build record was saved to the GitHub Actions cache.',
    ]);
    expect(t.said.warnings).toEqual([]);
    expect(existsSync(t.handle.dir)).toBe(false);
  });

  it('a failed save is a warning naming why; the build is unaffected', async () => {
    const t = setup({});
    writeFileSync(
      t.files.status,
      JSON.stringify({ outcome: 'failed', detail: 'the cache service did not store the record', log: '' }),
    );
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('failed');
    expect(t.said.warnings).toEqual([
      'buildx-gate history: could not save the build record to the GitHub Actions cache: the cache service did not store the record (the build is unaffected).',
    ]);
  });

  it('nothing to save (a failed build): says so, no warning', async () => {
    const t = setup({});
    writeFileSync(t.files.status, JSON.stringify({ outcome: 'not-asked', detail: null, log: '' }));
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('not-asked');
    expect(t.said.info).toEqual([
      'buildx-gate history: no build record to save (a failed or cancelled build is no baseline).',
    ]);
    expect(t.said.warnings).toEqual([]);
  });

  it('a worker that died without a status: a warning with the end of what it printed', async () => {
    const t = setup({ aliveForPolls: 2 });
    writeFileSync(t.files.log, `${'x'.repeat(5000)}\nTypeError: boom\n`);
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('vanished');
    expect(t.said.warnings[0]).toMatch(
      /^buildx-gate history: the cache worker ended without saying .*; it printed: x+\nTypeError: boom$/s,
    );
    expect(t.said.warnings[0]!.length).toBeLessThan(2200);
  });

  it('a recycled pid is not the worker: not waited for', async () => {
    const t = setup({ startTime: '99' });
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('vanished');
    expect(t.polls()).toBe(0);
  });

  it('a save still running after the wait is stopped with a warning', async () => {
    const t = setup({});
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('timed-out');
    expect(t.said.signals).toEqual(['777 SIGTERM']);
    expect(t.said.warnings[0]).toMatch(/took over 1 s after the build; stopped it/);
    expect(existsSync(t.handle.dir)).toBe(false);
  });

  it('an unreadable status is a failed save, not a crash', async () => {
    const t = setup({});
    writeFileSync(t.files.status, '{"outcome":');
    expect(await joinCacheWorker(t.handle, t.deps)).toBe('failed');
    expect(t.said.warnings[0]).toMatch(/unreadable status/);
  });
});

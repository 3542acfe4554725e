// The cache worker's protocol, both ends (cacheWorkerStore in the action, serveCacheWorker in the
// worker) joined by an in-memory channel, over a directory store. The real process, its IPC
// channel and the real Actions cache client are in history.itest.ts.
// covers: src/build-action/history/store/cache-worker.ts
// covers: src/build-action/history/store/cache-worker-process.ts
// covers: src/build-action/history/store/cache-worker-store.ts
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serveCacheWorker,
  type FromWorker,
  type ToWorker,
  type WorkerConnection,
  type WorkerStatus,
} from '../../../../src/build-action/history/store/cache-worker.js';
import { cacheWorkerStore } from '../../../../src/build-action/history/store/cache-worker-store.js';
import {
  readWorkerConfig,
  workerEnvironment,
} from '../../../../src/build-action/history/store/cache-worker-process.js';
import { directoryStore } from '../../../../src/build-action/history/store/directory-store.js';
import type { HistoryStore } from '../../../../src/build-action/history/store/store.js';

/** Both ends, as the IPC channel joins them: messages are delivered on a later tick. */
function pair(workerStore: HistoryStore) {
  const toWorker: Array<(m: ToWorker) => void> = [];
  const toAction: Array<(m: FromWorker) => void> = [];
  const disconnects: Array<() => void> = [];
  const exits: Array<(detail: string) => void> = [];
  const holds: boolean[] = [];
  let connected = true;
  const connection: WorkerConnection = {
    send: async (message) => {
      if (!connected) throw new Error('the cache worker is not connected');
      setImmediate(() => toWorker.forEach((h) => h(structuredClone(message))));
    },
    onMessage: (handler) => void toAction.push(handler),
    onExit: (handler) => void exits.push(handler),
    hold: (waiting) => void holds.push(waiting),
    release: () => {
      connected = false;
      setImmediate(() => disconnects.forEach((h) => h()));
    },
  };
  const worker: Promise<WorkerStatus> = serveCacheWorker(
    {
      onMessage: (handler) => void toWorker.push(handler),
      onDisconnect: (handler) => void disconnects.push(handler),
      send: (message) => {
        if (connected) setImmediate(() => toAction.forEach((h) => h(structuredClone(message))));
      },
    },
    workerStore,
  );
  return {
    store: cacheWorkerStore(connection, 'the GitHub Actions cache'),
    worker,
    holds,
    exit: (detail: string) => exits.forEach((h) => h(detail)),
  };
}

const records = () =>
  directoryStore(mkdtempSync(path.join(os.tmpdir(), 'bxg-worker-')), {
    prefix: 'prefix',
    variant: 'no-args',
  });

/** A directory store whose client "prints", as @actions/cache does through @actions/core. */
function chatty(inner: HistoryStore): HistoryStore {
  const log: string[] = [];
  return {
    description: inner.description,
    restore: async (scopes) => {
      log.push(`restoring ${scopes.join(',')}\n`);
      return inner.restore(scopes);
    },
    save: async (scope, text) => {
      log.push(`saving ${scope}\n`);
      return inner.save(scope, text);
    },
    drainLog: () => log.splice(0).join(''),
  };
}

describe('the cache worker', () => {
  it('answers restores in order, and saves the record after the action has let go', async () => {
    const dir = records();
    await dir.save('main', '{"n":1}');
    const { store, worker, holds } = pair(chatty(dir));
    const [first, second] = await Promise.all([
      store.restore(['feature', 'main']),
      store.restore(['feature']),
    ]);
    expect(first).toEqual({ text: '{"n":1}', scope: 'main' });
    expect(second).toBeNull();
    // What the client printed comes back with the answers, for the action to write out.
    expect(store.drainLog!()).toBe('restoring feature,main\nrestoring feature\n');
    // Held alive while an answer was awaited, let go once none was.
    expect(holds.at(-1)).toBe(false);
    expect(holds).toContain(true);

    holds.length = 0;
    expect(await store.save('feature', '{"n":2}')).toBe('deferred');
    // Held alive until the record was on the channel, then let go.
    expect(holds).toEqual([true, false]);
    expect(await worker).toEqual({ outcome: 'saved', detail: null, log: 'saving feature\n' });
    expect(await dir.restore(['feature'])).toEqual({ text: '{"n":2}', scope: 'feature' });
  });

  it('an action that ends without a record to save lets the worker end: not asked', async () => {
    const { store, worker } = pair(records());
    expect(await store.restore(['main'])).toBeNull();
    store.close!();
    expect((await worker).outcome).toBe('not-asked');
  });

  it('a failing restore rejects in the action; a failing save is the status the post step reads', async () => {
    const broken: HistoryStore = {
      description: 'broken',
      restore: () => Promise.reject(new Error('503 Service Unavailable')),
      save: () => Promise.reject(new Error('the cache service did not store the record')),
    };
    const { store, worker } = pair(broken);
    await expect(store.restore(['main'])).rejects.toThrow('503 Service Unavailable');
    expect(await store.save('main', '{}')).toBe('deferred');
    expect(await worker).toEqual({
      outcome: 'failed',
      detail: 'the cache service did not store the record',
      log: '',
    });
  });

  it('a worker that dies fails the waiting restore and every later call, never hangs the action', async () => {
    const never: HistoryStore = {
      description: 'never answers',
      restore: () => new Promise(() => undefined),
      save: async () => 'saved',
    };
    const { store, holds, exit } = pair(never);
    const waiting = store.restore(['main']);
    await new Promise((resolve) => setImmediate(resolve));
    exit('exit code 1');
    await expect(waiting).rejects.toThrow('the cache worker ended: exit code 1');
    expect(holds.at(-1)).toBe(false);
    await expect(store.restore(['main'])).rejects.toThrow('the cache worker ended: exit code 1');
    await expect(store.save('main', '{}')).rejects.toThrow('the cache worker ended: exit code 1');
  });
});

describe('the cache worker process', () => {
  it('gets the step environment without its inputs (secrets) or the step files it must not write', () => {
    const env = workerEnvironment(
      {
        PATH: '/usr/bin',
        ACTIONS_RESULTS_URL: 'http://cache/',
        ACTIONS_RUNTIME_TOKEN: 't',
        RUNNER_TRACKING_ID: 'github_1',
        INPUT_SECRETS: 'NPM_TOKEN=s3cr3t',
        'INPUT_BUILD-ARGS': 'A=1',
        GITHUB_OUTPUT: '/o',
        GITHUB_ENV: '/e',
        GITHUB_PATH: '/p',
        GITHUB_STATE: '/s',
        GITHUB_STEP_SUMMARY: '/m',
        GITHUB_SHA: 'abc',
      },
      { keys: { prefix: 'p', variant: 'no-args', uniqueSuffix: 'u' }, statusFile: '/tmp/x/status.json' },
    );
    expect(Object.keys(env).sort()).toEqual([
      'ACTIONS_RESULTS_URL',
      'ACTIONS_RUNTIME_TOKEN',
      'BUILDX_GATE_CACHE_WORKER',
      'GITHUB_SHA',
      'PATH',
      'RUNNER_TRACKING_ID',
    ]);
    expect(readWorkerConfig(env.BUILDX_GATE_CACHE_WORKER)).toEqual({
      keys: { prefix: 'p', variant: 'no-args', uniqueSuffix: 'u' },
      statusFile: '/tmp/x/status.json',
    });
  });

  it.each([
    '',
    '{}',
    '{"keys":{"prefix":"p","variant":"v","uniqueSuffix":1},"statusFile":"s"}',
    '{"keys":{"prefix":"p","uniqueSuffix":"u"},"statusFile":"s"}',
  ])('refuses a configuration it was not given: %j', (text) => {
    expect(() => readWorkerConfig(text)).toThrow();
  });
});

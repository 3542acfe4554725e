// The Actions cache store through the real @actions/cache client, against a cache service v2
// (twirp + blob) served on 127.0.0.1 by __tests__/support/actions-cache-server.ts.
// covers: src/build-action/history/store/actions-cache-store.ts
// covers: src/build-action/history/store/record-keys.ts
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  actionsCacheStore,
  isActionsCacheAvailable,
} from '../../../../src/build-action/history/store/actions-cache-store.js';
import { startActionsCacheServer, type ActionsCacheServer } from '../../../support/actions-cache-server.js';
import { directoryStore } from '../../../../src/build-action/history/store/directory-store.js';
import { recordVariant } from '../../../../src/build-action/history/store/record-keys.js';
import type { HistoryStore } from '../../../../src/build-action/history/store/store.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let server: ActionsCacheServer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await startActionsCacheServer();
  for (const [name, value] of Object.entries(server.env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
});
afterEach(() => {
  server.failWith = null;
});

const store = (suffix: string) =>
  actionsCacheStore({
    prefix: `buildx-gate-history-v1:test-${process.pid}:app-0000`,
    variant: 'no-args',
    uniqueSuffix: suffix,
  });

let stores = 0;
/** Both stores, each over a fresh place: the same lookup order. */
const STORES: Array<[string, () => (variant: string) => HistoryStore]> = [
  [
    'the Actions cache',
    () => {
      const prefix = `buildx-gate-history-v1:matrix-${process.pid}-${++stores}:app-0000`;
      let run = 0;
      return (variant) => actionsCacheStore({ prefix, variant, uniqueSuffix: `run-${++run}` });
    },
  ],
  [
    'a directory',
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-variant-'));
      return (variant) => directoryStore(dir, { prefix: 'p', variant });
    },
  ],
];

describe.each(STORES)('matrix legs that differ only in build-args, in %s', (_name, fresh) => {
  it('each leg finds its own record first; a changed build-arg falls back to the latest', async () => {
    const as = fresh();
    const [nodeA, nodeB] = [recordVariant(['NODE=20']), recordVariant(['NODE=22'])];
    expect(nodeA).toMatch(/^args-[0-9a-f]{8}$/);
    expect(nodeA).not.toBe(nodeB);
    expect(recordVariant([])).toBe('no-args');
    // Both legs build main, leg B last.
    await as(nodeA).save('main', 'A on main');
    await as(nodeB).save('main', 'B on main');
    // A pull request's first run: each leg compares with its own leg on main.
    expect(await as(nodeA).restore(['feature', 'main'])).toEqual({ text: 'A on main', scope: 'main' });
    expect(await as(nodeB).restore(['feature', 'main'])).toEqual({ text: 'B on main', scope: 'main' });
    // Leg B of the pull request saved first: leg A still finds its own leg on main...
    await as(nodeB).save('feature', 'B on feature');
    expect(await as(nodeA).restore(['feature', 'main'])).toEqual({ text: 'A on main', scope: 'main' });
    // ...and once it saved, its own record on the branch.
    await as(nodeA).save('feature', 'A on feature');
    expect(await as(nodeA).restore(['feature', 'main'])).toEqual({ text: 'A on feature', scope: 'feature' });
    // A build-arg changed (no record of its variant anywhere): the latest of the branch, whose blame
    // then names the build-arg.
    expect(await as(recordVariant(['NODE=24'])).restore(['feature', 'main'])).toEqual({
      text: 'A on feature',
      scope: 'feature',
    });
    expect(await as(recordVariant(['NODE=24'])).restore(['main'])).toEqual({
      text: 'B on main',
      scope: 'main',
    });
  });
});

describe('actionsCacheStore (cache service v2)', () => {
  it('needs the v2 service URL when the runner asks for v2', () => {
    expect(isActionsCacheAvailable(server.env)).toBe(true);
    expect(isActionsCacheAvailable({ ACTIONS_CACHE_SERVICE_V2: 'true' })).toBe(false);
    expect(isActionsCacheAvailable({ ACTIONS_CACHE_URL: 'http://127.0.0.1:1/' })).toBe(true);
  });

  it('saves under branch keys and restores the newest, falling back to the default branch', async () => {
    const s = store('run-1');
    expect(await s.restore(['feature', 'main'])).toBeNull();
    await s.save('main', '{"n":1}\n');
    await store('run-2').save('main', '{"n":2}\n');
    expect(await s.restore(['feature', 'main'])).toEqual({ text: '{"n":2}\n', scope: 'main' });
    await store('run-3').save('feature', '{"n":3}\n');
    expect(await s.restore(['feature', 'main'])).toEqual({ text: '{"n":3}\n', scope: 'feature' });
    // A branch whose name starts like another's is not mistaken for it.
    expect(await s.restore(['feat', 'nope'])).toBeNull();
    const rpcs = new Set(server.calls.map((c) => c.rpc));
    expect(rpcs).toEqual(
      new Set([
        'GetCacheEntryDownloadURL',
        'CreateCacheEntry',
        'FinalizeCacheEntryUpload',
        'blob PUT',
        'blob GET',
      ]),
    );
    expect(server.entries().every((e) => e.finalized)).toBe(true);
    // The client's own messages were held back, never written while a build might be printing.
    expect(s.drainLog!()).toMatch(/Cache restored successfully|Cache hit/);
  });

  it('a failing service: restore finds nothing, save throws; both leave a warning in the held log', async () => {
    server.failWith = 403;
    const s = store('run-4');
    expect(await s.restore(['main'])).toBeNull();
    await expect(s.save('main', '{}')).rejects.toThrow(/did not store the record/);
    expect(s.drainLog!()).toMatch(/::warning::Failed to restore/);
  });
});

// The Actions cache store through the real @actions/cache client, against a cache service v2
// (twirp + blob) served on 127.0.0.1 by __tests__/support/actions-cache-server.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  actionsCacheStore,
  isActionsCacheAvailable,
} from '../../../src/build-action/history/actions-cache-store.js';
import { startActionsCacheServer, type ActionsCacheServer } from '../../support/actions-cache-server.js';

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
  actionsCacheStore({ prefix: `buildx-gate-history-v1:test-${process.pid}:app-0000`, uniqueSuffix: suffix });

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

// A build's history end to end without Docker: the directory store, a real context on disk with
// a .dockerignore, and engine reports of the builds. The Docker e2e is history.itest.ts.
// covers: src/build-action/history/session.ts, src/build-action/history/record/context-files.ts
// covers: src/build-action/history/record/source-fingerprints.ts
// covers: src/build-action/history/store/directory-store.ts
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDockerfile } from '../../../src/engine/index.js';
import { startHistory, type HistoryPlan } from '../../../src/build-action/history/session.js';
import { directoryStore } from '../../../src/build-action/history/store/directory-store.js';
import { renderHistorySection } from '../../../src/build-action/history/render.js';
import { reportOf } from './helpers.js';

const DOCKERFILE = `FROM local/busybox:1
WORKDIR /app
COPY . .
RUN ./build.sh
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bxg-i10-session-'));
  await mkdir(path.join(dir, 'ctx', 'src'), { recursive: true });
  await mkdir(path.join(dir, 'ctx', 'node_modules', 'x'), { recursive: true });
  await writeFile(path.join(dir, 'ctx', 'Dockerfile'), DOCKERFILE);
  await writeFile(path.join(dir, 'ctx', '.dockerignore'), 'node_modules\n');
  await writeFile(path.join(dir, 'ctx', 'build.sh'), 'echo build\n');
  await writeFile(path.join(dir, 'ctx', 'src', 'app.js'), 'v1\n');
  await writeFile(path.join(dir, 'ctx', 'node_modules', 'x', 'i.js'), 'dep\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function plan(branch: string, over: Partial<HistoryPlan> = {}): HistoryPlan {
  return {
    store: directoryStore(path.join(dir, 'records'), { prefix: 'prefix', variant: 'no-args' }),
    branch,
    defaultBranch: 'main',
    contextDir: path.join(dir, 'ctx'),
    dockerfilePath: path.join(dir, 'ctx', 'Dockerfile'),
    dockerfile: parseDockerfile(DOCKERFILE),
    dockerfileRepoPath: 'Dockerfile',
    commit: `${branch}-sha`,
    target: '',
    platforms: [],
    buildArgs: [],
    noCache: false,
    noCacheFilters: [],
    settings: {
      maxDurationIncrease: { kind: 'percent', value: 20 },
      maxCacheRatioDrop: null,
      maxContextGrowth: null,
      maxCacheExport: null,
    },
    ...over,
  };
}

const cold = () =>
  reportOf([
    { name: '[1/4] FROM docker.io/local/busybox:1', status: 'done', seconds: 0.2 },
    { name: '[2/4] WORKDIR /app', status: 'done', seconds: 0.1 },
    { name: '[3/4] COPY . .', status: 'done', seconds: 0.3 },
    { name: '[4/4] RUN ./build.sh', status: 'done', seconds: 5 },
  ]);
const warm = () =>
  reportOf([
    { name: '[1/4] FROM docker.io/local/busybox:1', status: 'cached' },
    { name: '[2/4] WORKDIR /app', status: 'cached' },
    { name: '[3/4] COPY . .', status: 'done', seconds: 0.3 },
    { name: '[4/4] RUN ./build.sh', status: 'done', seconds: 5 },
  ]);

describe('history session', () => {
  it('main, then a pull request that changed a source file', async () => {
    const first = await startHistory(plan('main'), () => 0).finish(cold(), 10_000);
    expect(first.previous).toBeNull();
    expect(first.blames.map((b) => b.cause.kind)).toEqual(['no-record']);
    expect(first.saved).toBe('saved');
    expect(first.record.sources[0]!.entries).toHaveProperty(['src/app.js']);
    // The .dockerignore keeps node_modules out of the fingerprint, as BuildKit keeps it out of the context.
    expect(Object.keys(first.record.sources[0]!.entries).some((p) => p.startsWith('node_modules'))).toBe(
      false,
    );

    await writeFile(path.join(dir, 'ctx', 'src', 'app.js'), 'v2\n');
    await writeFile(path.join(dir, 'ctx', 'node_modules', 'x', 'i.js'), 'dep2\n');
    const pr = await startHistory(plan('feature/x'), () => 0).finish(warm(), 13_000);
    expect(pr.gated).toBe(true);
    expect(pr.blames).toHaveLength(1);
    expect(pr.blames[0]!.cause).toEqual({
      kind: 'files',
      changes: [{ path: 'src/app.js', change: 'modified' }],
      total: 1,
      incomplete: false,
    });
    expect(pr.blames[0]!.costMs).toBe(5300);
    expect(pr.regression.baseline?.branch).toBe('main');
    expect(pr.regression.gates[0]).toMatchObject({ gate: 'max-duration-increase', passed: false });
    const markdown = renderHistorySection(pr, 'Dockerfile').join('\n');
    expect(markdown).toMatch(/src\/app\\\.js/);
    expect(markdown).toMatch(/❌ <code>max\\-duration\\-increase<\/code>/);
  });

  it('a broken store is a warning, not a failure', async () => {
    const broken = {
      description: 'a broken store',
      restore: () => Promise.reject(new Error('503 Service Unavailable')),
      save: () => Promise.reject(new Error('503 Service Unavailable')),
    };
    const result = await startHistory(plan('main', { store: broken }), () => 0).finish(cold(), 10_000);
    expect(result.saved).toBe('not-saved');
    expect(result.warnings).toEqual([
      'could not read the build record from a broken store: 503 Service Unavailable',
      'could not save the build record to a broken store: 503 Service Unavailable',
    ]);
    expect(result.blames.map((b) => b.cause.kind)).toEqual(['no-record']);
  });

  it('a record of another schema is ignored with a warning', async () => {
    const store = directoryStore(path.join(dir, 'records'), { prefix: 'prefix', variant: 'no-args' });
    await store.save('main', JSON.stringify({ schema: 99 }));
    const result = await startHistory(plan('main', { store }), () => 0).finish(cold(), 10_000);
    expect(result.previous).toBeNull();
    expect(result.warnings[0]).toMatch(/schema 99, this action reads 1; it is ignored/);
  });

  it('a failed build is not saved as a baseline', async () => {
    const failed = { ...cold(), outcome: 'failure' as const };
    const result = await startHistory(plan('main'), () => 0).finish(failed, 1000);
    expect(result.saved).toBe('not-saved');
  });

  it('a secret-like build-arg leaves nothing of its value in the stored record, and is named when it may have busted the cache', async () => {
    const text = DOCKERFILE.replace('COPY . .', 'ARG DB_PASSWORD\nCOPY . .');
    await writeFile(path.join(dir, 'ctx', 'Dockerfile'), text);
    const withArgs = (value: string) =>
      plan('main', { dockerfile: parseDockerfile(text), buildArgs: [`DB_PASSWORD=${value}`] });
    await startHistory(withArgs('hunter2'), () => 0).finish(cold(), 10_000);
    const second = await startHistory(withArgs('hunter3'), () => 0).finish(warm(), 10_000);
    expect(second.blames.map((b) => b.cause)).toEqual([
      { kind: 'build-arg-not-recorded', names: ['DB_PASSWORD'] },
    ]);
    const files = await readdir(path.join(dir, 'records'), { recursive: true, withFileTypes: true });
    const stored = await Promise.all(
      files.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')),
    );
    expect(stored.join('')).toMatch(/"DB_PASSWORD":"not-recorded"/);
    for (const value of ['hunter2', 'hunter3']) {
      expect(stored.join('')).not.toContain(value);
      for (const input of [value, `value:${value}`]) {
        const sha = createHash('sha256').update(input).digest('hex');
        for (const derived of [sha, sha.slice(0, 16), sha.slice(0, 8)])
          expect(stored.join('')).not.toContain(derived);
      }
    }
  });

  it('the record stays a few KB', async () => {
    const result = await startHistory(plan('main'), () => 0).finish(cold(), 10_000);
    expect(JSON.stringify(result.record).length).toBeLessThan(8 * 1024);
  });
});

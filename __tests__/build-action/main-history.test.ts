// History through the whole action (runAction() with fakes): the store is an in-memory one, buildx
// replays recorded logs. What is checked is the wiring: the restore before the build, the
// record output, the summary section, annotations, and a regression gate failing the step.
// covers: src/build-action/main.ts, src/build-action/execute.ts
// covers: src/build-action/history/action-plan.ts
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runAction } from '../../src/build-action/main.js';
import type { Buildx } from '../../src/build-action/ports.js';
import type { HistoryStore } from '../../src/build-action/history/store/store.js';
import { FakeRunner } from '../support/fake-runner.js';
import { MemoryFS } from '../support/memory-fs.js';
import { CORPUS } from './reports.js';

const WORKSPACE = '/repo';
const corpus = (name: string, file: string) => readFileSync(`${CORPUS}/${name}/${file}`, 'utf8');

function memoryStore(records: Map<string, string>, calls: string[]): HistoryStore {
  return {
    description: 'memory',
    async restore(scopes) {
      calls.push(`restore ${scopes.join(',')}`);
      for (const scope of scopes) if (records.has(scope)) return { text: records.get(scope)!, scope };
      return null;
    },
    async save(scope, text) {
      calls.push(`save ${scope}`);
      records.set(scope, text);
      return 'saved';
    },
  };
}

async function build(
  logCase: string,
  env: Record<string, string>,
  inputs: Record<string, string>,
  store: HistoryStore | null,
) {
  const io = new FakeRunner(inputs, { markFailedNote: '(marked)' });
  const fs = new MemoryFS({ [`${WORKSPACE}/Dockerfile`]: corpus(logCase, 'Dockerfile') });
  const buildx: Buildx = {
    async run(_command, _env, onLine) {
      for (const line of corpus(logCase, 'plain.log').split(/(?<=\n)/)) onLine(Buffer.from(line), 'stderr');
      return { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null };
    },
  };
  let time = 1000;
  const outcome = await runAction({
    io,
    fs,
    buildx,
    env: { GITHUB_WORKSPACE: WORKSPACE, ...env },
    cwd: WORKSPACE,
    now: () => (time += 500),
    randomToken: () => 'tok3n',
    ...(store ? { historyStore: () => store } : {}),
  });
  const { outputs, annotations, failed, warnings, summary } = io;
  return { outcome, outputs, annotations, failed, warnings, summary, files: fs.texts() };
}

const MAIN = { GITHUB_REF_NAME: 'main', GITHUB_SHA: 'a'.repeat(40) };
const PR = { GITHUB_HEAD_REF: 'feature', GITHUB_REF_NAME: '7/merge', GITHUB_SHA: 'b'.repeat(40) };

describe('history through runAction()', () => {
  it('main records; a pull request whose cache ratio fell is failed by max-cache-ratio-drop', async () => {
    const records = new Map<string, string>();
    const calls: string[] = [];
    const store = memoryStore(records, calls);
    const first = await build('02-multistage-cached', MAIN, {}, store);
    expect(first.outcome.failed).toBe(false);
    expect(calls).toEqual(['restore main', 'save main']);
    expect(JSON.parse(first.files.get(first.outputs['history-record']!)!)).toMatchObject({
      branch: 'main',
      cacheHitRatio: 1,
    });

    const pr = await build('01-multistage-clean', PR, { 'max-cache-ratio-drop': '10' }, store);
    // A pull request is `pr-<number>` in the keys (branch-identity.test.ts), its head branch aside.
    expect(calls.slice(2)).toEqual(['restore pr-7,main', 'save pr-7']);
    expect(pr.outcome.failed).toBe(true);
    expect(pr.failed).toEqual(['1 build gate failed (see the annotations above).']);
    expect(pr.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', title: 'Gate max-cache-ratio-drop failed' }),
    );
    expect(pr.summary).toMatch(/## Build history/);
    expect(pr.summary).toMatch(/### Compared with the default branch/);
    expect(pr.summary).toMatch(/❌ <code>max\\-cache\\-ratio\\-drop<\/code>/);
  });

  it('history: false touches no store and sets no record output', async () => {
    const calls: string[] = [];
    const result = await build(
      '01-multistage-clean',
      MAIN,
      { history: 'false' },
      memoryStore(new Map(), calls),
    );
    expect(calls).toEqual([]);
    expect(result.outputs['history-record']).toBeUndefined();
    expect(result.summary).not.toMatch(/Build history/);
  });

  it('without a cache service, history is skipped: no warning, the build is unaffected', async () => {
    const result = await build('01-multistage-clean', MAIN, {}, null);
    expect(result.outcome.failed).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.outputs['history-record']).toBeUndefined();
  });
});

// Issue 17 A.2: max-context-size measures the build context on disk (.dockerignore applied), not
// what BuildKit says it transferred; a remote context keeps the transferred figure, and says so.
// covers: src/build-action/explain/context-size.ts
import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareWithBaseline } from '../../src/build-action/history/record/regression.js';
import type { BuildRecord } from '../../src/build-action/history/record/record.js';
import { runFaked, stderrLines } from './action-fakes.js';

const DOCKERFILE = 'FROM local/busybox:1\nCOPY . /app\n';

/** A plain log whose context transfer says `bytes` (what a builder that has the context sends). */
const log = (sent: string) =>
  stderrLines(`#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 80B done
#1 DONE 0.0s

#2 [internal] load build context
#2 transferring context: ${sent} done
#2 DONE 0.0s

#3 [1/2] FROM docker.io/local/busybox:1
#3 CACHED

#4 [2/2] COPY . /app
#4 DONE 0.1s
`);

function workspace(): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'bxg-ctx-size-'));
  mkdirSync(path.join(ws, 'app', 'ignored'), { recursive: true });
  writeFileSync(path.join(ws, 'app', 'Dockerfile'), DOCKERFILE);
  writeFileSync(path.join(ws, 'app', 'big.bin'), Buffer.alloc(3_000_000));
  writeFileSync(path.join(ws, 'app', 'ignored', 'huge.bin'), Buffer.alloc(5_000_000));
  writeFileSync(path.join(ws, 'app', '.dockerignore'), 'ignored\n');
  return ws;
}

const run = (ws: string, inputs: Record<string, string>, sent: string) =>
  runFaked(
    { history: 'false', ...inputs },
    { lines: log(sent) },
    {},
    { env: { GITHUB_WORKSPACE: ws }, cwd: ws },
  );

describe('max-context-size', () => {
  it('a builder that had the context (31 B sent) still fails a 1 MB limit: the directory is measured', async () => {
    const ws = workspace();
    const { io, report } = await run(ws, { context: 'app', 'max-context-size': '1MB' }, '31B');
    const bytes = 3_000_000 + DOCKERFILE.length + 'ignored\n'.length;
    expect(io.annotations).toContainEqual(
      expect.objectContaining({
        title: 'Gate max-context-size failed',
        message: `build context 3.00 MB (the context directory) > maximum 1.00 MB: 2.00 MB over.`,
      }),
    );
    expect(report.context).toEqual({
      bytes,
      measured: 'context-directory',
      files: 3,
      incomplete: false,
      transferredBytes: 31,
    });
    // The engine's own figure stays what the log said.
    expect(report.totals.contextBytes).toBe(31);
    expect(io.summary).toContain('3\\.00 MB \\(the context directory\\), 31 B sent');
  });

  it('a remote context is gated on what was transferred, and says so', async () => {
    const ws = workspace();
    const { io, report } = await run(
      ws,
      { context: 'https://github.com/o/r.git#main', 'max-context-size': '10B' },
      '31B',
    );
    expect(report.context).toMatchObject({ bytes: 31, measured: 'transferred' });
    expect(io.annotations).toContainEqual(
      expect.objectContaining({
        title: 'Gate max-context-size failed',
        message: expect.stringMatching(/^build context 31 B \(sent to the builder\) > maximum 10 B/),
      }),
    );
    expect(io.summary).toContain('31 B \\(sent to the builder: a remote context\\)');
  });

  it('a context directory that is not there falls back to the transferred figure', async () => {
    const ws = workspace();
    const { report } = await run(ws, { context: 'missing', 'max-context-size': '1MB' }, '31B');
    expect(report.context).toMatchObject({ bytes: 31, measured: 'transferred' });
  });
});

describe('the regression gate on context growth', () => {
  const record = (contextBytes: number, contextMeasured?: BuildRecord['contextMeasured']) =>
    ({
      schema: 1,
      branch: 'main',
      commit: 'abc',
      createdAt: '2026-01-01T00:00:00Z',
      durationMs: 1000,
      cacheHitRatio: 1,
      contextBytes,
      ...(contextMeasured ? { contextMeasured } : {}),
      phases: null,
      steps: [],
    }) as unknown as BuildRecord;
  const settings = {
    maxDurationIncrease: null,
    maxCacheRatioDrop: null,
    maxContextGrowth: { kind: 'percent' as const, value: 10 },
    maxCacheExport: null,
  };

  it('does not compare a measured context with an older record that kept the transferred figure', () => {
    const r = compareWithBaseline(record(3_000_000, 'context-directory'), record(31), settings);
    expect(r.contextBytes).toEqual({ before: null, after: 3_000_000 });
    expect(r.gates[0]).toMatchObject({ passed: true });
  });

  it('compares two measured contexts', () => {
    const r = compareWithBaseline(
      record(3_000_000, 'context-directory'),
      record(1_000_000, 'context-directory'),
      settings,
    );
    expect(r.gates[0]).toMatchObject({ passed: false });
  });
});

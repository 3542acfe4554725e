// `analyze --history-dir`: the action's history for other CIs, on a recorded Engine 26 log and
// a copy of the context it was built from (scripts/fixtures/cases/cache-bust-copy-before-install).
import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runAnalyze } from '../../src/cli/analyze.js';
import type { CliIO } from '../../src/cli/io.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CASE = 'cache-bust-copy-before-install';
const LOG = join(ROOT, '__tests__', 'fixtures', 'buildlogs', 'engine26', CASE, 'plain.log');

function fakeIO(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stdin: Readable.from([]),
    env: {},
    cwd,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('analyze --history-dir', () => {
  it('records main, then blames the changed file on a branch and gates the comparison', async () => {
    const work = mkdtempSync(join(tmpdir(), 'bxg-i10-cli-'));
    cpSync(join(ROOT, 'scripts', 'fixtures', 'cases', CASE, 'context'), join(work, 'ctx'), {
      recursive: true,
    });
    const args = (branch: string, ...more: string[]) => [
      LOG,
      '--history-dir',
      'records',
      '--context',
      'ctx',
      '--branch',
      branch,
      ...more,
    ];

    const first = fakeIO(work);
    expect(await runAnalyze(args('main'), first.io)).toBe(0);
    expect(first.stdout()).toMatch(/no cache record yet/);
    expect(first.stdout()).toMatch(/record saved/);
    expect(readdirSync(join(work, 'records'))).toHaveLength(1);

    writeFileSync(join(work, 'ctx', 'src', 'helpers.py'), 'def helper():\n    return 2\n');
    const second = fakeIO(work);
    const code = await runAnalyze(args('feature', '--max-cache-ratio-drop', '0', '--json'), second.io);
    const report = JSON.parse(second.stdout());
    expect(report.history.blames[0].cause).toEqual({
      kind: 'files',
      changes: [{ path: 'src/helpers.py', change: 'modified' }],
      total: 1,
      incomplete: false,
    });
    expect(report.history.regression.baseline.branch).toBe('main');
    // The same log twice: nothing regressed, the gate passes.
    expect(report.history.regression.gates[0].passed).toBe(true);
    expect(code).toBe(0);
  });

  it.each([
    [['--context', 'x'], /--context needs --history-dir/],
    [
      ['--history-dir', 'r', '--max-duration-increase', 'soon'],
      /--max-duration-increase: expected a growth like \+20% or \+60s, got 'soon'/,
    ],
    [['--history-dir'], /--history-dir needs a value/],
  ])('%j is a usage error naming the option', async (argv, message) => {
    const io = fakeIO(tmpdir());
    expect(await runAnalyze([LOG, ...argv], io.io)).toBe(2);
    expect(io.stderr()).toMatch(message);
  });
});

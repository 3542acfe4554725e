// Issue 17 D.8: `analyze --history-dir` prints names from the context (changed files, .dockerignore
// proposals) and from the record (branches). A file named `x\n::error ...` or holding terminal
// escapes must print as text: no line that a CI runner reads as a workflow command, no ESC.
import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
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
  const io: CliIO = {
    stdout: (t) => void out.push(t),
    stderr: () => {},
    stdin: Readable.from([]),
    env: {},
    cwd,
  };
  return { io, stdout: () => out.join('') };
}

const HOSTILE_NAME =
  'x\n::error title=pwned::forged by a file name\u001b[2J\u001b]8;;https:e.invalid\u0007y\u202e';

describe('analyze --history-dir text output', () => {
  it('prints hostile file names from the context as inert text', async () => {
    const work = mkdtempSync(join(tmpdir(), 'bxg-cli-hostile-'));
    cpSync(join(ROOT, 'scripts', 'fixtures', 'cases', CASE, 'context'), join(work, 'ctx'), {
      recursive: true,
    });
    const args = (branch: string) => [
      LOG,
      '--history-dir',
      'records',
      '--context',
      'ctx',
      '--branch',
      branch,
    ];
    expect(await runAnalyze(args('main'), fakeIO(work).io)).toBe(0);
    writeFileSync(join(work, 'ctx', 'src', HOSTILE_NAME), 'data\n');
    const second = fakeIO(work);
    await runAnalyze(args('feature'), second.io);
    const text = second.stdout();
    // The file is named (blame lists it), as text.
    expect(text).toContain('forged by a file name');
    for (const line of text.split('\n')) expect(line).not.toMatch(/^\s*::/);
    expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
  });
});

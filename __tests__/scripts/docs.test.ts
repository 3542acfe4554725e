// The README's input/output tables and `verify --help` come from the action.yml
// files (scripts/docs/generate.mjs): this fails when either drifted from them.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { drifted, readmeSections } from '../../scripts/docs/generate.mjs';

describe('documents generated from the action.yml files', () => {
  it('are up to date (else run `npm run docs`)', async () => {
    expect((await drifted()).map(([file]) => file)).toEqual([]);
  });

  it('list every input and output, one table row each', () => {
    const sections = readmeSections();
    for (const [name, file] of [
      ['build', 'action.yml'],
      ['verify', 'verify/action.yml'],
    ] as const) {
      const yml = readFileSync(file, 'utf8');
      const inputs = [
        ...yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm),
      ];
      const lines = sections[`${name}-inputs`]!.split('\n');
      const rows = lines.slice(2).filter((l) => l.startsWith('|'));
      expect(rows.map((r) => /^\| `([a-z-]+)`/.exec(r)?.[1])).toEqual(inputs.map((m) => m[1]));
      // A pipe in a description stays inside its cell, and the cell is short: the first sentence,
      // at most 200 characters; the whole text is where the note under the table says.
      for (const row of rows) {
        const cells = row.split(/(?<!\\)\|/);
        expect(cells).toHaveLength(5);
        expect(cells[3]!.trim().length).toBeLessThanOrEqual(220);
      }
      expect(lines.at(-1)).toMatch(
        new RegExp(`^Each row gives the input's first sentence; the whole text is in \`${file}\``),
      );
    }
  });
});

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
      const rows = sections[`${name}-inputs`]!.split('\n').slice(2);
      expect(rows.map((r) => /^\| `([a-z-]+)`/.exec(r)?.[1])).toEqual(inputs.map((m) => m[1]));
      // A pipe in a description stays inside its cell.
      for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(5);
    }
  });
});

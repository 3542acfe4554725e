import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULTS, INPUT_NAMES } from '../../src/verify-action/config/input-names.js';
import { outputsOf } from '../../src/verify-action/main.js';
import { configFrom } from './helpers.js';
import { verify } from './run-fixtures.js';

const action = parse(readFileSync('verify/action.yml', 'utf8')) as {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};

describe('verify/action.yml', () => {
  it('declares exactly the inputs the code reads, each described', () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES]);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10);
      expect(input.required ?? false).toBe(false);
      // Defaults live in the code (shared with the CLI); the description states them.
      if (name in DEFAULTS)
        expect(input.description).toContain(`Default: ${DEFAULTS[name as keyof typeof DEFAULTS]}`);
    }
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
  });

  it('declares exactly the outputs the action sets', async () => {
    const report = await verify(configFrom({ duration: '0' }), { total: 1 });
    expect(Object.keys(action.outputs).sort()).toEqual(Object.keys(outputsOf(report, '/r.json')).sort());
  });

  it('runs the bundled entry on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/verify/index.js' });
  });
});

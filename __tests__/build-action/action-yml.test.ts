import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { INPUT_NAMES, OUTPUT_NAMES, readInputs } from '../../src/build-action/inputs.js';

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};

describe('action.yml (the build action)', () => {
  it('declares exactly the inputs the code reads, each described, in the same order', () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES]);
    for (const input of Object.values(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10);
      expect(input.required ?? false).toBe(false);
    }
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
  });

  it('reads no input the file does not declare', () => {
    const read = new Set<string>();
    readInputs((name) => {
      read.add(name);
      return '';
    });
    expect([...read].sort()).toEqual([...INPUT_NAMES].sort());
  });

  it('gives the defaults the code assumes for an empty value', () => {
    // The runner passes a declared default as the value; the code must mean the same by ''.
    const withDefaults = readInputs((name) => action.inputs[name]?.default ?? '');
    const empty = readInputs(() => '');
    expect({ ...withDefaults, githubToken: '' }).toEqual(empty);
  });

  it('declares exactly the outputs the action sets', () => {
    expect(Object.keys(action.outputs)).toEqual([...OUTPUT_NAMES]);
  });

  it('runs the bundled entries on node24 (main, and post to clean up after a killed build)', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/build/index.js', post: 'dist/build/post.js' });
  });
});

// The .dockerignore matcher against moby/patternmatcher itself: expected.json was produced by
// scripts/history/patternmatcher-table.sh, which runs the Go library BuildKit uses on cases.json.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanPath,
  createIgnoreMatcher,
  readIgnoreFile,
} from '../../../../src/build-action/history/record/dockerignore.js';

interface Expected {
  dockerignore: string;
  patterns: string[];
  invalid: boolean;
  ignored: Record<string, boolean>;
}

const table = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', '..', 'fixtures', 'dockerignore', 'expected.json'),
    'utf8',
  ),
) as Expected[];

describe('.dockerignore as moby/patternmatcher reads it', () => {
  it.each(table.map((c) => [JSON.stringify(c.dockerignore), c] as const))('%s', (_name, c) => {
    expect(readIgnoreFile(c.dockerignore)).toEqual(c.patterns);
    const matcher = createIgnoreMatcher(c.patterns);
    if (c.invalid) {
      // BuildKit refuses the file; the matcher drops the bad pattern and matches nothing with it.
      expect(matcher.patterns.length).toBeLessThan(c.patterns.length);
      return;
    }
    const actual = Object.fromEntries(Object.keys(c.ignored).map((p) => [p, matcher.ignores(p)]));
    expect(actual).toEqual(c.ignored);
  });

  it('has enough cases to mean something', () => {
    expect(table.length).toBeGreaterThan(30);
    expect(table.flatMap((c) => Object.values(c.ignored)).filter(Boolean).length).toBeGreaterThan(100);
  });
});

describe('cleanPath (Go filepath.Clean)', () => {
  it.each([
    ['', '.'],
    ['./a/', 'a'],
    ['a//b/./c/..', 'a/b'],
    ['/../a', '/a'],
    ['../a', '../a'],
    ['/', '/'],
  ])('%j -> %j', (input, output) => expect(cleanPath(input)).toBe(output));
});

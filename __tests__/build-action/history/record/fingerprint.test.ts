import { describe, expect, it } from '@jest/globals';
import {
  diffFingerprints,
  makeFingerprint,
  sourceSelector,
} from '../../../../src/build-action/history/record/fingerprint.js';

const FILES = [
  'Dockerfile',
  'package.json',
  'src/a.ts',
  'src/lib/b.ts',
  'src/lib/c.test.ts',
  'docs/x.md',
  'a.json',
  'b.json',
  'srcx/y',
];

describe('sourceSelector (COPY sources, Go filepath.Match per segment)', () => {
  it.each([
    [['.'], FILES],
    [['./'], FILES],
    [['src'], ['src/a.ts', 'src/lib/b.ts', 'src/lib/c.test.ts']],
    [['/src/'], ['src/a.ts', 'src/lib/b.ts', 'src/lib/c.test.ts']],
    [['*.json'], ['package.json', 'a.json', 'b.json']],
    [['[ab].json'], ['a.json', 'b.json']],
    [['src/*/b.ts'], ['src/lib/b.ts']],
    [['s?c'], ['src/a.ts', 'src/lib/b.ts', 'src/lib/c.test.ts']],
    [
      ['package.json', 'docs'],
      ['package.json', 'docs/x.md'],
    ],
  ])('%j', (sources, expected) => {
    const selects = sourceSelector(sources);
    expect(FILES.filter(selects)).toEqual(expected);
  });
});

describe('fingerprints', () => {
  const files = (n: number, hash = 'h') =>
    Array.from({ length: n }, (_, i) => ({ path: `src/m${i % 7}/f${i}.ts`, size: 1, hash: `${hash}${i}` }));

  it('lists every file under the budget', () => {
    const fp = makeFingerprint('k', 1, ['.'], files(20));
    expect(fp.depth).toBeNull();
    expect(Object.keys(fp.entries)).toHaveLength(20);
  });

  it('folds to directories over the budget and still finds what changed', () => {
    const before = makeFingerprint('k', 1, ['.'], files(500));
    const changed = files(500).map((f) => (f.path === 'src/m3/f10.ts' ? { ...f, hash: 'new' } : f));
    const after = makeFingerprint('k', 1, ['.'], changed);
    expect(before.depth).toBe(2);
    expect(Object.keys(after.entries).length).toBeLessThanOrEqual(100);
    expect(diffFingerprints(before, after)).toEqual([{ path: 'src/m3/', change: 'modified' }]);
    expect(diffFingerprints(before, before)).toEqual([]);
  });

  it('compares a folded and an unfolded fingerprint at the coarser depth', () => {
    const small = files(50);
    const large = [
      ...files(50),
      ...Array.from({ length: 200 }, (_, i) => ({ path: `vendor/v${i}`, size: 1, hash: 'v' })),
    ];
    const before = makeFingerprint('k', 1, ['.'], small);
    const after = makeFingerprint('k', 1, ['.'], large);
    expect(before.depth).toBeNull();
    expect(after.depth).not.toBeNull();
    expect(diffFingerprints(before, after)).toEqual([{ path: 'vendor/', change: 'added' }]);
  });

  it('the digest does not depend on folding', () => {
    expect(makeFingerprint('k', 1, ['.'], files(500)).digest).toBe(
      makeFingerprint('k', 1, ['.'], files(500), 10_000).digest,
    );
  });
});

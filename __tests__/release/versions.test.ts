// One version everywhere (issue 19): package.json, CHANGELOG.md's newest dated entry, the pins in
// README.md and examples/, and PRODUCT_VERSION as the bundler inlines it into dist/.
// covers: src/shared/version.ts
import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { productVersionDefine } from '../../scripts/product-version.mjs';
import { disagreements, pinsIn, readPlaces } from '../../scripts/release/versions.mjs';
import { PRODUCT_VERSION } from '../../src/shared/version.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const packageVersion = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/** src/shared/version.ts bundled with scripts/bundle.mjs's `define`, run where no global is set. */
async function bundledProductVersion(): Promise<unknown> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'src/shared/version.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'versionModule',
    platform: 'node',
    logLevel: 'silent',
    define: productVersionDefine(ROOT),
  });
  const context = vm.createContext({});
  vm.runInContext(out.outputFiles[0]!.text, context);
  return vm.runInContext('versionModule.PRODUCT_VERSION', context);
}

const CHANGELOG = `# Changelog

## [Unreleased]

## [1.0.0] - 2026-12-04

### Added

- a

### Changed

- b
`;

describe('the version', () => {
  it('agrees in package.json, CHANGELOG.md, README.md and examples/', () => {
    const places = readPlaces(ROOT);
    expect(places.version).toBe(packageVersion);
    expect(places.pins.map((p) => p.ref)).toEqual(
      expect.arrayContaining([`v${packageVersion.split('.')[0]}`, `v${packageVersion}`]),
    );
    expect(disagreements(places)).toEqual([]);
  });

  it('is inlined into the bundle as package.json says', async () => {
    expect(await bundledProductVersion()).toBe(packageVersion);
    expect(PRODUCT_VERSION).toBe(packageVersion);
  });

  it('reads the pins of both actions, by major and beside a full SHA', () => {
    const text = [
      'uses: o/buildx-gate@v1',
      'uses: o/buildx-gate/verify@0123456789abcdef0123456789abcdef01234567 # v1.0.0',
      'uses: o/buildx-gate@main',
    ].join('\n');
    expect(pinsIn('README.md', text)).toEqual([
      { file: 'README.md', ref: 'v1' },
      { file: 'README.md', ref: 'v1.0.0' },
    ]);
  });

  it.each([
    [
      'a CHANGELOG whose newest release is another',
      { changelog: CHANGELOG.replace('[1.0.0]', '[0.9.0]') },
      'the newest release is 0.9.0',
    ],
    ['an undated release', { changelog: CHANGELOG.replace(' - 2026-12-04', '') }, 'has no date'],
    [
      'no Unreleased entry on top',
      { changelog: CHANGELOG.replace('## [Unreleased]\n', '') },
      'not ## [Unreleased]',
    ],
    [
      'one heading twice in a release',
      { changelog: `${CHANGELOG}\n### Added\n\n- c\n` },
      'more than one "Added"',
    ],
    ['a pin of another major', { pins: [{ file: 'README.md', ref: 'v0' }] }, 'pins v0'],
    ['a SHA pin commented with another version', { pins: [{ file: 'x.yml', ref: 'v1.0.1' }] }, 'pins v1.0.1'],
    ['no pin at all', { pins: [] }, 'pin no version'],
    ['a tag of another version', { tag: 'v1.1.0' }, 'tag v1.1.0'],
    ['a version that is no x.y.z', { version: '1.0' }, 'is no x.y.z'],
  ])('disagrees on %s', (_, change, message) => {
    const agreeing = { version: '1.0.0', changelog: CHANGELOG, pins: [{ file: 'README.md', ref: 'v1' }] };
    expect(disagreements(agreeing)).toEqual([]);
    const found = disagreements({ ...agreeing, ...change });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });
});

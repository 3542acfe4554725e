// The verify action's layers go one way: each file imports from its own layer and those below,
// never from one above (issue 16). Bottom up: config/, ports.ts, elasticsearch/, measure/,
// judge/, respond/, report/, then the spine (index, main, run, watch). eslint.config.js says the
// same per folder; this reads the real import graph, type-only imports included, so an upward
// arrow cannot slip in through a path eslint's patterns do not foresee. Two promises the layers
// alone do not keep are checked by name: the watch knows no thresholds, the judge no connection.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const VERIFY = path.resolve('src/verify-action');

/** Bottom up; the spine is every file at the folder's root but ports.ts. */
const LAYERS = [
  'config',
  'ports',
  'elasticsearch',
  'measure',
  'judge',
  'respond',
  'report',
  'spine',
] as const;
type Layer = (typeof LAYERS)[number];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports and re-exports of a file, as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\b(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g),
  ].map((m) => m[1]!);
  return specifiers.map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

/** The layer of a file under src/verify-action; null outside it (src/shared, src/github, ...). */
function layerOf(file: string): Layer | 'unknown' | null {
  const relative = path.relative(VERIFY, file);
  if (relative.startsWith('..')) return null;
  const [top, ...rest] = relative.split(path.sep);
  if (rest.length === 0) return top === 'ports.ts' ? 'ports' : 'spine';
  return (LAYERS as readonly string[]).includes(top!) ? (top as Layer) : 'unknown';
}

/** The imports that go up a layer, as "from -> to" paths relative to src/verify-action. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const rank = (file: string) => LAYERS.indexOf(layerOf(file) as Layer);
  return [...graph].flatMap(([from, targets]) =>
    targets
      .filter((to) => layerOf(to) !== null && rank(to) > rank(from))
      .map((to) => `${path.relative(VERIFY, from)} -> ${path.relative(VERIFY, to)}`),
  );
}

describe('the layers of src/verify-action', () => {
  const files = sourceFiles(VERIFY);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('sees every file in a known layer, and the real imports between them', () => {
    expect(files.filter((f) => layerOf(f) === 'unknown').map((f) => path.relative(VERIFY, f))).toEqual([]);
    const inside = [...graph.values()].flat().filter((to) => layerOf(to) !== null);
    expect(inside.length).toBeGreaterThan(files.length);
    for (const to of inside) expect(graph.has(to)).toBe(true);
    for (const layer of LAYERS) expect(files.some((f) => layerOf(f) === layer)).toBe(true);
  });

  it('finds an import that goes up', () => {
    const decision = path.join(VERIFY, 'judge/decision.ts');
    const rollback = path.join(VERIFY, 'respond/rollback.ts');
    const config = path.join(VERIFY, 'config/config.ts');
    const ports = path.join(VERIFY, 'ports.ts');
    expect(
      upwardImports(
        new Map([
          [rollback, [decision, config]],
          [decision, [rollback, path.resolve('src/shared/units.ts')]],
          [config, [ports]],
        ]),
      ),
    ).toEqual(['judge/decision.ts -> respond/rollback.ts', 'config/config.ts -> ports.ts']);
  });

  it('has no import going up, type-only imports included', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('keeps the thresholds out of the watch and the connection out of the judge', () => {
    const watch = readFileSync(path.join(VERIFY, 'watch.ts'), 'utf8');
    expect(watch).not.toMatch(/\bjudgement\b|\bthresholds\b/);
    const judge = files.filter((f) => layerOf(f) === 'judge');
    for (const file of judge) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/\bconnection\b/);
      expect(graph.get(file)!.filter((to) => layerOf(to) === 'elasticsearch')).toEqual([]);
    }
  });
});

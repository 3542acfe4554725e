// The build action's layers (src/build-action/). explain/ is the pure analysis: everything it
// reaches stays in explain/, the engine, src/github/ and src/shared/, and none of it does I/O.
// history/ is a layer below the rest of the action: nothing in it imports from above; inside it,
// a record (record/) knows nothing of how it travels (store/), and the store nothing of the
// session that uses it. eslint.config.js holds the rest of the action to history's front door;
// this holds the layers, type-only imports included, as the import-cycles test does.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve('src');
const ACTION = path.join(SRC, 'build-action');
const EXPLAIN = path.join(ACTION, 'explain');
const HISTORY = path.join(ACTION, 'history');

/** Node's modules that reach outside the process: a file importing one is not pure. */
const IO_MODULES = new Set([
  'child_process',
  'cluster',
  'dgram',
  'dns',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'readline',
  'tls',
  'worker_threads',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every import and re-export specifier of a file, static and dynamic. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/\b(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g),
  ].map((m) => (m[1] ?? m[2])!);
}

/** The relative imports of a file, as absolute .ts paths. */
function localImports(file: string): string[] {
  return specifiersOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

const inside = (dir: string) => (file: string) => file.startsWith(`${dir}${path.sep}`);
const relative = (file: string) => path.relative(SRC, file);

/** The files a set of files reaches through relative imports, themselves included. */
function reached(start: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...localImports(file));
  }
  return [...seen].sort();
}

/** `from -> to` for each import of a file in `files` that `allowed` refuses. */
function offending(files: readonly string[], allowed: (target: string) => boolean): string[] {
  return files.flatMap((file) =>
    localImports(file)
      .filter((target) => !allowed(target))
      .map((target) => `${relative(file)} -> ${relative(target)}`),
  );
}

describe('the layers of the build action', () => {
  const explain = sourceFiles(EXPLAIN);
  const history = sourceFiles(HISTORY);

  it('sees the folders it guards', () => {
    expect(explain.length).toBeGreaterThan(5);
    expect(history.length).toBeGreaterThan(15);
    expect(localImports(path.join(EXPLAIN, 'summary.ts')).length).toBeGreaterThan(5);
  });

  it('explain/ reaches only explain/, the engine, src/github/ and src/shared/', () => {
    const allowed = (file: string) =>
      inside(EXPLAIN)(file) ||
      inside(path.join(SRC, 'engine'))(file) ||
      inside(path.join(SRC, 'github'))(file) ||
      inside(path.join(SRC, 'shared'))(file);
    const files = reached(explain);
    expect(files.filter((f) => !allowed(f)).map(relative)).toEqual([]);
    expect(files.filter(inside(path.join(SRC, 'engine'))).length).toBeGreaterThan(0);
  });

  it('nothing explain/ reaches does I/O, runs processes or loads packages', () => {
    const impure = reached(explain).flatMap((file) =>
      specifiersOf(file)
        .filter((s) => !s.startsWith('.'))
        .filter((s) => !s.startsWith('node:') || IO_MODULES.has(s.slice('node:'.length)))
        .map((s) => `${relative(file)} imports ${s}`),
    );
    expect(impure).toEqual([]);
  });

  it('history/ imports nothing from the rest of the build action', () => {
    expect(offending(history, (target) => !inside(ACTION)(target) || inside(HISTORY)(target))).toEqual([]);
  });

  it('inside history/: nothing imports the front door, record/ stands alone, store/ needs only record/', () => {
    const index = path.join(HISTORY, 'index.ts');
    expect(offending(history, (target) => target !== index)).toEqual([]);
    const record = history.filter(inside(path.join(HISTORY, 'record')));
    expect(record.length).toBeGreaterThan(5);
    expect(
      offending(record, (target) => !inside(HISTORY)(target) || inside(path.join(HISTORY, 'record'))(target)),
    ).toEqual([]);
    const store = history.filter(inside(path.join(HISTORY, 'store')));
    const storeOrRecord = (target: string) =>
      !inside(HISTORY)(target) ||
      inside(path.join(HISTORY, 'store'))(target) ||
      inside(path.join(HISTORY, 'record'))(target);
    expect(offending(store, storeOrRecord)).toEqual([]);
  });

  it('the guard fails on an import from above', () => {
    const probe = path.join(HISTORY, 'record', 'record.ts');
    expect(offending([probe], (target) => !target.endsWith('fingerprint.ts'))).toEqual([
      'build-action/history/record/record.ts -> build-action/history/record/fingerprint.ts',
    ]);
  });
});

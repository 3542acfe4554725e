// Tests a newcomer can find: __tests__/ mirrors src/. A source file with logic (a function, a
// method or a class, read with the TypeScript compiler) has its test at the mirrored path
// (src/X/Y.ts -> __tests__/X/Y.test.ts, .itest.ts or .htest.ts), or is named in the
// `// covers:` line of a test that exercises it (a test of a behaviour across several files,
// kept where it reads best). Files of types, constants and re-exports need none. The bundle
// entries that only wire the real ports are exempt, each with its reason below.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Bundle entries (scripts/bundle.mjs) that only wire the real ports; the process tests run them. */
const ENTRY_POINTS: ReadonlyMap<string, string> = new Map([
  ['src/build-action/index.ts', 'entry of dist/build/index.js; action.itest.ts runs it'],
  ['src/build-action/post/index.ts', 'entry of dist/build/post.js; cancel.itest.ts runs it'],
  ['src/verify-action/index.ts', 'entry of dist/verify/index.js; e2e.itest.ts runs it'],
  ['src/cli.ts', 'entry of dist/cli.js; e2e.itest.ts runs `buildx-gate verify`'],
]);

/**
 * Source files with logic and no test yet, each with why. Kept empty: a file that lands here
 * needs a test, and a file here that gets one must leave (a test below says so).
 */
const ALLOWLIST: ReadonlyMap<string, string> = new Map([]);

interface File {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

/** `declare class`: a type, no code. */
const ambient = (node: ts.ClassLikeDeclaration) =>
  ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) ?? false;

/** True when the file holds a function, method, accessor or class body: code that runs. */
function hasLogic(file: File): boolean {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false);
  const runs = (node: ts.Node): boolean =>
    (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) ||
    (ts.isClassLike(node) && !ambient(node)) ||
    ts.forEachChild(node, runs) === true;
  return runs(source);
}

/** The source files a test's `// covers:` lines name. */
function coversOf(text: string): string[] {
  return [...text.matchAll(/^\/\/ covers: (.+)$/gm)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

/** The mirrored test paths of a source file. */
function mirrorsOf(source: string): string[] {
  const base = source.replace(/^src\//, '__tests__/').replace(/\.ts$/, '');
  return ['test', 'itest', 'htest'].map((kind) => `${base}.${kind}.ts`);
}

interface Findings {
  /** Source files with logic that neither have a mirrored test nor are named in a covers: line. */
  untested: string[];
  /** `test: name` for each name in a covers: line that is no source file. */
  staleCovers: string[];
}

function checkMirror(
  sources: readonly File[],
  tests: readonly File[],
  exempt: ReadonlySet<string>,
): Findings {
  const testPaths = new Set(tests.map((t) => t.path));
  const sourcePaths = new Set(sources.map((s) => s.path));
  const covered = new Set<string>();
  const staleCovers: string[] = [];
  for (const test of tests) {
    for (const name of coversOf(test.text)) {
      if (sourcePaths.has(name)) covered.add(name);
      else staleCovers.push(`${test.path}: ${name}`);
    }
  }
  const untested = sources
    .filter((s) => !exempt.has(s.path) && hasLogic(s))
    .filter((s) => !covered.has(s.path) && !mirrorsOf(s.path).some((m) => testPaths.has(m)))
    .map((s) => s.path);
  return { untested, staleCovers };
}

function filesUnder(dir: string, keep: (name: string) => boolean): File[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => `${dir}/${name.split(path.sep).join('/')}`)
    .filter((name) => keep(name) && !name.startsWith('__tests__/fixtures/'))
    .sort()
    .map((name) => ({ path: name, text: readFileSync(path.join(ROOT, name), 'utf8') }));
}

describe('__tests__/ mirrors src/', () => {
  const sources = filesUnder('src', (name) => name.endsWith('.ts'));
  const tests = filesUnder('__tests__', (name) => /\.(test|itest|htest)\.ts$/.test(name));
  const exempt = new Set([...ENTRY_POINTS.keys(), ...ALLOWLIST.keys()]);
  const findings = checkMirror(sources, tests, exempt);

  it('reads the real trees', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(tests.length).toBeGreaterThan(80);
    expect(sources.filter(hasLogic).length).toBeGreaterThan(100);
  });

  it('every source file with logic has a test at its mirrored path or in a covers: line', () => {
    expect(findings.untested).toEqual([]);
  });

  it('every covers: line names source files that exist', () => {
    expect(findings.staleCovers).toEqual([]);
  });

  it('every exempt entry point is a bundle entry', () => {
    const bundle = readFileSync(path.join(ROOT, 'scripts/bundle.mjs'), 'utf8');
    for (const entry of ENTRY_POINTS.keys()) {
      expect(existsSync(path.join(ROOT, entry))).toBe(true);
      expect(bundle).toContain(`'${entry}'`);
    }
  });

  it('the allowlist holds only files still without a test', () => {
    const still = checkMirror(sources, tests, new Set(ENTRY_POINTS.keys())).untested;
    expect([...ALLOWLIST.keys()].filter((file) => !still.includes(file))).toEqual([]);
  });

  it('fails on a tree that breaks the rule', () => {
    const sources: File[] = [
      { path: 'src/a/logic.ts', text: 'export function f(x: number) {\n  return x + 1;\n}\n' },
      { path: 'src/a/method.ts', text: 'export const o = { m() { return 1; } };\n' },
      { path: 'src/a/class.ts', text: 'export class Thrown extends Error {}\n' },
      { path: 'src/a/mirrored.ts', text: 'export const g = () => 2;\n' },
      { path: 'src/a/covered.ts', text: 'export const h = () => 3;\n' },
      {
        path: 'src/a/types.ts',
        text: 'export interface T {\n  f(): void;\n}\nexport type U = () => void;\n',
      },
      { path: 'src/a/constants.ts', text: "export const LIMIT = 5;\nexport { f } from './logic.js';\n" },
      {
        path: 'src/a/declared.ts',
        text: 'export declare function d(): void;\nexport declare class D {\n  m(): void;\n}\n',
      },
      { path: 'src/a/index.ts', text: 'await run(() => wire());\n' },
    ];
    const tests: File[] = [
      { path: '__tests__/a/mirrored.itest.ts', text: '' },
      {
        path: '__tests__/b/across.test.ts',
        text: '// A behaviour.\n// covers: src/a/covered.ts, src/a/gone.ts\n',
      },
      { path: '__tests__/a/logic.spec.ts', text: '' },
    ];
    expect(checkMirror(sources, tests, new Set(['src/a/index.ts']))).toEqual({
      untested: ['src/a/logic.ts', 'src/a/method.ts', 'src/a/class.ts'],
      staleCovers: ['__tests__/b/across.test.ts: src/a/gone.ts'],
    });
  });
});

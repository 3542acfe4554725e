// The npm package (issue 19): it ships the self-contained dist/, both action.yml files and the
// docs, not the tests or the sources, and installs no runtime dependency, because every module
// dist/ loads is bundled into it or is a Node built-in. The packed tarball is installed into a
// temporary prefix and its `buildx-gate` command run, as `npm install -g` / `npx` would.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Over this many files the package ships more than dist/ and the docs. */
const MAX_FILES = 200;

interface PackFile {
  path: string;
  size: number;
}
interface Pack {
  filename: string;
  entryCount: number;
  unpackedSize: number;
  files: PackFile[];
}
interface Manifest {
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** What a package manager would get wrong with this tarball; empty when it is fit to publish. */
function packProblems(pack: Pack, manifest: Manifest, actionEntries: readonly string[]): string[] {
  const problems: string[] = [];
  const shipped = new Set(pack.files.map((f) => f.path));
  const tests = pack.files.filter((f) => f.path.startsWith('__tests__/'));
  if (tests.length) problems.push(`ships ${tests.length} files of __tests__/ (${tests[0]!.path}, ...)`);
  if (pack.entryCount >= MAX_FILES) problems.push(`ships ${pack.entryCount} files (under ${MAX_FILES})`);
  for (const [name, target] of Object.entries(manifest.bin ?? {}))
    if (!shipped.has(path.posix.normalize(target))) problems.push(`bin ${name} -> ${target} is not shipped`);
  for (const entry of actionEntries)
    if (!shipped.has(entry)) problems.push(`action entry ${entry} is not shipped`);
  return problems;
}

/** The bare module names that the JavaScript files under dir import or require. */
function bareImports(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(
      /(?:\brequire\(|\bfrom\s*|\bimport\(\s*|\bimport\s*)["']((?:@[\w.-]+\/)?[\w:-][\w.:-]*)(?:\/[\w./-]*)?["']/g,
    ))
      names.add(m[1]!);
  }
  return names;
}

const manifest: Manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Each action.yml's runs.main/pre/post, as a repository path. */
const actionEntries = ['action.yml', 'verify/action.yml'].flatMap((file) => {
  const { runs } = parseYaml(readFileSync(path.join(ROOT, file), 'utf8'));
  return ['pre', 'main', 'post']
    .filter((key) => runs[key])
    .map((key) => path.posix.normalize(path.posix.join(path.posix.dirname(file), runs[key])));
});

const npm = (args: string[], cwd = ROOT) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });

describe('the npm package', () => {
  it('ships dist/, the action.yml files and the docs, no tests, under 200 files', () => {
    const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as Pack[];
    expect(pack!.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['action.yml', 'verify/action.yml', 'README.md', 'LICENSE', 'CHANGELOG.md']),
    );
    expect(
      pack!.files.every((f) =>
        /^(dist\/|action\.yml$|verify\/action\.yml$|[A-Z]+\.md$|LICENSE$|package\.json$)/.test(f.path),
      ),
    ).toBe(true);
    expect(packProblems(pack!, manifest, actionEntries)).toEqual([]);
  });

  it('needs no runtime dependency: dist/ loads only what it bundles and Node built-ins', () => {
    const builtins = new Set(builtinModules);
    const imported = [...bareImports(path.join(ROOT, 'dist'))].filter(
      (name) => !name.startsWith('node:') && !builtins.has(name),
    );
    expect(imported).toEqual([]);
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
  });

  it('finds what would be wrong with a tarball', () => {
    const good: Pack = {
      filename: 'buildx-gate-1.0.0.tgz',
      entryCount: 3,
      unpackedSize: 3,
      files: ['dist/cli.js', 'dist/verify/index.js', 'package.json'].map((p) => ({ path: p, size: 1 })),
    };
    const bin = { bin: { 'buildx-gate': 'dist/cli.js' } };
    expect(packProblems(good, bin, ['dist/verify/index.js'])).toEqual([]);
    const withTests = { ...good, files: [...good.files, { path: '__tests__/a.test.ts', size: 1 }] };
    expect(packProblems(withTests, bin, [])).toEqual([
      'ships 1 files of __tests__/ (__tests__/a.test.ts, ...)',
    ]);
    expect(packProblems({ ...good, entryCount: 1371 }, bin, [])).toEqual(['ships 1371 files (under 200)']);
    expect(packProblems(good, { bin: { 'buildx-gate': './dist/gone.js' } }, [])).toEqual([
      'bin buildx-gate -> ./dist/gone.js is not shipped',
    ]);
    expect(packProblems(good, bin, ['dist/build/index.js'])).toEqual([
      'action entry dist/build/index.js is not shipped',
    ]);
    expect([...bareImports(path.join(ROOT, '__tests__/fixtures/release'))]).toEqual([
      'node:fs',
      'yaml',
      '@actions/core',
    ]);
  });

  it('installs from its tarball with nothing else and runs `buildx-gate`', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bxg-release-pack-'));
    try {
      const [pack] = JSON.parse(
        npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir]),
      ) as Pack[];
      const prefix = path.join(dir, 'prefix');
      npm(['install', '--global', '--offline', '--prefix', prefix, path.join(dir, pack!.filename)], dir);
      const help = execFileSync(path.join(prefix, 'bin', 'buildx-gate'), ['--help'], { encoding: 'utf8' });
      expect(help).toContain('usage: buildx-gate');
      // The version dist/ was built with is package.json's (esbuild define).
      const version = execFileSync(path.join(prefix, 'bin', 'buildx-gate'), ['--version'], {
        encoding: 'utf8',
      });
      const { version: packageVersion } = JSON.parse(
        readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'),
      ) as {
        version: string;
      };
      expect(version).toBe(`buildx-gate ${packageVersion}\n`);
      const installed = readdirSync(path.join(prefix, 'lib', 'node_modules'));
      expect(installed).toEqual(['buildx-gate']);
      expect(readdirSync(path.join(prefix, 'lib', 'node_modules', 'buildx-gate'))).not.toContain(
        'node_modules',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});

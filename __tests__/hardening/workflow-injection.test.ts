// A `${{ ... }}` expression inside `run:` is pasted into the script before the shell reads it, so
// any value an attacker can shape (a step output holding a Dockerfile RUN's text, a branch name, a
// PR title) becomes shell code. Every workflow we ship or show (this repository's workflows,
// examples/, the README's YAML) passes values through `env:` instead; this test holds that line.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** The YAML blocks of a Markdown file, with the file and line they start at. */
function markdownYaml(file: string): Array<{ where: string; text: string }> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Array<{ where: string; text: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.startsWith('```')) end++;
    blocks.push({ where: `${relative(ROOT, file)}:${start + 1}`, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Every `run:` script in a parsed document: workflow jobs' steps, composite steps, or a bare step list. */
function runScripts(node: unknown, path = ''): Array<{ path: string; run: string }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => runScripts(item, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const found: Array<{ path: string; run: string }> = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'run' && typeof value === 'string') found.push({ path: `${path}.run`, run: value });
    else found.push(...runScripts(value, `${path}.${key}`));
  }
  return found;
}

function expressionsInRun(text: string): string[] {
  const offenders: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    for (const { path, run } of runScripts(doc.toJS())) {
      const expressions = run.match(/\$\{\{[^}]*\}\}/g);
      if (expressions) offenders.push(`${path}: ${expressions.join(', ')}`);
    }
  }
  return offenders;
}

const sources = [
  ...yamlFiles(join(ROOT, '.github')).map((file) => ({
    where: relative(ROOT, file),
    text: readFileSync(file, 'utf8'),
  })),
  ...yamlFiles(join(ROOT, 'examples')).map((file) => ({
    where: relative(ROOT, file),
    text: readFileSync(file, 'utf8'),
  })),
  ...readdirSync(ROOT)
    .filter((name) => name.endsWith('.md'))
    .flatMap((name) => markdownYaml(join(ROOT, name))),
];

describe('no workflow we ship or show puts an expression into a run: script', () => {
  it('finds the workflows and the README blocks', () => {
    expect(sources.some((s) => s.where.startsWith('.github/workflows/'))).toBe(true);
    expect(sources.some((s) => s.where.startsWith('README.md:'))).toBe(true);
  });

  it.each(sources.map((s) => [s.where, s.text] as const))('%s passes values through env:', (_where, text) => {
    expect(expressionsInRun(text)).toEqual([]);
  });

  it('catches the pattern it guards against', () => {
    const bad = 'steps:\n  - run: test "${{ steps.build.outputs.failed-step }}" = x\n';
    expect(expressionsInRun(bad)).toHaveLength(1);
    const good =
      'steps:\n  - run: test "$FAILED_STEP" = x\n    env:\n      FAILED_STEP: ${{ steps.build.outputs.failed-step }}\n';
    expect(expressionsInRun(good)).toEqual([]);
  });
});

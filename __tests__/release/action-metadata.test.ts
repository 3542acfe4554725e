// The GitHub Marketplace's rules for the two action.yml files (issue 19): a name, a description
// of at most 125 characters, branding of our own (not Docker's anchor on blue), a Node runtime,
// and entry points that exist in dist/. Only the root action.yml can be listed; the verify
// action is used as <owner>/buildx-gate/verify@v1 (README, "Pinning").
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ACTION_FILES = ['action.yml', 'verify/action.yml'];

/** The Marketplace cuts a longer description. */
const MAX_DESCRIPTION = 125;
/** The colours action metadata accepts for branding. */
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
/** docker/build-push-action's branding: ours must be told apart from it. */
const DOCKER_BRANDING = { icon: 'anchor', color: 'blue' };

/** The parts of action.yml the Marketplace reads, as parsed: anything may be missing or mistyped. */
interface ActionMetadata {
  name?: unknown;
  description?: unknown;
  branding?: { icon?: unknown; color?: unknown };
  runs?: Record<string, unknown>;
}

/** What breaks the Marketplace's rules in one action.yml; `exists` answers for repository paths. */
function metadataProblems(
  file: string,
  doc: ActionMetadata,
  exists: (repoPath: string) => boolean,
): string[] {
  const problems: string[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  if (!text(doc?.name)) problems.push(`${file}: no name`);
  const description = text(doc?.description);
  if (!description) problems.push(`${file}: no description`);
  if (description.length > MAX_DESCRIPTION)
    problems.push(`${file}: description of ${description.length} characters (at most ${MAX_DESCRIPTION})`);
  const { icon, color } = doc?.branding ?? {};
  if (!text(icon)) problems.push(`${file}: no branding icon`);
  if (typeof color !== 'string' || !BRANDING_COLORS.includes(color))
    problems.push(`${file}: branding color ${color} is not one of ${BRANDING_COLORS}`);
  if (icon === DOCKER_BRANDING.icon) problems.push(`${file}: branding icon ${icon} is Docker's`);
  if (color === DOCKER_BRANDING.color) problems.push(`${file}: branding color ${color} is Docker's`);
  if (!/^node\d+$/.test(String(doc?.runs?.using)))
    problems.push(`${file}: runs.using ${doc?.runs?.using} is no Node runtime`);
  for (const key of ['main', 'pre', 'post']) {
    const entry = doc?.runs?.[key];
    if (entry === undefined && key !== 'main') continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), String(entry)));
    if (!target.startsWith('dist/')) problems.push(`${file}: runs.${key} ${entry} is not in dist/`);
    else if (!exists(target)) problems.push(`${file}: runs.${key} ${entry} does not exist`);
  }
  return problems;
}

const read = (file: string) => parseYaml(readFileSync(path.join(ROOT, file), 'utf8'));
const existsInRepo = (repoPath: string) => existsSync(path.join(ROOT, repoPath));

describe('action.yml metadata', () => {
  it.each(ACTION_FILES)('%s follows the Marketplace rules', (file) => {
    expect(metadataProblems(file, read(file), existsInRepo)).toEqual([]);
  });

  it('names each action differently, and both with one runtime', () => {
    const docs = ACTION_FILES.map(read);
    expect(new Set(docs.map((d) => d.name)).size).toBe(docs.length);
    expect(new Set(docs.map((d) => d.runs.using)).size).toBe(1);
  });

  const good = {
    name: 'x',
    description: 'Builds.',
    branding: { icon: 'layers', color: 'purple' },
    runs: { using: 'node24', main: '../dist/verify/index.js' },
  };
  const existing = (p: string) => p === 'dist/verify/index.js';

  it.each([
    ['no name', { name: ' ' }, 'no name'],
    ['a long description', { description: 'x'.repeat(126) }, 'description of 126 characters'],
    ["Docker's icon", { branding: { icon: 'anchor', color: 'purple' } }, "icon anchor is Docker's"],
    ["Docker's colour", { branding: { icon: 'layers', color: 'blue' } }, "color blue is Docker's"],
    ['no icon', { branding: { color: 'purple' } }, 'no branding icon'],
    ['a colour the metadata refuses', { branding: { icon: 'layers', color: 'pink' } }, 'color pink is not'],
    [
      'a composite action',
      { runs: { using: 'composite', main: '../dist/verify/index.js' } },
      'no Node runtime',
    ],
    ['a missing bundle', { runs: { using: 'node24', main: '../dist/verify/gone.js' } }, 'does not exist'],
    [
      'an entry outside dist/',
      { runs: { using: 'node24', main: '../src/verify-action/index.ts' } },
      'not in dist/',
    ],
    ['a missing post step', { runs: { ...good.runs, post: '../dist/verify/post.js' } }, 'runs.post'],
  ])('finds %s', (_, change, message) => {
    expect(metadataProblems('verify/action.yml', good, existing)).toEqual([]);
    const found = metadataProblems('verify/action.yml', { ...good, ...change }, existing);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });
});

#!/usr/bin/env node
// One version everywhere: package.json, CHANGELOG.md's newest dated entry, and the pins in
// README.md and examples/ (`@v1` for the major, `# v1.0.0` beside a full-SHA pin) must agree.
// The product's PRODUCT_VERSION is package.json's by construction (scripts/product-version.mjs);
// __tests__/release/versions.test.ts checks that the bundler really inlines it.
//
//   node scripts/release/versions.mjs [TAG]   exit 1 and name each disagreement (TAG: e.g. v1.0.0)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** Release headings `## [1.0.0] - 2026-12-04`, newest first, and whether an Unreleased one leads. */
export function changelogReleases(text) {
  const headings = [...text.matchAll(/^## \[([^\]\n]+)\](.*)$/gm)].map((m) => ({
    name: m[1],
    rest: m[2].trim(),
    at: m.index,
  }));
  const problems = [];
  if (headings[0]?.name !== 'Unreleased')
    problems.push('CHANGELOG.md: the first entry is not ## [Unreleased]');
  const releases = [];
  for (const [i, h] of headings.entries()) {
    const end = headings[i + 1]?.at ?? text.length;
    const sections = [...text.slice(h.at, end).matchAll(/^### (.+)$/gm)].map((m) => m[1].trim());
    const twice = sections.filter((s, j) => sections.indexOf(s) !== j);
    if (twice.length) problems.push(`CHANGELOG.md: [${h.name}] has more than one "${twice[0]}" heading`);
    if (h.name === 'Unreleased') continue;
    const date = /^- (\d{4}-\d{2}-\d{2})$/.exec(h.rest)?.[1];
    if (!SEMVER.test(h.name)) problems.push(`CHANGELOG.md: [${h.name}] is no version`);
    if (!date) problems.push(`CHANGELOG.md: [${h.name}] has no date (## [x.y.z] - YYYY-MM-DD)`);
    releases.push({ version: h.name, date: date ?? null });
  }
  return { releases, problems };
}

/** Every pin of this project's actions in a text: `buildx-gate@v1`, `…/verify@<sha> # v1.0.0`. */
export function pinsIn(file, text) {
  return [...text.matchAll(/buildx-gate(?:\/verify)?@([\w.-]+)(?: # (v[\w.-]+))?/g)].flatMap((m) =>
    [m[1], m[2]].filter((ref) => ref?.startsWith('v')).map((ref) => ({ file, ref })),
  );
}

/** The disagreements between the version and the places that name it; empty when all agree. */
export function disagreements({ version, changelog, pins, tag = null }) {
  const problems = [];
  const semver = SEMVER.exec(version ?? '');
  if (!semver) return [`package.json: version ${JSON.stringify(version)} is no x.y.z`];
  const { releases, problems: changelogProblems } = changelogReleases(changelog);
  problems.push(...changelogProblems);
  const newest = releases[0]?.version ?? null;
  if (newest !== version)
    problems.push(`CHANGELOG.md: the newest release is ${newest ?? 'none'}, package.json says ${version}`);
  if (pins.length === 0) problems.push('README.md and examples/ pin no version of the actions');
  for (const { file, ref } of pins) {
    if (ref !== `v${semver[1]}` && ref !== `v${version}`)
      problems.push(`${file}: pins ${ref}, package.json says ${version} (v${semver[1]} or v${version})`);
  }
  if (tag !== null && tag !== `v${version}`) problems.push(`tag ${tag}: package.json says ${version}`);
  return problems;
}

/** The places in this repository. */
export function readPlaces(root = ROOT) {
  const read = (file) => readFileSync(path.join(root, file), 'utf8');
  const examples = readdirSync(path.join(root, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|sh|md)$/.test(f))
    .sort()
    .map((f) => path.posix.join('examples', f.split(path.sep).join('/')));
  return {
    version: JSON.parse(read('package.json')).version,
    changelog: read('CHANGELOG.md'),
    pins: ['README.md', ...examples].flatMap((file) => pinsIn(file, read(file))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = disagreements({ ...readPlaces(), tag: process.argv[2] ?? null });
  for (const p of problems) console.error(p);
  if (!problems.length)
    console.log(`version ${readPlaces().version}: package.json, CHANGELOG.md and pins agree`);
  process.exitCode = problems.length ? 1 : 0;
}

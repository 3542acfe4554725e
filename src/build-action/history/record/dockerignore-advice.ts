// `.dockerignore` lines to propose for files that broke a COPY's cache and that the image most
// likely does not need: version control and CI metadata, docs, tests, logs, editor files, and
// large data or archives. Pure. Guards keep the advice from breaking a build: nothing the
// Dockerfile names, no lockfile or manifest, no tests when the build runs them, no `.git` when
// the build reads version control metadata (git commands, Go's -buildvcs, setuptools-scm and
// kin, BUILDKIT_CONTEXT_KEEP_GIT_DIR), and only files that came in through a broad copy.
import type { Dockerfile } from '../../../engine/index.js';
import { instructionText } from './record.js';
import type { FileChange } from './fingerprint.js';

export interface DockerignoreProposal {
  /** The line to add to .dockerignore. */
  pattern: string;
  /** Why the image is unlikely to need it. */
  reason: string;
  /** The changed files it covers. */
  files: string[];
}

export interface AdviceInput {
  dockerfile: Dockerfile;
  /** Changed files that broke a broad COPY (paths relative to the context root). */
  changes: readonly FileChange[];
  /** Current size of each context file, for the large-file rule. */
  sizes: ReadonlyMap<string, number>;
  /** The build-args given (names only matter). */
  buildArgNames: readonly string[];
}

/** A file at least this large with a data/archive/media extension is proposed. */
const LARGE_FILE_BYTES = 5_000_000;
/** Any file at least this large that nothing names is proposed. */
const HUGE_FILE_BYTES = 50_000_000;

const MANIFESTS =
  /(^|\/)(package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.(mod|sum)|Cargo\.(toml|lock)|requirements[^/]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(\.lock)?|setup\.(py|cfg)|Gemfile(\.lock)?|pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties|composer\.(json|lock)|mix\.(exs|lock)|Makefile)$/;
const DATA_EXTENSIONS =
  /\.(zip|tar|tgz|gz|bz2|xz|zst|7z|rar|iso|img|dmg|sql|dump|bak|csv|tsv|parquet|jsonl|ndjson|mp4|mov|avi|mkv|wav|mp3|psd|bin|dat|log)$/i;

interface Rule {
  /** The directory or file pattern to propose for a matching path, or null. */
  match: (file: string) => string | null;
  reason: string;
  /** The build may read these: do not propose when the guard says so. */
  guard?: (facts: BuildFacts) => boolean;
}

interface BuildFacts {
  runText: string;
  readsVcs: boolean;
  runsTests: boolean;
}

const dirRule = (names: string[]) => (file: string) => {
  const parts = file.split('/');
  const index = parts.findIndex((p, i) => i < parts.length - 1 && names.includes(p));
  return index < 0 ? null : parts.slice(0, index + 1).join('/');
};

const RULES: Rule[] = [
  {
    match: dirRule(['.git']),
    reason: 'version control metadata',
    guard: (f) => f.readsVcs,
  },
  { match: dirRule(['.github', '.gitlab', '.circleci', '.buildkite']), reason: 'CI configuration' },
  {
    match: (f) =>
      /(^|\/)(\.gitlab-ci\.yml|\.travis\.yml|azure-pipelines\.yml|Jenkinsfile)$/.test(f) ? f : null,
    reason: 'CI configuration',
  },
  { match: dirRule(['.vscode', '.idea', '.devcontainer']), reason: 'editor settings' },
  { match: dirRule(['docs', 'doc']), reason: 'documentation' },
  {
    match: (f) =>
      /\.(md|rst|adoc)$/i.test(f) && !/(^|\/)(README|LICENSE|NOTICE|COPYING)[^/]*$/i.test(f) ? f : null,
    reason: 'documentation',
  },
  {
    match: dirRule(['test', 'tests', '__tests__', 'spec', 'e2e', 'testdata', '__snapshots__']),
    reason: 'tests',
    guard: (f) => f.runsTests,
  },
  {
    match: (f) =>
      /(_test\.go|\.(test|spec)\.[cm]?[jt]sx?|_spec\.rb|(^|\/)test_[^/]+\.py)$/.test(f) ? f : null,
    reason: 'tests',
    guard: (f) => f.runsTests,
  },
  {
    match: dirRule(['coverage', '.nyc_output', 'logs', 'tmp', '.cache']),
    reason: 'logs, caches or coverage output',
  },
  {
    match: (f) =>
      /(^|\/)(docker-compose[^/]*\.ya?ml|compose\.ya?ml|[^/]*\.?Dockerfile|Dockerfile[^/]*|\.dockerignore)$/.test(
        f,
      )
        ? f
        : null,
    reason:
      'Docker build files (BuildKit reads the Dockerfile and .dockerignore without them in the context)',
  },
];

function buildFacts(dockerfile: Dockerfile, buildArgNames: readonly string[]): BuildFacts {
  const runText = dockerfile.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args)
    .join('\n');
  const readsVcs =
    /\bgit\b/.test(runText) ||
    (/\bgo\s+(build|install)\b/.test(runText) && !/-buildvcs=false/.test(runText)) ||
    /setuptools[-_]scm|hatch-vcs|versioneer|dunamai|poetry-dynamic-versioning|git-describe|\.git\b/.test(
      runText,
    ) ||
    dockerfile.instructions.some((i) => /(^|\s|=)\.git(\/|\s|,|$)/.test(i.args)) ||
    buildArgNames.includes('BUILDKIT_CONTEXT_KEEP_GIT_DIR');
  const runsTests = /\b(test|tests|pytest|jest|vitest|mocha|rspec|phpunit|tox|nox|check|verify)\b/.test(
    runText,
  );
  return { runText, readsVcs, runsTests };
}

/** Whether the Dockerfile names the path (or a directory of it) anywhere: then the build needs it. */
function namedByDockerfile(dockerfile: Dockerfile, candidate: string): boolean {
  const base = candidate.split('/').pop() ?? candidate;
  const text = dockerfile.instructions
    .filter((i) => i.keyword !== 'FROM')
    .map((i) => instructionText(i))
    .join('\n');
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (
    new RegExp(`(^|[\\s/="'\\[,])(\\./)?${escaped(candidate)}(?=$|[\\s/"',\\]])`, 'm').test(text) ||
    (base.length > 3 &&
      base !== candidate &&
      new RegExp(`(^|[\\s/="'])${escaped(base)}(?=$|[\\s"',\\]])`, 'm').test(text))
  );
}

export function proposeDockerignore(input: AdviceInput): DockerignoreProposal[] {
  const facts = buildFacts(input.dockerfile, input.buildArgNames);
  const byPattern = new Map<string, DockerignoreProposal>();
  for (const change of input.changes) {
    if (change.change === 'removed' || change.path.endsWith('/')) continue;
    const file = change.path;
    if (MANIFESTS.test(file)) continue;
    let proposal: { pattern: string; reason: string } | null = null;
    for (const rule of RULES) {
      const pattern = rule.match(file);
      if (pattern === null) continue;
      if (rule.guard?.(facts)) {
        proposal = null;
        break;
      }
      proposal = { pattern, reason: rule.reason };
      break;
    }
    if (proposal === null) {
      const size = input.sizes.get(file) ?? 0;
      if ((size >= LARGE_FILE_BYTES && DATA_EXTENSIONS.test(file)) || size >= HUGE_FILE_BYTES)
        proposal = { pattern: file, reason: `a large data file (${Math.round(size / 1_000_000)} MB)` };
    }
    if (proposal === null || namedByDockerfile(input.dockerfile, proposal.pattern)) continue;
    const existing = byPattern.get(proposal.pattern);
    if (existing) existing.files.push(file);
    else byPattern.set(proposal.pattern, { ...proposal, files: [file] });
  }
  return [...byPattern.values()];
}

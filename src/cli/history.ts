// `buildx-gate analyze LOG --history-dir DIR ...`: the build action's history for other CIs. The
// records live in a directory the CI keeps between builds (a cache directory, a volume); the
// same record, blame and comparison as the action, printed as text (or under `history` in the
// JSON report). A regression gate that fails makes the command exit 1.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDockerfile, type BuildReport } from '../engine/index.js';
import {
  parseCacheExportLimit,
  parseContextGrowth,
  parseDurationIncrease,
  parseRatioDrop,
} from '../shared/growth-limits.js';
import { terminalLine } from '../shared/text.js';
import { formatBytes, formatDuration } from '../shared/units.js';
import {
  describeCause,
  directoryStore,
  recordPrefix,
  recordVariant,
  startHistory,
  type HistoryResult,
  type RegressionSettings,
} from '../build-action/history/index.js';
import { UsageError, type CliIO } from './io.js';

export const HISTORY_USAGE = `history (with --history-dir):
  --history-dir DIR         keep build records in DIR (kept between builds by your CI)
  --context DIR             the build context (default: the working directory)
  --dockerfile FILE         the Dockerfile (default: DIR/Dockerfile of the context)
  --target NAME             the target built; --build-arg NAME=VALUE (repeatable) as given to buildx
  --branch NAME             this build's branch (default: from CI variables, else main)
  --default-branch NAME     the branch pull requests are compared with (default: main)
  --commit SHA              the commit built; --history-key NAME  tells pipelines apart (default: cli)
  --max-duration-increase +20%|+60s   --max-cache-ratio-drop POINTS
  --max-context-growth +10%|+50MB     --max-cache-export 2m|+30s|+50%
                            regression gates against the default branch: exit 1 when one fails`;

export interface HistoryArgs {
  dir: string;
  context: string | null;
  dockerfile: string | null;
  target: string;
  branch: string | null;
  defaultBranch: string;
  commit: string | null;
  buildArgs: string[];
  key: string;
  regression: RegressionSettings;
}

export const HISTORY_VALUE_OPTIONS = [
  '--history-dir',
  '--context',
  '--dockerfile',
  '--target',
  '--branch',
  '--default-branch',
  '--commit',
  '--build-arg',
  '--history-key',
  '--max-duration-increase',
  '--max-cache-ratio-drop',
  '--max-context-growth',
  '--max-cache-export',
] as const;

export function historyArgs(values: Map<string, string[]>): HistoryArgs | null {
  const one = (name: string) => values.get(name)?.at(-1) ?? null;
  const dir = one('--history-dir');
  if (dir === null) {
    const stray = [...values.keys()][0];
    if (stray !== undefined) throw new UsageError(`${stray} needs --history-dir`);
    return null;
  }
  const limit = <T>(name: string, parse: (t: string) => T | null, expected: string): T | null => {
    const value = one(name);
    if (value === null) return null;
    const parsed = parse(value);
    if (parsed === null) throw new UsageError(`${name}: expected ${expected}, got '${value}'`);
    return parsed;
  };
  return {
    dir,
    context: one('--context'),
    dockerfile: one('--dockerfile'),
    target: one('--target') ?? '',
    branch: one('--branch'),
    defaultBranch: one('--default-branch') ?? 'main',
    commit: one('--commit'),
    buildArgs: values.get('--build-arg') ?? [],
    key: one('--history-key') ?? 'cli',
    regression: {
      maxDurationIncrease: limit(
        '--max-duration-increase',
        parseDurationIncrease,
        'a growth like +20% or +60s',
      ),
      maxCacheRatioDrop: limit('--max-cache-ratio-drop', parseRatioDrop, 'percentage points, e.g. 10'),
      maxContextGrowth: limit('--max-context-growth', parseContextGrowth, 'a growth like +10% or +50MB'),
      maxCacheExport: limit('--max-cache-export', parseCacheExportLimit, 'a maximum like 2m, or +30s / +50%'),
    },
  };
}

/** The branch from the usual CI variables (GitHub, GitLab, Jenkins, Buildkite, CircleCI). */
function branchFromEnv(env: NodeJS.ProcessEnv): string | null {
  for (const name of [
    'GITHUB_HEAD_REF',
    'GITHUB_REF_NAME',
    'CI_COMMIT_REF_NAME',
    'BRANCH_NAME',
    'BUILDKITE_BRANCH',
    'CIRCLE_BRANCH',
  ]) {
    if (env[name]) return env[name]!;
  }
  return null;
}

export async function runHistory(args: HistoryArgs, report: BuildReport, io: CliIO): Promise<HistoryResult> {
  const context = path.resolve(io.cwd, args.context ?? '.');
  const dockerfilePath =
    args.dockerfile !== null ? path.resolve(io.cwd, args.dockerfile) : path.join(context, 'Dockerfile');
  const text = await readFile(dockerfilePath, 'utf8').catch(() => {
    throw new UsageError(`cannot read the Dockerfile '${dockerfilePath}' (--dockerfile)`);
  });
  const dockerfileRepoPath = path.relative(io.cwd, dockerfilePath).split(path.sep).join('/');
  const session = startHistory(
    {
      store: directoryStore(path.resolve(io.cwd, args.dir), {
        prefix: recordPrefix({ workflow: args.key, dockerfile: dockerfileRepoPath, target: args.target }),
        variant: recordVariant(args.buildArgs),
      }),
      branch: args.branch ?? branchFromEnv(io.env) ?? 'main',
      defaultBranch: args.defaultBranch,
      contextDir: context,
      dockerfilePath,
      dockerfile: parseDockerfile(text),
      dockerfileRepoPath,
      commit: args.commit,
      target: args.target,
      platforms: [],
      buildArgs: args.buildArgs,
      noCache: false,
      noCacheFilters: [],
      settings: args.regression,
    },
    () => performance.now(),
  );
  return session.finish(report, report.totals.durationMs ?? 0);
}

/** The history as text for a terminal or a CI log; every line is made inert (terminalLine). */
export function renderHistoryText(result: HistoryResult): string {
  const lines: string[] = ['', 'History'];
  if (result.blames.length === 0) lines.push('  every step came from the cache');
  for (const b of result.blames) {
    lines.push(`  cache miss in ${b.stage ?? `stage-${b.stageIndex}`} at line ${b.line} (${b.instruction}):`);
    lines.push(`    ${describeCause(b.cause)}`);
    lines.push(
      `    cost ${formatDuration(b.costMs)} (${b.rerunSteps} steps)${b.totalCostMs > b.costMs ? `, ${formatDuration(b.totalCostMs)} with the stages it forced` : ''}`,
    );
  }
  if (result.proposals.length > 0) {
    lines.push('  add to .dockerignore (changed files the image does not seem to need):');
    for (const p of result.proposals) lines.push(`    ${p.pattern}    # ${p.reason}`);
  }
  const r = result.regression;
  if (r.baseline !== null) {
    const d = (label: string, before: number | null, after: number | null, f: (n: number) => string) =>
      `  ${label}: ${before === null ? 'n/a' : f(before)} -> ${after === null ? 'n/a' : f(after)}`;
    lines.push(`  compared with ${r.baseline.branch ?? '?'} at ${(r.baseline.commit ?? '?').slice(0, 7)}:`);
    lines.push(d('  duration', r.duration.before, r.duration.after, formatDuration));
    lines.push(
      d('  cache hit ratio', r.cacheRatio.before, r.cacheRatio.after, (n) => `${Math.round(n * 100)}%`),
    );
    lines.push(d('  build context', r.contextBytes.before, r.contextBytes.after, formatBytes));
    lines.push(d('  cache export', r.cacheExportMs.before, r.cacheExportMs.after, formatDuration));
  }
  for (const g of r.gates)
    lines.push(`  ${g.passed ? 'pass' : 'FAIL'} ${g.gate}: ${g.message}${g.excess ? ` (${g.excess})` : ''}`);
  for (const w of result.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  record ${result.saved === 'not-saved' ? 'not saved' : 'saved'}`);
  // Names from the context (changed files) and from records (branches) are text a terminal or a CI
  // log must show as such: each line loses escapes and controls, a line break in a name becomes a
  // space, and no line starts with `::` (a runner would read it as a workflow command).
  return `${lines.map(terminalLine).join('\n')}\n`;
}

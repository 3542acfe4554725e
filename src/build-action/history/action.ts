// The build action's side of history: who this build is (workflow, target, branch, default
// branch) from the runner's environment, the store (the Actions cache unless a test gives
// another), and the job's running table of compared builds. Thin: the decisions are in
// session.ts and the modules it calls.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dockerfile } from '../../engine/index.js';
import type { Inputs } from '../inputs.js';
import { actionsCacheStore, isActionsCacheAvailable } from './store/actions-cache-store.js';
import type { JobRow } from './render.js';
import { recordPrefix, recordVariant, type CacheKeys, type HistoryStore } from './store/store.js';
import { startHistory, type HistoryResult, type HistorySession } from './session.js';

export const HISTORY_UNAVAILABLE =
  'Build history is off for this run: the Actions cache service is not available (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL unset). Set history: false to silence this.';

export type StoreFactory = (keys: CacheKeys) => HistoryStore;

export interface HistoryContext {
  inputs: Inputs;
  env: NodeJS.ProcessEnv;
  contextDir: string | null;
  dockerfilePath: string | null;
  dockerfileRepoPath: string | null;
  dockerfile: Dockerfile | null;
  now: () => number;
  createStore?: StoreFactory;
}

export type HistoryStart = { session: HistorySession; label: string } | { session: null; notice: string };

export function startActionHistory(ctx: HistoryContext): HistoryStart {
  const { env, inputs } = ctx;
  if (ctx.createStore === undefined && !isActionsCacheAvailable(env)) {
    return { session: null, notice: HISTORY_UNAVAILABLE };
  }
  const workflow = workflowOf(env);
  const prefix = recordPrefix({
    workflow,
    dockerfile: ctx.dockerfileRepoPath ?? inputs.file ?? 'Dockerfile',
    target: inputs.target,
    platforms: inputs.platforms,
  });
  const uniqueSuffix = [
    env.GITHUB_RUN_ID ?? 'local',
    env.GITHUB_RUN_ATTEMPT ?? '1',
    env.GITHUB_ACTION ?? 'build',
    Date.now().toString(36),
  ].join('-');
  const keys = { prefix, variant: recordVariant(inputs.buildArgs), uniqueSuffix };
  const store = (ctx.createStore ?? actionsCacheStore)(keys);
  const session = startHistory(
    {
      store,
      branch: branchOf(env),
      defaultBranch: defaultBranchOf(env),
      contextDir: ctx.contextDir,
      dockerfilePath: ctx.dockerfilePath,
      dockerfile: ctx.dockerfile,
      dockerfileRepoPath: ctx.dockerfileRepoPath,
      commit: env.GITHUB_SHA || null,
      target: inputs.target,
      platforms: inputs.platforms,
      buildArgs: inputs.buildArgs,
      noCache: inputs.noCache,
      noCacheFilters: inputs.noCacheFilters,
      settings: inputs.regression,
    },
    ctx.now,
  );
  const label = [inputs.target || ctx.dockerfileRepoPath || 'build', inputs.platforms.join(',')]
    .filter((s) => s !== '')
    .join(' ');
  return { session, label };
}

/** The workflow file (`.github/workflows/ci.yml` from GITHUB_WORKFLOW_REF), else its name. */
export function workflowOf(env: NodeJS.ProcessEnv): string {
  const ref = env.GITHUB_WORKFLOW_REF;
  if (ref) {
    const match = /^[^/]+\/[^/]+\/(.+?)@/.exec(ref);
    if (match) return match[1]!;
  }
  return env.GITHUB_WORKFLOW || 'local';
}

/** The pull request's head branch, else the pushed branch or tag. */
export function branchOf(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_HEAD_REF) return env.GITHUB_HEAD_REF;
  if (env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME;
  const ref = env.GITHUB_REF ?? '';
  return ref.replace(/^refs\/(heads|tags)\//, '') || 'local';
}

/** The repository's default branch from the event payload; `main` when the run does not say. */
export function defaultBranchOf(
  env: NodeJS.ProcessEnv,
  readEvent: (file: string) => string | null = readEventSync,
): string {
  const file = env.GITHUB_EVENT_PATH;
  if (file) {
    const text = readEvent(file);
    if (text !== null) {
      try {
        const payload = JSON.parse(text) as { repository?: { default_branch?: unknown } };
        if (typeof payload.repository?.default_branch === 'string') return payload.repository.default_branch;
      } catch {
        // Not JSON: fall through.
      }
    }
  }
  return 'main';
}

function readEventSync(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Builds of one job fold into one table: each step adds its row to a file in the job's temp
 * directory and shows every row so far (the last build's summary holds the whole table).
 */
export async function addJobRow(env: NodeJS.ProcessEnv, row: JobRow): Promise<JobRow[]> {
  const dir = env.RUNNER_TEMP;
  if (!dir) return [row];
  const file = path.join(
    dir,
    `buildx-gate-history-${(env.GITHUB_JOB ?? 'job').replace(/[^\w.-]/g, '_')}.json`,
  );
  let rows: JobRow[] = [];
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (Array.isArray(parsed)) rows = parsed as JobRow[];
  } catch {
    rows = [];
  }
  rows.push(row);
  await writeFile(file, JSON.stringify(rows)).catch(() => undefined);
  return rows;
}

export type { HistoryResult };

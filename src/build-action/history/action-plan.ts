// The build action's plan for a build's history, made before buildx starts: who this build is
// (workflow, Dockerfile, target, branch, default branch) from the runner's environment, and where
// its records live (the GitHub Actions cache, unless a test gives another store). The one place
// that decides whether history can run at all, and says why when it cannot. The session
// (session.ts) does the rest; the CLI makes its own plan (src/cli/history.ts).
import { readFileSync } from 'node:fs';
import { parseDockerfile } from '../../engine/index.js';
import type { RegressionSettings } from './record/regression.js';
import type { HistoryPlan } from './session.js';
import { actionsCacheStore, isActionsCacheAvailable } from './store/actions-cache-store.js';
import { recordPrefix, recordVariant } from './store/record-keys.js';
import type { StoreFactory } from './store/store.js';

export const HISTORY_UNAVAILABLE =
  'Build history is off for this run: the Actions cache service is not available (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL unset). Set history: false to silence this.';

/** What history reads of the action's inputs (the build action's Inputs has these fields). */
export interface HistoryInputs {
  file: string;
  target: string;
  platforms: string[];
  buildArgs: string[];
  noCache: boolean;
  noCacheFilters: string[];
  regression: RegressionSettings;
}

export interface ActionHistoryContext {
  inputs: HistoryInputs;
  env: NodeJS.ProcessEnv;
  contextDir: string | null;
  /** Absolute path of the Dockerfile, null when it cannot be read here. */
  dockerfilePath: string | null;
  /** The Dockerfile's path in the repository, null when outside it. */
  dockerfileRepoPath: string | null;
  readText: (file: string) => Promise<string | null>;
  /** Where records are kept instead of the GitHub Actions cache (tests). */
  store?: StoreFactory;
  /** How the GitHub Actions cache is reached; its client in this process when absent. */
  cacheStore?: StoreFactory;
}

/**
 * The plan, and the build's label in the job's table; or no history for this build, and why:
 * the cache service is not there (a notice), or history failed to start (a warning; the build
 * goes on either way).
 */
export type ActionHistoryPlan =
  { plan: HistoryPlan; label: string } | { plan: null; failed: boolean; message: string };

export async function planActionHistory(ctx: ActionHistoryContext): Promise<ActionHistoryPlan> {
  // A store given by a test needs no cache service; the Actions cache, however reached, does.
  const createStore =
    ctx.store ?? (isActionsCacheAvailable(ctx.env) ? (ctx.cacheStore ?? actionsCacheStore) : null);
  if (createStore === null) return { plan: null, failed: false, message: HISTORY_UNAVAILABLE };
  try {
    return await planWith(createStore, ctx);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      plan: null,
      failed: true,
      message: `buildx-gate history could not start (the build is unaffected): ${detail}`,
    };
  }
}

/** The plan itself: who this build is (from the runner's environment), and its store. */
async function planWith(
  createStore: StoreFactory,
  ctx: ActionHistoryContext,
): Promise<{ plan: HistoryPlan; label: string }> {
  const { env, inputs } = ctx;
  const text = ctx.dockerfilePath === null ? null : await ctx.readText(ctx.dockerfilePath);
  const prefix = recordPrefix({
    workflow: workflowOf(env),
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
  const store = createStore({ prefix, variant: recordVariant(inputs.buildArgs), uniqueSuffix });
  const plan: HistoryPlan = {
    store,
    branch: branchOf(env),
    defaultBranch: defaultBranchOf(env),
    contextDir: ctx.contextDir,
    dockerfilePath: ctx.dockerfilePath,
    dockerfile: text === null ? null : parseDockerfile(text),
    dockerfileRepoPath: ctx.dockerfileRepoPath,
    commit: env.GITHUB_SHA || null,
    target: inputs.target,
    platforms: inputs.platforms,
    buildArgs: inputs.buildArgs,
    noCache: inputs.noCache,
    noCacheFilters: inputs.noCacheFilters,
    settings: inputs.regression,
  };
  const label = [inputs.target || ctx.dockerfileRepoPath || 'build', inputs.platforms.join(',')]
    .filter((s) => s !== '')
    .join(' ');
  return { plan, label };
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

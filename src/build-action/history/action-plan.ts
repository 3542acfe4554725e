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

const HISTORY_UNAVAILABLE =
  'Build history is off for this run: the Actions cache service is not available (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL unset). Set history: false to silence this.';

/** What history reads of the action's inputs (the build action's Inputs has these fields). */
interface HistoryInputs {
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
  const identity = buildIdentity(env);
  const plan: HistoryPlan = {
    store,
    branch: identity.branch,
    defaultBranch: identity.baseline,
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
function workflowOf(env: NodeJS.ProcessEnv): string {
  const ref = env.GITHUB_WORKFLOW_REF;
  if (ref) {
    const match = /^[^/]+\/[^/]+\/(.+?)@/.exec(ref);
    if (match) return match[1]!;
  }
  return env.GITHUB_WORKFLOW || 'local';
}

/** Who this build is in the record's keys: its branch, and the branch it is compared with. */
export interface BuildIdentity {
  /** `pr-<number>` for a pull request, else the pushed branch or tag. */
  branch: string;
  /** The regression baseline: a pull request's base branch, else the repository's default branch. */
  baseline: string;
}

interface EventPayload {
  number?: unknown;
  pull_request?: { number?: unknown; base?: { ref?: unknown } };
  repository?: { default_branch?: unknown };
}

/**
 * The identity comes from the event, never from a branch name alone: a pull request's head branch
 * is named by whoever opened it (a fork's `main`), so a `pull_request*` event is never the default
 * branch. It is `pr-<number>` (from the payload, else GITHUB_REF `refs/pull/<n>/merge`), compared
 * with its base branch (the payload's, else GITHUB_BASE_REF), which is where GitHub lets a pull
 * request read caches from. Other events are their pushed branch or tag (GITHUB_REF_NAME).
 */
export function buildIdentity(
  env: NodeJS.ProcessEnv,
  readEvent: (file: string) => string | null = readEventSync,
): BuildIdentity {
  const payload = readPayload(env, readEvent);
  const defaultBranch =
    typeof payload.repository?.default_branch === 'string' && payload.repository.default_branch !== ''
      ? payload.repository.default_branch
      : 'main';
  const event = env.GITHUB_EVENT_NAME ?? '';
  const pullRequest = event.startsWith('pull_request') || (event === '' && Boolean(env.GITHUB_HEAD_REF));
  if (!pullRequest) {
    const ref = env.GITHUB_REF_NAME || (env.GITHUB_REF ?? '').replace(/^refs\/(heads|tags)\//, '') || 'local';
    return { branch: ref, baseline: defaultBranch };
  }
  const baseRef = payload.pull_request?.base?.ref;
  const baseline =
    typeof baseRef === 'string' && baseRef !== '' ? baseRef : env.GITHUB_BASE_REF || defaultBranch;
  const number = pullRequestNumber(payload, env);
  let branch = number === null ? 'pr-unknown' : `pr-${number}`;
  // Never the baseline's own scope, whatever the branches are called.
  if (branch === baseline || branch === defaultBranch) branch = `${branch}-pull-request`;
  return { branch, baseline };
}

function pullRequestNumber(payload: EventPayload, env: NodeJS.ProcessEnv): number | null {
  for (const candidate of [payload.pull_request?.number, payload.number]) {
    if (typeof candidate === 'number' && Number.isSafeInteger(candidate) && candidate > 0) return candidate;
  }
  const ref =
    /^refs\/pull\/(\d{1,12})\//.exec(env.GITHUB_REF ?? '') ??
    /^(\d{1,12})\/merge$/.exec(env.GITHUB_REF_NAME ?? '');
  return ref ? Number(ref[1]) : null;
}

function readPayload(env: NodeJS.ProcessEnv, readEvent: (file: string) => string | null): EventPayload {
  const file = env.GITHUB_EVENT_PATH;
  const text = file ? readEvent(file) : null;
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as EventPayload) : {};
  } catch {
    return {};
  }
}

function readEventSync(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

// One build's history, start to finish: while buildx runs, restore the previous records and
// fingerprint the files the Dockerfile copies (both overlap the build, so history costs the
// user almost nothing); after it, make this build's record, blame each cache miss, compare
// with the default branch, and save. Any failure of the store is a warning and the build goes
// on: history is advice, never a reason for a red build on its own. startHistory() is the one
// way in, for the build action (its plan from action-plan.ts) and the CLI (src/cli/history.ts).
import type { BuildReport, Dockerfile } from '../../engine/index.js';
import { blameCacheMisses, sourceKey, type Blame } from './record/blame.js';
import { proposeDockerignore, type DockerignoreProposal } from './record/dockerignore-advice.js';
import { fingerprintSources } from './record/source-fingerprints.js';
import { makeRecord, parseRecord, serializeRecord, type BuildRecord } from './record/record.js';
import { compareWithBaseline, type Regression, type RegressionSettings } from './record/regression.js';
import type { HistoryStore, RestoredRecord, SaveOutcome } from './store/store.js';

export interface HistoryPlan {
  store: HistoryStore;
  /** This build's branch, and the repository's default branch (the regression baseline). */
  branch: string;
  defaultBranch: string;
  /** Local directory of the build context, null for remote contexts (no fingerprints then). */
  contextDir: string | null;
  /** Absolute path of the Dockerfile (for `<Dockerfile>.dockerignore`), and its parsed form. */
  dockerfilePath: string | null;
  dockerfile: Dockerfile | null;
  /** Repository-relative path of the Dockerfile, for the record. */
  dockerfileRepoPath: string | null;
  commit: string | null;
  target: string;
  platforms: string[];
  buildArgs: string[];
  noCache: boolean;
  noCacheFilters: string[];
  settings: RegressionSettings;
}

export interface HistoryResult {
  record: BuildRecord;
  /** The record blame compared with (this branch's latest, else the default branch's). */
  previous: BuildRecord | null;
  blames: Blame[];
  proposals: DockerignoreProposal[];
  /** Against the default branch (pull requests and other branches) or the previous default build. */
  regression: Regression;
  /** True when the gates judge this build (not on the default branch itself). */
  gated: boolean;
  /** `deferred`: the cache worker saves it after the step; the post step says how that went. */
  saved: SaveOutcome | 'not-saved';
  warnings: string[];
  /** What the cache client printed while buildx ran, to be written out now. */
  heldLog: string;
  /** Time spent after the build ended (record, blame, compare, save). */
  finishMs: number;
}

/** How long the build waits, once buildx is done, for the record restore and the save. */
const RESTORE_WAIT_MS = 15_000;
const SAVE_WAIT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The build context's size as the action measured it (explain/context-size.ts has the same shape). */
interface MeasuredContext {
  bytes: number | null;
  measured: 'context-directory' | 'transferred';
  transferredBytes: number | null;
}

export interface HistorySession {
  /** Without `context`, the record keeps the log's transferred figure (the CLI). */
  finish(report: BuildReport, durationMs: number, context?: MeasuredContext): Promise<HistoryResult>;
}

export function startHistory(plan: HistoryPlan, now: () => number): HistorySession {
  const warnings: string[] = [];
  const scopes = plan.branch === plan.defaultBranch ? [plan.branch] : [plan.branch, plan.defaultBranch];
  const restoring = restoreRecords(plan.store, scopes, plan.defaultBranch, warnings);
  const fingerprinting =
    plan.contextDir !== null && plan.dockerfile !== null
      ? fingerprintSources(plan.contextDir, plan.dockerfilePath, plan.dockerfile).catch((error: unknown) => {
          warnings.push(`could not fingerprint the build context: ${messageOf(error)}`);
          return null;
        })
      : Promise.resolve(null);
  // Nothing may reject unobserved while buildx runs.
  void restoring.catch(() => undefined);

  return {
    async finish(report, durationMs, context) {
      const [{ previous, baseline }, fingerprints] = await Promise.all([
        withTimeout(restoring, RESTORE_WAIT_MS, () => {
          warnings.push(
            `reading the build record from ${plan.store.description} took over ${RESTORE_WAIT_MS / 1000} s after the build; went on without it`,
          );
          return { previous: null, baseline: null };
        }),
        fingerprinting,
      ]);
      const started = now();
      const record = makeRecord(report, plan.dockerfile, {
        commit: plan.commit,
        branch: plan.branch,
        dockerfileRepoPath: plan.dockerfileRepoPath,
        target: plan.target || null,
        platforms: plan.platforms,
        durationMs,
        buildArgs: plan.buildArgs,
        sources: fingerprints?.sources ?? [],
        now: new Date(),
        ...(context ? { context } : {}),
      });
      const blames =
        plan.dockerfile === null
          ? []
          : blameCacheMisses({
              dockerfile: plan.dockerfile,
              report,
              current: record,
              previous,
              noCache: plan.noCache,
              noCacheStages: plan.noCacheFilters,
            });
      const proposals =
        plan.dockerfile === null || fingerprints === null
          ? []
          : proposeDockerignore({
              dockerfile: plan.dockerfile,
              changes: blames.flatMap((b) =>
                b.cause.kind === 'files' && fingerprints.broadKeys.has(blameKey(plan.dockerfile!, b))
                  ? b.cause.changes
                  : [],
              ),
              sizes: fingerprints.sizes,
              buildArgNames: plan.buildArgs.map((a) => a.split('=')[0] ?? a),
            });
      const gated = plan.branch !== plan.defaultBranch;
      const regression = compareWithBaseline(
        record,
        gated ? baseline : previous,
        gatedSettings(plan.settings, gated),
      );
      let saved: HistoryResult['saved'] = 'not-saved';
      // A failed or cancelled build is no baseline: it stopped early and would look fast.
      if (report.outcome === 'success') {
        try {
          saved = await withTimeout<HistoryResult['saved']>(
            plan.store.save(plan.branch, serializeRecord(record)),
            SAVE_WAIT_MS,
            () => {
              warnings.push(
                `saving the build record to ${plan.store.description} took over ${SAVE_WAIT_MS / 1000} s; went on without it`,
              );
              return 'not-saved';
            },
          );
        } catch (error) {
          warnings.push(`could not save the build record to ${plan.store.description}: ${messageOf(error)}`);
        }
      }
      plan.store.close?.();
      return {
        record,
        previous,
        blames,
        proposals,
        regression,
        gated,
        saved,
        warnings,
        heldLog: plan.store.drainLog?.() ?? '',
        finishMs: now() - started,
      };
    },
  };
}

/** On the default branch the growth gates have nothing to judge against; ceilings still apply. */
function gatedSettings(settings: RegressionSettings, gated: boolean): RegressionSettings {
  if (gated) return settings;
  return {
    maxDurationIncrease: null,
    maxCacheRatioDrop: null,
    maxContextGrowth: null,
    maxCacheExport: settings.maxCacheExport?.kind === 'ceiling' ? settings.maxCacheExport : null,
  };
}

async function restoreRecords(
  store: HistoryStore,
  scopes: string[],
  defaultBranch: string,
  warnings: string[],
): Promise<{ previous: BuildRecord | null; baseline: BuildRecord | null }> {
  const read = async (wanted: string[]): Promise<{ record: BuildRecord; scope: string } | null> => {
    let restored: RestoredRecord | null;
    try {
      restored = await store.restore(wanted);
    } catch (error) {
      warnings.push(`could not read the build record from ${store.description}: ${messageOf(error)}`);
      return null;
    }
    if (restored === null) return null;
    const { record, problem } = parseRecord(restored.text);
    // Said once: the latest record and the baseline may be the same bad one. The next save supersedes it.
    const warning = `${problem}; it is ignored, and this build's record replaces it`;
    if (problem !== null && !warnings.includes(warning)) warnings.push(warning);
    return record === null ? null : { record, scope: restored.scope };
  };
  const latest = await read(scopes);
  const previous = latest?.record ?? null;
  if (latest === null || latest.scope === defaultBranch) return { previous, baseline: previous };
  const base = await read([defaultBranch]);
  return { previous, baseline: base?.record ?? null };
}

function blameKey(dockerfile: Dockerfile, blame: Blame): string {
  const stage = dockerfile.stages[blame.stageIndex]!;
  const instruction = stage.instructions.find((i) => i.line === blame.line)!;
  return sourceKey(stage, instruction);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// What the build means, computed from what the run left behind: the setup
// error, cache findings, gates, annotations, the summary, the outputs and why
// the step fails. Pure: main.ts publishes the returned data.
//
// Failure policy: the step fails when buildx failed, was cancelled, or a gate
// the user set is breached; an error in the analysis itself (a bug, an
// unreadable Dockerfile) becomes a warning and never fails a build that buildx
// passed.
import { parseDockerfile, type BuildReport } from '../engine/index.js';
import { escapeMarkdownInline } from '../github/escape.js';
import type { RunnerAnnotation } from '../github/runner-port.js';
import { buildAnnotations, errorTitle, gateAnnotations } from './explain/annotations.js';
import { findCacheBusts } from './explain/cache-bust.js';
import type { Execution } from './execute.js';
import { breaches, evaluateGates } from './explain/gates.js';
import type { Inputs, OutputName } from './inputs.js';
import type { RunPlan } from './run-plan.js';
import { diagnoseSetupError, type SetupError } from './explain/setup-errors.js';
import { renderSetupErrorSummary, renderSummary } from './explain/summary.js';
import { historyAnnotations, renderHistorySection } from './history/index.js';

export interface BuildAnalysis {
  report: BuildReport;
  /** Where the report file goes, and its text. */
  reportFile: { path: string; text: string };
  /** Step outputs, in the order they are set. */
  outputs: [name: OutputName, value: string][];
  /** Analysis steps that failed (the build result is unaffected). */
  warnings: string[];
  annotations: RunnerAnnotation[];
  /** The job summary; null when switched off or when rendering it failed. */
  summary: string | null;
  /** Why the step fails; null when it passes. */
  failure: string | null;
}

/** Each analysis step behind a guard: a bug there becomes a warning, never a failed build. */
class Guarded {
  readonly warnings: string[] = [];

  run<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      this.warnings.push(
        `buildx-gate could not finish its analysis (the build result is unaffected): ${error instanceof Error ? error.message : String(error)}`,
      );
      return fallback;
    }
  }
}

export function analyzeBuild(inputs: Inputs, plan: RunPlan, run: Execution): BuildAnalysis {
  const { report, streamed } = run;
  const { result, durationMs, lastLines } = streamed;
  const guarded = new Guarded();
  if (run.analyzerFailure !== null) {
    guarded.warnings.push(
      `buildx-gate could not analyze the build log (the build result is unaffected): ${run.analyzerFailure}`,
    );
  }
  const cancelled = result.cancelled;
  const buildFailed = cancelled || result.exitCode !== 0;
  const setupError =
    buildFailed && !cancelled
      ? diagnoseSetupError(
          result.spawnErrorCode,
          lastLines,
          run.command.sources ?? [],
          report.steps.length > 0,
        )
      : null;

  const dockerfileText = run.dockerfileText;
  const dockerfile = guarded.run(
    () => (dockerfileText === null ? null : parseDockerfile(dockerfileText)),
    null,
  );
  const history = run.history?.result ?? null;
  // Where history names the cause of a cache miss, it replaces the guess from the Dockerfile alone.
  const blamedLines = new Set(
    (history?.blames ?? []).filter((b) => b.cause.kind !== 'no-record').map((b) => b.line),
  );
  const findings = guarded
    .run(
      () =>
        findCacheBusts(dockerfile, report, {
          hasDockerignore: run.hasDockerignore,
          noCache: inputs.noCache,
          noCacheStages: inputs.noCacheFilters,
        }),
      [],
    )
    .filter((f) => !(f.kind === 'cache-bust' && f.line !== null && blamedLines.has(f.line)));
  // History that read no earlier record: the first build has no cache to hit (not a regression).
  const coldCache = history !== null && history.previous === null;
  const gates = buildFailed ? [] : evaluateGates(report, inputs, durationMs, run.context, coldCache);
  const regressionBreaches =
    buildFailed || history === null ? [] : history.regression.gates.filter((g) => !g.passed);
  const breached = breaches(gates);
  const { dockerfileRepoPath } = plan.location;
  const historyNotes =
    history === null ? [] : guarded.run(() => historyAnnotations(history, dockerfileRepoPath), []);

  const annotations = [
    ...(inputs.prAnnotations && !setupError
      ? guarded.run(() => buildAnnotations(report, dockerfile, findings, { dockerfileRepoPath }), [])
      : []),
    ...(inputs.prAnnotations && !setupError ? historyNotes.filter((a) => a.level !== 'error') : []),
    ...gateAnnotations(breached),
    ...(buildFailed ? [] : historyNotes.filter((a) => a.level === 'error')),
  ];
  const historySection =
    history === null || setupError || !inputs.summary
      ? ''
      : guarded.run(() => {
          const lines = renderHistorySection(history, dockerfileRepoPath, run.history!.jobRows);
          return lines.length === 0 ? '' : `\n${lines.join('\n')}\n`;
        }, '');
  const reportPath = `${run.tempDir}/report.json`;
  const secretArgWarning = secretBuildArgWarning(plan.secretBuildArgs);
  const notes = secretArgWarning === null ? '' : `\n> ⚠️ ${escapeMarkdownInline(secretArgWarning)}\n`;
  return {
    report,
    // The engine's report, and the build context as the action measured it (`context`).
    reportFile: {
      path: reportPath,
      text: `${JSON.stringify({ ...report, context: run.context }, null, 2)}\n`,
    },
    outputs: [
      ...outputsOf(report, run, reportPath),
      ...(run.history ? [['history-record', run.history.recordPath] as [OutputName, string]] : []),
    ],
    annotations,
    summary: !inputs.summary
      ? null
      : setupError
        ? renderSetupErrorSummary(setupError, lastLines) + notes
        : guarded.run<string | null>(
            () =>
              renderSummary({
                report,
                durationMs,
                dockerfile,
                dockerfileRepoPath,
                findings,
                gates,
                context: run.context,
                imageId: run.produced.imageId,
                digest: run.produced.digest,
                tags: inputs.tags,
                observedStartMs: streamed.startTimes,
                observedEndMs: streamed.endTimes,
                failedHistoryGates: regressionBreaches.length,
              }) +
              historySection +
              notes,
            null,
          ),
    warnings: [
      ...(secretArgWarning === null ? [] : [secretArgWarning]),
      ...(history?.warnings ?? []).map((w) => `buildx-gate history: ${w}`),
      ...guarded.warnings,
    ],
    failure: failureOf({
      cancelled,
      buildFailed,
      setupError,
      report,
      annotated: inputs.prAnnotations,
      breached: breached.length + regressionBreaches.length,
    }),
  };
}

/** Said once per run: a build-arg holds a secret, which the `secrets` input passes safely. */
function secretBuildArgWarning(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const list = names.join(', ');
  const [subject, verb] =
    names.length === 1 ? [`build-arg ${list}`, 'looks'] : [`build-args ${list}`, 'look'];
  return (
    `${subject} ${verb} like a secret (BuildKit's SecretsUsedInArgOrEnv rule). buildx-gate masks the value and keeps it ` +
    'out of the report, the summary and the build record, but BuildKit puts it in step names and the image keeps it ' +
    "in its history. Pass it with the 'secrets' input and read it in a RUN --mount=type=secret instead."
  );
}

function outputsOf(report: BuildReport, run: Execution, reportPath: string): [OutputName, string][] {
  const { imageId, digest, metadata } = run.produced;
  const ratio = report.totals.cacheHitRatio;
  return [
    ...(imageId ? [['imageid', imageId] as [OutputName, string]] : []),
    ...(digest ? [['digest', digest] as [OutputName, string]] : []),
    ...(metadata ? [['metadata', metadata] as [OutputName, string]] : []),
    ['report', reportPath],
    ['cache-hit-ratio', ratio === null ? '' : String(Math.round(ratio * 10_000) / 10_000)],
    ['duration', String(Math.round(run.streamed.durationMs))],
    ['failed-step', report.error?.step ?? ''],
    ['error-category', report.error?.category ?? ''],
  ];
}

function failureOf(state: {
  cancelled: boolean;
  buildFailed: boolean;
  setupError: SetupError | null;
  report: BuildReport;
  annotated: boolean;
  breached: number;
}): string | null {
  if (state.cancelled) return 'The build was cancelled.';
  if (state.setupError) return `${state.setupError.title}: ${state.setupError.message}`;
  if (state.buildFailed) {
    const error = state.report.error;
    // With annotations on, the error annotation at the Dockerfile line already carries the message.
    return state.annotated && error
      ? `${errorTitle(state.report)}.`
      : `${errorTitle(state.report)}: ${error?.message ?? 'buildx exited with an error'}`;
  }
  if (state.breached > 0) {
    return `${state.breached} build gate${state.breached === 1 ? '' : 's'} failed (see the annotations above).`;
  }
  return null;
}

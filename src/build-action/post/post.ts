// The post step (action.yml `runs.post`), run by the runner after the job's steps, also when
// one was cancelled. When the main step finished normally it only checks that no buildx of its
// own is left. When the main step never got to finish (killed outright: SIGKILL from a step
// timeout or nektos/act's Ctrl-C), it stops the buildx the main step recorded and writes what
// the main step would have: the report of the log so far, marked cancelled, the outputs and the
// "cancelled" job summary.
import { createReadStream } from 'node:fs';
import { BuildLogAnalyzer } from '../../engine/index.js';
import type { BuildReport } from '../../engine/index.js';
import { redactDeep } from '../../github/redact.js';
import { InputError } from '../../shared/input-error.js';
import { readInputs, type Inputs } from '../inputs.js';
import type { RunnerPort } from '../../github/runner-port.js';
import type { ActionFS } from '../ports.js';
import type { PostState } from './post-state.js';
import { stopProcessGroup, type ProcessTable, type StopResult } from '../../shared/process-group.js';
// Not through history/index.ts: see there (the post step loads only the worker join).
import { joinCacheWorker, type JoinResult } from '../history/store/worker-join.js';
import { planRun } from '../run-plan.js';
import { renderSummary } from '../explain/summary.js';

export interface PostDeps {
  io: Pick<
    RunnerPort,
    'getInput' | 'setOutput' | 'annotate' | 'info' | 'warning' | 'appendSummary' | 'writeRaw'
  >;
  fs: Pick<ActionFS, 'writeText' | 'makeTempDir' | 'remove' | 'readText'>;
  state: PostState;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  processes?: ProcessTable;
  /** SIGINT to SIGKILL, as the main step gives buildx (buildx/buildx-process.ts). */
  graceMs?: number;
  /** Reads the recorded log, chunk by chunk. */
  readLog?: (file: string) => AsyncIterable<Uint8Array | string>;
  /** How long to wait for the cache worker's save. */
  joinTimeoutMs?: number;
}

export interface PostOutcome {
  stop: StopResult | 'nothing-recorded';
  wroteSummary: boolean;
  /** How the build record's save went, null when the main step handed none over. */
  history: JoinResult | null;
}

export const CANCELLED_NOTE =
  '> ⏹️ The action was stopped before it could finish (killed by the runner: a step timeout or a cancelled run). ' +
  "buildx-gate's post step stopped the build that was still running and wrote this summary from the log so far.";

export async function runPost(deps: PostDeps): Promise<PostOutcome> {
  const { state } = deps;
  // The record's save runs on while the buildx cleanup (if any) does.
  const [history, cleanup] = await Promise.all([
    state.cacheWorker === null
      ? null
      : joinCacheWorker(state.cacheWorker, {
          io: deps.io,
          sleep: deps.sleep,
          readText: deps.fs.readText,
          remove: deps.fs.remove,
          ...(deps.processes ? { processes: deps.processes } : {}),
          ...(deps.joinTimeoutMs === undefined ? {} : { timeoutMs: deps.joinTimeoutMs }),
        }),
    cleanUpBuild(deps),
  ]);
  return { ...cleanup, history };
}

async function cleanUpBuild(deps: PostDeps): Promise<Omit<PostOutcome, 'history'>> {
  const { io, state } = deps;
  if (state.pid === null) {
    io.info('buildx-gate post: no build was started, nothing to clean up.');
    return { stop: 'nothing-recorded', wroteSummary: false };
  }
  const stop = await stopProcessGroup(state.pid, state.startTime, {
    graceMs: deps.graceMs ?? 5000,
    sleep: deps.sleep,
    ...(deps.processes ? { processes: deps.processes } : {}),
  });
  if (stop === 'still-running') {
    io.warning(`buildx-gate post: buildx (process group ${state.pid}) survived SIGKILL.`);
  } else if (stop === 'stopped' || stop === 'killed') {
    io.info(`buildx-gate post: buildx (process group ${state.pid}) was still running; it was ${stop}.`);
  }
  if (state.finished) return { stop, wroteSummary: false };

  let inputs: Inputs | null = null;
  try {
    inputs = readInputs((name) => io.getInput(name));
  } catch (error) {
    // The main step reported this already if it got that far; the cleanup above is what matters.
    if (!(error instanceof InputError)) throw error;
  }
  const secrets = inputs === null ? [] : planRun(inputs, deps.env, deps.cwd).secrets;

  // The copy holds buildx's stderr, in the plain progress the main step asked for.
  const analyzer = new BuildLogAnalyzer({ progress: 'plain' });
  if (state.logFile !== null) {
    try {
      const read = deps.readLog ?? ((file: string) => createReadStream(file, { highWaterMark: 256 * 1024 }));
      for await (const chunk of read(state.logFile)) analyzer.write(chunk);
    } catch {
      // No copy (a full disk, a runner that lost RUNNER_TEMP): the report says cancelled anyway.
    }
  }
  const report: BuildReport = redactDeep(analyzer.end({ cancelled: true }), secrets);
  const durationMs = state.startedAt === null ? null : Math.max(0, deps.now() - state.startedAt);

  const dir = await deps.fs.makeTempDir();
  const reportFile = `${dir}/report.json`;
  await deps.fs.writeText(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  if (state.logFile !== null) await deps.fs.remove(state.logFile).catch(() => undefined);

  io.setOutput('report', reportFile);
  io.setOutput(
    'cache-hit-ratio',
    report.totals.cacheHitRatio === null
      ? ''
      : String(Math.round(report.totals.cacheHitRatio * 10_000) / 10_000),
  );
  io.setOutput('duration', durationMs === null ? '' : String(Math.round(durationMs)));
  io.setOutput('failed-step', report.error?.step ?? runningStep(report) ?? '');
  io.setOutput('error-category', report.error?.category ?? 'cancelled');

  let wroteSummary = false;
  if (inputs === null || inputs.summary) {
    const markdown = renderSummary({
      report,
      durationMs,
      dockerfile: null,
      dockerfileRepoPath: null,
      findings: [],
      gates: [],
      imageId: null,
      digest: null,
      tags: inputs?.tags ?? [],
    });
    await io.appendSummary(`${markdown}\n${CANCELLED_NOTE}\n`);
    wroteSummary = true;
  }
  // An annotation, not a failed post step: the main step has failed already, and a failing
  // post step would fail a job whose main step has continue-on-error.
  io.annotate({
    level: 'error',
    title: 'Docker build cancelled',
    message: 'The build was cancelled: the action was killed while buildx ran; the post step stopped buildx.',
  });
  return { stop, wroteSummary };
}

/** The step the build was in when it was stopped: the last one that never finished. */
function runningStep(report: BuildReport): string | null {
  const unfinished = report.steps.filter((s) => s.status === 'incomplete' || s.status === 'cancelled');
  const instruction = unfinished.filter((s) => s.kind === 'instruction');
  return (instruction.at(-1) ?? unfinished.at(-1))?.name ?? null;
}

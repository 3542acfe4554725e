// Running the build: the run's private temp directory, the secret files, buildx
// streamed into the job log and the engine (buildx/), with the build's history
// started before it and finished after it (history/), then what the run left
// behind (the image facts, the Dockerfile, a .dockerignore). Everything else is
// computed from the returned data (analysis.ts).
import { BuildLogAnalyzer, type BuildReport } from '../engine/index.js';
import { redactDeep, redactSecrets } from '../github/redact.js';
import { terminalLine } from '../shared/text.js';
import { buildxArgv, type BuildCommand } from './buildx/argv.js';
import { shellQuote } from './buildx/shell-quote.js';
import type { ActionFS, BuildDeps } from './ports.js';
import { readProducedImage, type ProducedImage } from './buildx/produced-image.js';
import type { RunPlan } from './run-plan.js';
import type { Inputs } from './inputs.js';
import { SafeAnalyzer } from './buildx/safe-analyzer.js';
import { SecretFiles } from './buildx/secret-files.js';
import { materializeSecrets } from './buildx/secrets.js';
import { streamBuild, type StreamedBuild } from './buildx/stream-build.js';
import { contextSize, type ContextSize } from './explain/context-size.js';
import { isLocalContext } from './buildx/paths.js';
import {
  addJobRow,
  measureContext,
  type ContextMeasure,
  planActionHistory,
  startHistory,
  type ActionHistoryContext,
  type HistoryResult,
  type HistorySession,
  type JobRow,
} from './history/index.js';

export interface Execution {
  /** The run's private directory; the report file goes there. */
  tempDir: string;
  command: BuildCommand;
  streamed: StreamedBuild;
  /** The engine's report, with every secret value scrubbed (a RUN step may have printed one). */
  report: BuildReport;
  /** Why the engine stopped reading the log, when it failed; the build result is unaffected. */
  analyzerFailure: string | null;
  produced: ProducedImage;
  /** The Dockerfile as built, when it is readable here. */
  dockerfileText: string | null;
  /** The build context's size: measured on disk for a local context, else what BuildKit transferred. */
  context: ContextSize;
  /** Whether the local context has a .dockerignore; null for remote contexts. */
  hasDockerignore: boolean | null;
  /** Build history (history/index.ts), null when it is off, unavailable, or the build was cancelled. */
  history: ExecutedHistory | null;
}

interface ExecutedHistory {
  result: HistoryResult;
  /** Where this build's record was written (the `history-record` output). */
  recordPath: string;
  /** Every build of this job so far, this one last: they fold into one table. */
  jobRows: JobRow[];
}

/** The build could not start: a secret file is missing, or writing a secret failed. */
export interface NotStarted {
  notStarted: unknown;
}

export async function executeBuild(
  inputs: Inputs,
  plan: RunPlan,
  deps: BuildDeps,
): Promise<Execution | NotStarted> {
  const tempDir = await deps.fs.makeTempDir();
  const secretFiles = new SecretFiles(tempDir, deps.fs);
  const files = { iidFile: `${tempDir}/iidfile.txt`, metadataFile: `${tempDir}/metadata.json` };
  try {
    let secretSpecs: string[];
    try {
      secretSpecs = await materializeSecrets(plan.secretPlans, secretFiles);
    } catch (error) {
      return { notStarted: error };
    }
    const command = buildxArgv(inputs, {
      ...files,
      defaultContext: plan.defaultContext,
      context: plan.context,
      workflowRunUrl: plan.workflowRunUrl,
      secretSpecs,
    });
    // Masked already (main.ts); scrubbed too, as everything the action writes (a context URL's token).
    deps.io.info(redactSecrets(`${command.command} ${command.args.map(shellQuote).join(' ')}`, plan.secrets));
    // History starts before buildx: restoring records and fingerprinting the context overlap the build.
    const planned = inputs.history ? await planActionHistory(historyContext(inputs, plan, deps)) : null;
    if (planned?.plan === null) {
      if (planned.failed) deps.io.warning(planned.message);
      else deps.io.info(planned.message);
    }
    const history: StartedHistory | null = planned?.plan
      ? { session: startHistory(planned.plan, deps.now), label: planned.label }
      : null;

    // buildx runs with --progress=plain (argv.ts) and the engine gets its stderr only (stream-build.ts).
    // Measured while buildx runs: the gate's figure never comes from the log (context-size.ts).
    const measuring = measureLocalContext(plan);
    const analyzer = new SafeAnalyzer(deps.createAnalyzer?.() ?? new BuildLogAnalyzer({ progress: 'plain' }));
    const streamed = scrubStreamed(await streamBuild(command, analyzer, deps), plan.secrets);
    const { exitCode, cancelled } = streamed.result;
    const report = redactDeep(
      analyzer.end({ exitCode: exitCode ?? (cancelled ? null : 1), cancelled }),
      plan.secrets,
    );
    const { dockerfilePath, contextDir } = plan.location;
    const context = contextSize(report.totals.contextBytes, await measuring);
    // A cancelled build has no time to wait for the cache service: the runner is about to kill it.
    const executedHistory =
      history && !cancelled
        ? await finishHistory(history, report, streamed.durationMs, context, tempDir, deps)
        : null;
    return {
      tempDir,
      command,
      streamed,
      report,
      context,
      analyzerFailure: analyzer.failure,
      produced: await readProducedImage(files, deps.fs),
      dockerfileText: dockerfilePath === null ? null : await deps.fs.readText(dockerfilePath),
      hasDockerignore: contextDir === null ? null : await hasIgnoreFile(contextDir, dockerfilePath, deps.fs),
      history: executedHistory,
    };
  } finally {
    await secretFiles.removeAll();
  }
}

/** What the run kept of buildx's output besides the report (the last lines, step names), scrubbed like it. */
function scrubStreamed(streamed: StreamedBuild, secrets: readonly string[]): StreamedBuild {
  if (secrets.length === 0) return streamed;
  return {
    ...streamed,
    lastLines: redactDeep(streamed.lastLines, secrets),
    startTimes: new Map([...streamed.startTimes].map(([name, ms]) => [redactSecrets(name, secrets), ms])),
    endTimes: new Map([...streamed.endTimes].map(([name, ms]) => [redactSecrets(name, secrets), ms])),
  };
}

/** This build's history while buildx runs: its session, and its label in the job's table. */
interface StartedHistory {
  session: HistorySession;
  label: string;
}

/** What history is told of this run: the inputs, where the Dockerfile is, and how to read it. */
function historyContext(inputs: Inputs, plan: RunPlan, deps: BuildDeps): ActionHistoryContext {
  return {
    inputs,
    env: deps.env,
    ...plan.location,
    readText: (file) => deps.fs.readText(file),
    store: deps.historyStore,
    cacheStore: deps.cacheStore,
  };
}

async function finishHistory(
  history: StartedHistory,
  report: BuildReport,
  durationMs: number,
  context: ContextSize,
  tempDir: string,
  deps: BuildDeps,
): Promise<ExecutedHistory | null> {
  try {
    const result = await history.session.finish(report, durationMs, context);
    // What the cache client printed while buildx ran, now that workflow commands are read again.
    if (result.heldLog !== '') deps.io.writeRaw(result.heldLog);
    const recordPath = `${tempDir}/history-record.json`;
    await deps.fs.writeText(recordPath, `${JSON.stringify(result.record, null, 2)}\n`);
    const jobRows = await addJobRow(deps.env, { label: history.label, regression: result.regression });
    // Names from a stored record (and the event) reach the job log as one line that cannot be a command.
    deps.io.info(
      terminalLine(
        `buildx-gate history: record of ${result.record.branch ?? 'this branch'} ${SAVE_WORDS[result.saved]}; ` +
          `compared with ${result.previous === null ? 'no earlier record' : `${result.previous.branch ?? '?'} at ${(result.previous.commit ?? '?').slice(0, 7)}`} ` +
          `(${Math.round(result.finishMs)} ms after the build).`,
      ),
    );
    return { result, recordPath, jobRows };
  } catch (error) {
    deps.io.warning(`buildx-gate history failed (the build is unaffected): ${messageOf(error)}`);
    return null;
  }
}

const SAVE_WORDS: Record<HistoryResult['saved'], string> = {
  saved: 'saved',
  deferred: 'being saved after this step (the post step says how it went)',
  'not-saved': 'not saved',
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The local build context on disk (.dockerignore applied); null for a remote context or when it cannot be read. */
function measureLocalContext(plan: RunPlan): Promise<ContextMeasure | null> {
  const { contextDir, dockerfilePath } = plan.location;
  if (contextDir === null || !isLocalContext(plan.context)) return Promise.resolve(null);
  return measureContext(contextDir, dockerfilePath).catch(() => null);
}

async function hasIgnoreFile(
  contextDir: string,
  dockerfilePath: string | null,
  fs: ActionFS,
): Promise<boolean> {
  if (await fs.exists(`${contextDir}/.dockerignore`)) return true;
  return dockerfilePath !== null && (await fs.exists(`${dockerfilePath}.dockerignore`));
}

// The build action: read the inputs, run buildx with its output streamed to the
// job log and into the engine, then explain and gate the build. Every side
// effect goes through BuildDeps, so tests run the whole action with fakes.
//
// Failure policy: the step fails when buildx failed, was cancelled, or a gate
// the user set is breached; an error in the analysis itself (a bug, an
// unreadable Dockerfile) is reported as a warning and never fails a build that
// buildx passed.
import { analyzeLog, BuildLogAnalyzer, type BuildResult } from '../engine/index.js';
import { parseDockerfile } from '../engine/dockerfile.js';
import type { BuildReport } from '../engine/report.js';
import { buildAnnotations, errorTitle, gateAnnotations, type Annotation } from './annotations.js';
import { buildxArgv, resolveContext } from './argv.js';
import { findCacheBusts } from './cache-bust.js';
import { breaches, evaluateGates } from './gates.js';
import { InputError, readInputs, type Inputs } from './inputs.js';
import { readBuildResult, type BuildResultFiles } from './outputs.js';
import { defaultGitContext, locateDockerfile, runEnvironment, serverHost, workflowRunUrl } from './paths.js';
import type { BuildRunner } from './runner.js';
import { redactDeep } from '../github/redact.js';
import { materializeSecrets, planSecrets, secretValues } from './secrets.js';
import { diagnoseSetupError, type SetupError } from './setup-errors.js';
import { streamBuild } from './stream-build.js';
import { renderSetupErrorSummary, renderSummary } from './summary.js';

/** What the action says to the runner: @actions/core in production. */
export interface ActionIO {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  annotate(annotation: Annotation): void;
  setFailed(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Bytes for the job log exactly as given (buildx's output). */
  writeRaw(chunk: Buffer | string): void;
  appendSummary(markdown: string): Promise<void>;
}

export interface ActionFS {
  readText(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  writeText(path: string, text: string, mode?: number): Promise<void>;
  /** A new private directory under the runner's temp directory. */
  makeTempDir(): Promise<string>;
  remove(path: string): Promise<void>;
}

export interface LogAnalyzer {
  write(chunk: string | Uint8Array): void;
  snapshot(): BuildReport;
  end(result: { exitCode?: number | null; cancelled?: boolean }): BuildReport;
}

export interface BuildDeps {
  io: ActionIO;
  fs: ActionFS;
  runner: BuildRunner;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => number;
  /** Unguessable token for ::stop-commands::. */
  randomToken: () => string;
  createAnalyzer?: () => LogAnalyzer;
  /** How often the step start times are sampled while buildx runs. */
  sampleIntervalMs?: number;
}

export interface BuildOutcome {
  exitCode: number | null;
  cancelled: boolean;
  report: BuildReport | null;
  failed: boolean;
}

export async function run(deps: BuildDeps): Promise<BuildOutcome> {
  const { io } = deps;
  let inputs: Inputs;
  try {
    inputs = readInputs((name) => deps.io.getInput(name));
  } catch (error) {
    io.setFailed(error instanceof InputError ? error.message : String(error));
    return { exitCode: null, cancelled: false, report: null, failed: true };
  }

  const environment = runEnvironment(deps.env, deps.cwd);
  const defaultContext = defaultGitContext(environment);
  const secretPlans = planSecrets(inputs, {
    contextIsDefaultGit:
      defaultContext !== '.' && resolveContext(inputs.context, defaultContext).startsWith(defaultContext),
    serverHost: serverHost(environment),
  });
  // Mask before anything else is printed.
  const secrets = [
    ...secretValues(secretPlans),
    ...secretPlans.flatMap((p) => (p.source.kind === 'env' ? [deps.env[p.source.name] ?? ''] : [])),
  ];
  for (const value of secrets) if (value !== '') io.setSecret(value);

  const tempDir = await deps.fs.makeTempDir();
  const writtenSecrets: string[] = [];
  const files: BuildResultFiles = {
    iidFile: `${tempDir}/iidfile.txt`,
    metadataFile: `${tempDir}/metadata.json`,
  };
  try {
    let secretSpecs: string[];
    try {
      secretSpecs = await materializeSecrets(secretPlans, {
        writeSecret: async (_id, value) => {
          const file = `${tempDir}/secret-${writtenSecrets.length + 1}`;
          writtenSecrets.push(file);
          await deps.fs.writeText(file, value, 0o600);
          return file;
        },
        fileExists: (p) => deps.fs.exists(p),
      });
    } catch (error) {
      io.setFailed(error instanceof Error ? error.message : String(error));
      return { exitCode: null, cancelled: false, report: null, failed: true };
    }

    const command = buildxArgv(inputs, {
      ...files,
      defaultContext,
      workflowRunUrl: workflowRunUrl(environment),
      secretSpecs,
    });
    io.info(`${command.command} ${command.args.map(shellQuote).join(' ')}`);

    const analyzer = safeAnalyzer(deps.createAnalyzer?.() ?? new BuildLogAnalyzer(), io);
    const { result, durationMs, startTimes, lastLines } = await streamBuild(command, analyzer, deps);

    const cancelled = result.cancelled;
    // The summary, annotations and report file are ours to write: scrub secrets a step printed.
    const report = redactDeep(
      analyzer.end({ exitCode: result.exitCode ?? (cancelled ? null : 1), cancelled }),
      secrets,
    );
    const buildFailed = cancelled || result.exitCode !== 0;
    const setupError =
      buildFailed && !cancelled ? diagnoseSetupError(result.spawnErrorCode, lastLines) : null;

    const produced = await readBuildResult(files, deps.fs);
    const location = locateDockerfile(command.context, inputs.file, defaultContext, environment);
    const dockerfileText = location.absolute === null ? null : await deps.fs.readText(location.absolute);
    const dockerfile = analyze(
      io,
      () => (dockerfileText === null ? null : parseDockerfile(dockerfileText)),
      null,
    );
    const hasDockerignore =
      location.contextDir === null
        ? null
        : await hasIgnoreFile(location.contextDir, location.absolute, deps.fs);

    const findings = analyze(
      io,
      () =>
        findCacheBusts(dockerfile, report, {
          hasDockerignore,
          noCache: inputs.noCache,
          noCacheStages: inputs.noCacheFilters,
        }),
      [],
    );
    const gates = buildFailed ? [] : evaluateGates(report, inputs, durationMs);
    const breached = breaches(gates);

    const reportFile = `${tempDir}/report.json`;
    await deps.fs.writeText(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    setOutputs(io, report, produced, reportFile, durationMs);

    if (inputs.prAnnotations && !setupError) {
      const annotations = analyze(
        io,
        () => buildAnnotations(report, dockerfile, findings, { dockerfilePath: location.repoRelative }),
        [],
      );
      annotations.forEach((a) => io.annotate(a));
    }
    gateAnnotations(breached).forEach((a) => io.annotate(a));

    if (inputs.summary) {
      const markdown = setupError
        ? renderSetupErrorSummary(setupError, lastLines)
        : analyze<string | null>(
            io,
            () =>
              renderSummary({
                report,
                durationMs,
                dockerfile,
                dockerfilePath: location.repoRelative,
                findings,
                gates,
                imageId: produced.imageId,
                digest: produced.digest,
                tags: inputs.tags,
                observedStartMs: startTimes,
              }),
            null,
          );
      if (markdown !== null) await io.appendSummary(markdown);
    }

    failStep(io, {
      cancelled,
      buildFailed,
      setupError,
      report,
      annotated: inputs.prAnnotations,
      breached: breached.length,
    });
    return { exitCode: result.exitCode, cancelled, report, failed: buildFailed || breached.length > 0 };
  } finally {
    for (const file of writtenSecrets) await deps.fs.remove(file);
  }
}

function failStep(
  io: ActionIO,
  state: {
    cancelled: boolean;
    buildFailed: boolean;
    setupError: SetupError | null;
    report: BuildReport;
    annotated: boolean;
    breached: number;
  },
): void {
  if (state.cancelled) {
    io.setFailed('The build was cancelled.');
  } else if (state.setupError) {
    io.setFailed(`${state.setupError.title}: ${state.setupError.message}`);
  } else if (state.buildFailed) {
    const error = state.report.error;
    // With annotations on, the error annotation at the Dockerfile line already carries the message.
    io.setFailed(
      state.annotated && error
        ? `${errorTitle(state.report)}.`
        : `${errorTitle(state.report)}: ${error?.message ?? 'buildx exited with an error'}`,
    );
  } else if (state.breached > 0) {
    io.setFailed(
      `${state.breached} build gate${state.breached === 1 ? '' : 's'} failed (see the annotations above).`,
    );
  }
}

function setOutputs(
  io: ActionIO,
  report: BuildReport,
  produced: Awaited<ReturnType<typeof readBuildResult>>,
  reportFile: string,
  durationMs: number,
): void {
  if (produced.imageId) io.setOutput('imageid', produced.imageId);
  if (produced.digest) io.setOutput('digest', produced.digest);
  if (produced.metadata) io.setOutput('metadata', produced.metadata);
  io.setOutput('report', reportFile);
  io.setOutput(
    'cache-hit-ratio',
    report.totals.cacheHitRatio === null
      ? ''
      : String(Math.round(report.totals.cacheHitRatio * 10_000) / 10_000),
  );
  io.setOutput('duration', String(Math.round(durationMs)));
  io.setOutput('failed-step', report.error?.step ?? '');
  io.setOutput('error-category', report.error?.category ?? '');
}

/** Runs one analysis step; a bug there becomes a warning, never a failed build. */
function analyze<T>(io: ActionIO, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    io.warning(
      `buildx-gate could not finish its analysis (the build result is unaffected): ${error instanceof Error ? error.message : String(error)}`,
    );
    return fallback;
  }
}

/**
 * The engine behind a guard: its first error turns it off and becomes a warning.
 * The warning waits for end(), which runs after buildx: while buildx runs,
 * workflow commands are stopped and the runner would print it as plain text.
 */
function safeAnalyzer(inner: LogAnalyzer, io: ActionIO): LogAnalyzer {
  let failure: string | null = null;
  const guard = <T>(fn: () => T, fallback: () => T): T => {
    if (failure !== null) return fallback();
    try {
      return fn();
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      return fallback();
    }
  };
  return {
    write: (chunk) =>
      guard(
        () => inner.write(chunk),
        () => undefined,
      ),
    snapshot: () =>
      guard(
        () => inner.snapshot(),
        () => emptyReport(),
      ),
    end: (result) => {
      const report = guard<BuildReport>(
        () => inner.end(result),
        () => emptyReport(result),
      );
      if (failure !== null) {
        io.warning(
          `buildx-gate could not analyze the build log (the build result is unaffected): ${failure}`,
        );
      }
      return report;
    },
  };
}

/** The engine's own report of an empty log, so the fallback keeps the schema as it grows. */
function emptyReport(result: BuildResult = {}): BuildReport {
  return analyzeLog('', result);
}

async function hasIgnoreFile(contextDir: string, dockerfile: string | null, fs: ActionFS): Promise<boolean> {
  if (await fs.exists(`${contextDir}/.dockerignore`)) return true;
  return dockerfile !== null && (await fs.exists(`${dockerfile}.dockerignore`));
}

/**
 * For showing the command in the log only; it is run as an argument vector,
 * never through a shell. An argument with a line break or control character
 * (a quoted CSV item may hold one) is shown in `$'…'` form, so no part of it
 * starts a log line the runner would read as a workflow command.
 */
function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  const control = /[\u0000-\u001f\u007f-\u009f]/g;
  if (!control.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  const escaped = arg
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(control, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x80
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    });
  return `$'${escaped}'`;
}

// The build action: read the inputs, plan the run, run buildx (execute.ts),
// work out what the build means (analysis.ts), then publish it: the report
// file, outputs, warnings, annotations, the job summary and the step's status.
// Every side effect goes through BuildDeps (ports.ts), so tests run the whole
// action with fakes.
//
// The spine, in the order it runs, is the files beside this one: index.ts (the
// entry, real ports) -> runAction() here -> inputs.ts (readInputs) -> run-plan.ts
// (planRun) -> execute.ts (executeBuild) -> analysis.ts (analyzeBuild) -> publish.
// Around it: buildx/ is what execute runs (the argv, the buildx process, its
// output into the job log and the engine); explain/ is the pure analysis (cache
// busts, gates, annotations, the summary); history/ keeps a record of every build
// for cache-miss blame and regression gates (used through history/index.ts); and
// post/ is the post step (runPost), which the runner starts after the job.
import type { BuildReport } from '../engine/index.js';
import { redactSecrets, secretVariants } from '../github/redact.js';
import type { RunnerPort } from '../github/runner-port.js';
import { InputError } from '../shared/input-error.js';
import { analyzeBuild, type BuildAnalysis } from './analysis.js';
import { executeBuild } from './execute.js';
import { readInputs, type Inputs } from './inputs.js';
import type { ActionFS, BuildDeps } from './ports.js';
import { planRun } from './run-plan.js';
import { requireSecretEnvs } from './buildx/secrets.js';

export interface BuildOutcome {
  exitCode: number | null;
  cancelled: boolean;
  report: BuildReport | null;
  failed: boolean;
}

const NOT_RUN: BuildOutcome = { exitCode: null, cancelled: false, report: null, failed: true };

export async function runAction(deps: BuildDeps): Promise<BuildOutcome> {
  const { io } = deps;
  let inputs: Inputs;
  try {
    inputs = readInputs((name) => io.getInput(name));
    requireSecretEnvs(inputs.secretEnvs, deps.env);
  } catch (error) {
    io.setFailed(describeFailure(error));
    return NOT_RUN;
  }
  const plan = planRun(inputs, deps.env, deps.cwd);
  // Mask before anything else is printed.
  // Encoded forms too (base64, hex, URL-encoded...): a RUN step may print a secret that way.
  for (const value of plan.secrets) secretVariants(value).forEach((v) => io.setSecret(v));

  const execution = await executeBuild(inputs, plan, deps);
  if ('notStarted' in execution) {
    io.setFailed(describeFailure(execution.notStarted));
    return NOT_RUN;
  }
  const analysis = analyzeBuild(inputs, plan, execution);
  await publish(analysis, io, deps.fs, plan.secrets);
  const { exitCode, cancelled } = execution.streamed.result;
  return { exitCode, cancelled, report: analysis.report, failed: analysis.failure !== null };
}

/**
 * Everything the action writes goes out here, each string scrubbed of every secret once more: the
 * report was scrubbed field by field (a secret cut over two lines too), and this catches what came
 * from elsewhere (buildx's metadata file, a message that quotes an input).
 */
async function publish(
  analysis: BuildAnalysis,
  io: RunnerPort,
  fs: ActionFS,
  secrets: readonly string[],
): Promise<void> {
  const scrub = (text: string) => redactSecrets(text, secrets);
  for (const warning of analysis.warnings) io.warning(scrub(warning));
  await fs.writeText(analysis.reportFile.path, scrub(analysis.reportFile.text));
  for (const [name, value] of analysis.outputs) io.setOutput(name, scrub(value));
  for (const annotation of analysis.annotations)
    io.annotate({ ...annotation, title: scrub(annotation.title), message: scrub(annotation.message) });
  if (analysis.summary !== null) await io.appendSummary(scrub(analysis.summary));
  if (analysis.failure !== null) io.setFailed(scrub(analysis.failure));
}

/** An input error names the input; other errors (a secret file that could not be written) say what failed. */
function describeFailure(error: unknown): string {
  if (error instanceof InputError) return `Input '${error.input}': ${error.detail}`;
  return error instanceof Error ? error.message : String(error);
}

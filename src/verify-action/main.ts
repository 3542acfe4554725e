// The action: inputs from the workflow, a verification, then outputs, the job
// summary, annotations and the step's status. @actions/core and the file system
// come in through ActionDeps so the glue is tested without a runner.
import { stripControl } from '../github/escape.js';
import { secretsOf } from './config.js';
import { InputError } from './errors.js';
import { parseInputs, SECRET_INPUTS, type InputName } from './inputs.js';
import { scrub } from './redact.js';
import type { VerifyReport } from './report.js';
import { runVerification, type VerifyDeps } from './run.js';
import { renderSummary } from './summary.js';

export interface ActionDeps extends Omit<VerifyDeps, 'log'> {
  getInput(name: InputName): string;
  setSecret(secret: string): void;
  setOutput(name: string, value: string): void;
  writeSummary(markdown: string): Promise<void>;
  annotate(level: 'error' | 'warning', message: string, title: string): void;
  /** Fails the step with an error annotation (bad inputs, unexpected errors). */
  setFailed(message: string): void;
  /** Fails the step without another annotation (the decision's is already there). */
  markFailed(): void;
  log: VerifyDeps['log'];
  writeFile(path: string, text: string): Promise<void>;
  env: Record<string, string | undefined>;
  /** Where the report goes when report-path is not given. */
  defaultReportPath: string;
}

export function outputsOf(report: VerifyReport, reportPath: string): Record<string, string> {
  return {
    decision: report.decision,
    'error-count': String(report.errorCount),
    'error-rate': String(report.errorRate),
    'baseline-rate': report.baselineRate === null ? '' : String(report.baselineRate),
    'breached-rules': report.breachedRules.join(','),
    'new-error-count': String(report.newErrorCount),
    'rollback-triggered': String(report.rollback.triggered),
    report: reportPath,
  };
}

export async function runAction(deps: ActionDeps): Promise<VerifyReport | null> {
  // Mask before anything can echo them, parse errors included.
  for (const name of SECRET_INPUTS) {
    const value = deps.getInput(name).trim();
    if (value) deps.setSecret(value);
  }
  let config;
  try {
    config = parseInputs((name) => deps.getInput(name as InputName), {
      now: deps.clock.now(),
      env: deps.env,
    });
  } catch (error) {
    if (error instanceof InputError) {
      deps.setFailed(`buildx-gate verify: ${error.message}`);
      return null;
    }
    throw error;
  }
  const secrets = secretsOf(config);
  for (const secret of secrets) deps.setSecret(secret);
  const reportPath = config.reportPath ?? deps.defaultReportPath;
  config.reportPath = reportPath;

  let report: VerifyReport;
  try {
    report = await runVerification(config, deps);
  } catch (error) {
    deps.setFailed(
      `buildx-gate verify: ${scrub(error instanceof Error ? error.message : String(error), secrets)}`,
    );
    return null;
  }

  await deps.writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  for (const [name, value] of Object.entries(outputsOf(report, reportPath))) deps.setOutput(name, value);
  await deps.writeSummary(renderSummary(report, config.rules));

  const headline = `Deploy verification: ${report.decision}${report.dryRun ? ' (dry run)' : ''}`;
  const why = stripControl(report.reasons.join('; '));
  if (report.gateFailed) {
    deps.annotate('error', why, headline);
    deps.markFailed();
  } else if (report.decision !== 'pass') {
    deps.annotate('warning', why, headline);
  }
  return report;
}

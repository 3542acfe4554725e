// The verify action: inputs from the workflow, the verification (run.ts), then
// publishing what it found: the report file, outputs, the job summary, an
// annotation and the step's status. The runner and the file system come in
// through ActionDeps, so the glue is tested without a runner.
import type { RunnerPort } from '../github/runner-port.js';
import { InputError } from '../shared/input-error.js';
import { stripControl } from '../shared/text.js';
import { secretsOf, type VerifyConfig } from './config/config.js';
import { SECRET_INPUTS, type InputName } from './config/input-names.js';
import { readInputs } from './config/inputs.js';
import type { VerifyDeps } from './ports.js';
import { describeError } from './config/redact.js';
import type { VerifyReport } from './report/report.js';
import { runVerification } from './run.js';
import { renderSummary } from './report/summary.js';

export interface ActionDeps extends Omit<VerifyDeps, 'log'> {
  runner: RunnerPort;
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
    paused: String(report.paused),
    'alerts-sent': String(report.notifications.sent),
    report: reportPath,
  };
}

export async function runAction(deps: ActionDeps): Promise<VerifyReport | null> {
  const { runner } = deps;
  // Mask before anything can echo them, parse errors included.
  for (const name of SECRET_INPUTS) {
    const value = runner.getInput(name).trim();
    if (value) runner.setSecret(value);
  }
  let config: VerifyConfig;
  try {
    config = readInputs((name) => runner.getInput(name as InputName), {
      now: deps.clock.now(),
      env: deps.env,
    });
  } catch (error) {
    if (error instanceof InputError) {
      runner.setFailed(`buildx-gate verify: ${error.message}`);
      return null;
    }
    throw error;
  }
  const secrets = secretsOf(config);
  for (const secret of secrets) runner.setSecret(secret);
  const reportPath = config.output.reportPath ?? deps.defaultReportPath;

  let report: VerifyReport;
  try {
    report = await runVerification(
      { ...config, output: { ...config.output, reportPath } },
      { ...deps, log: { info: runner.info, warning: runner.warning, debug: runner.debug } },
    );
  } catch (error) {
    runner.setFailed(`buildx-gate verify: ${describeError(error, secrets)}`);
    return null;
  }
  await publish(report, config, reportPath, deps);
  return report;
}

async function publish(
  report: VerifyReport,
  config: Pick<VerifyConfig, 'judgement'>,
  reportPath: string,
  deps: ActionDeps,
) {
  const { runner } = deps;
  await deps.writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  for (const [name, value] of Object.entries(outputsOf(report, reportPath))) runner.setOutput(name, value);
  await runner.appendSummary(`${renderSummary(report, config.judgement.rules)}\n`);

  const title = `Deploy verification: ${report.decision}${report.dryRun ? ' (dry run)' : ''}`;
  const message = stripControl(report.reasons.join('; '));
  if (report.gateFailed) {
    runner.annotate({ level: 'error', message, title });
    runner.markFailed();
  } else if (report.decision !== 'pass') {
    runner.annotate({ level: 'warning', message, title });
  }
}

// The rollback decision's response: its triggers. Each configured trigger runs
// (one failing does not stop the others, since a rollback half-done is worse
// than one tried every way) and reports whether it was triggered and whether it
// succeeded. GitHub is reached through an injected API so tests point it at a
// local recording server. The facts handed to the triggers (and to
// pause-command) are made here too.
import type { RollbackConfig, VerifyConfig } from '../config/config.js';
import { describeError } from '../config/redact.js';
import type { CheckResult, Verdict } from '../judge/decision.js';
import type { GitHubApi, Logger, RollbackDeps } from '../ports.js';

/** The verdict and figures handed to every trigger. */
export interface RollbackFacts {
  decision: string;
  reason: string;
  errorCount: number;
  errorRate: number;
  baselineRate: number | null;
  breachedRules: string[];
  newErrorCount: number;
  service?: string;
  environment?: string;
  version?: string;
  deployedAt: number;
  reportPath?: string;
  runUrl?: string;
}

/** The verdict and the reported check's figures, with the scope they are about. */
export function verdictFacts(
  config: Pick<VerifyConfig, 'scope' | 'output'>,
  runUrl: string | undefined,
  facts: { verdict: Verdict; last: CheckResult; newErrorCount: number; breachedRules: string[] },
): RollbackFacts {
  const { verdict, last } = facts;
  const { scope } = config;
  return {
    decision: verdict.decision,
    reason: verdict.reasons[0] ?? '',
    errorCount: last.errorCount,
    errorRate: last.errorRate,
    baselineRate: last.baselineRate,
    breachedRules: facts.breachedRules,
    newErrorCount: facts.newErrorCount,
    ...(scope.service ? { service: scope.service } : {}),
    ...(scope.environment ? { environment: scope.environment } : {}),
    ...(scope.version ? { version: scope.version } : {}),
    deployedAt: scope.deployedAt,
    ...(config.output.reportPath ? { reportPath: config.output.reportPath } : {}),
    ...(runUrl ? { runUrl } : {}),
  };
}

type TriggerKind = 'command' | 'workflow' | 'event' | 'deployment-status';

interface TriggerResult {
  kind: TriggerKind;
  triggered: boolean;
  succeeded: boolean;
  detail: string;
}

export interface RollbackOutcome {
  /** At least one trigger was started. */
  triggered: boolean;
  /** Every started trigger succeeded; null when nothing was triggered. */
  succeeded: boolean | null;
  results: TriggerResult[];
}

function hasTriggers(config: RollbackConfig): boolean {
  return Boolean(config.command || config.workflow || config.event || config.deployment);
}

/** The figures as BXG_* variables for the rollback command. */
export function rollbackEnv(facts: RollbackFacts): Record<string, string> {
  return {
    BXG_DECISION: facts.decision,
    BXG_REASON: facts.reason,
    BXG_ERROR_COUNT: String(facts.errorCount),
    BXG_ERROR_RATE: String(facts.errorRate),
    BXG_BASELINE_RATE: facts.baselineRate === null ? '' : String(facts.baselineRate),
    BXG_BREACHED_RULES: facts.breachedRules.join(','),
    BXG_NEW_ERROR_COUNT: String(facts.newErrorCount),
    BXG_SERVICE: facts.service ?? '',
    BXG_ENVIRONMENT: facts.environment ?? '',
    BXG_VERSION: facts.version ?? '',
    BXG_DEPLOYED_AT: new Date(facts.deployedAt).toISOString(),
    BXG_REPORT: facts.reportPath ?? '',
  };
}

function payloadFacts(facts: RollbackFacts): Record<string, unknown> {
  return {
    decision: facts.decision,
    reason: facts.reason,
    service: facts.service ?? null,
    environment: facts.environment ?? null,
    version: facts.version ?? null,
    deployed_at: new Date(facts.deployedAt).toISOString(),
    error_count: facts.errorCount,
    error_rate: facts.errorRate,
    baseline_rate: facts.baselineRate,
    breached_rules: facts.breachedRules,
    new_error_count: facts.newErrorCount,
    run_url: facts.runUrl ?? null,
  };
}

export async function runRollback(
  config: RollbackConfig,
  facts: RollbackFacts,
  deps: RollbackDeps,
): Promise<RollbackOutcome> {
  const results: TriggerResult[] = [];
  const attempt = async (kind: TriggerKind, action: () => Promise<string>) => {
    try {
      results.push({ kind, triggered: true, succeeded: true, detail: await action() });
    } catch (error) {
      results.push({ kind, triggered: true, succeeded: false, detail: describeError(error, deps.secrets) });
    }
  };

  if (config.command) {
    const command = config.command;
    await attempt('command', async () => {
      const timeout = config.commandTimeoutMs;
      const code = await deps.shell.run(command, rollbackEnv(facts), deps.onOutput, timeout);
      if (code === 'timeout') {
        throw new Error(
          `rollback-command did not finish within rollback-timeout (${Math.round((timeout ?? 0) / 1000)}s); it was stopped`,
        );
      }
      if (typeof code === 'object') {
        throw new Error(`rollback-command was stopped: buildx-gate verify received ${code.interrupted}`);
      }
      if (code !== 0) throw new Error(`rollback-command exited with code ${code}`);
      return 'rollback-command exited 0';
    });
  }

  let api: GitHubApi | undefined;
  const github = async () => (api ??= await deps.github(config.githubToken ?? ''));
  const [owner, repo] = (config.repository ?? '/').split('/');

  if (config.workflow) {
    const { id, ref, inputs } = config.workflow;
    await attempt('workflow', async () => {
      await (
        await github()
      ).request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner,
        repo,
        workflow_id: /^\d+$/.test(id) ? Number(id) : id,
        ref,
        inputs,
      });
      return `workflow_dispatch of ${id} on ${ref} accepted`;
    });
  }
  if (config.event) {
    const { type, payload } = config.event;
    await attempt('event', async () => {
      await (
        await github()
      ).request('POST /repos/{owner}/{repo}/dispatches', {
        owner,
        repo,
        event_type: type,
        client_payload: { ...payload, buildx_gate: payloadFacts(facts) },
      });
      return `repository_dispatch '${type}' accepted`;
    });
  }
  if (config.deployment) {
    const { id, state } = config.deployment;
    await attempt('deployment-status', async () => {
      await (
        await github()
      ).request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner,
        repo,
        deployment_id: id,
        state,
        // GitHub limits the description to 140 characters.
        description: `buildx-gate verify: ${facts.decision}: ${facts.reason}`.slice(0, 140),
        ...(facts.runUrl ? { log_url: facts.runUrl } : {}),
      });
      return `deployment ${id} marked ${state}`;
    });
  }

  const triggered = results.some((r) => r.triggered);
  return { triggered, succeeded: triggered ? results.every((r) => r.succeeded) : null, results };
}

export interface RollbackStep extends RollbackOutcome {
  /** Reasons the rollback adds to the verdict's (a failed rollback). */
  reasons: string[];
  warnings: string[];
}

/** On a rollback decision outside a dry run: every trigger, logged; the report's rollback and reasons. */
export async function rollBackIfDecided(
  config: Pick<VerifyConfig['response'], 'dryRun' | 'rollback'>,
  verdict: Verdict,
  facts: RollbackFacts,
  deps: RollbackDeps & { log: Pick<Logger, 'info' | 'warning'> },
): Promise<RollbackStep> {
  const nothing: RollbackStep = { triggered: false, succeeded: null, results: [], reasons: [], warnings: [] };
  if (verdict.decision !== 'rollback' || config.dryRun) return nothing;
  if (!hasTriggers(config.rollback)) {
    return {
      ...nothing,
      warnings: [
        'decision is rollback but no rollback trigger is configured (rollback-command, rollback-workflow, rollback-event, deployment-id)',
      ],
    };
  }
  const outcome = await runRollback(config.rollback, facts, deps);
  for (const r of outcome.results) {
    (r.succeeded ? deps.log.info : deps.log.warning)(
      `rollback ${r.kind}: ${r.succeeded ? 'succeeded' : 'FAILED'}: ${r.detail}`,
    );
  }
  return {
    ...outcome,
    reasons:
      outcome.succeeded === false
        ? ['ROLLBACK FAILED: see the rollback results; the deploy is still live']
        : [],
    warnings: [],
  };
}

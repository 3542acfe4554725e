// Rollback triggers. Each configured trigger runs (one failing does not stop the
// others, since a rollback half-done is worse than one tried every way) and
// reports whether it was triggered and whether it succeeded. GitHub is reached
// through an injected API so tests point it at a local recording server.
import type { RollbackConfig } from '../config/config.js';
import type { GitHubApi, RollbackDeps } from '../ports.js';
import { scrub } from '../config/redact.js';

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

export type TriggerKind = 'command' | 'workflow' | 'event' | 'deployment-status';

export interface TriggerResult {
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

export function hasTriggers(config: RollbackConfig): boolean {
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
      const message = scrub(error instanceof Error ? error.message : String(error), deps.secrets);
      results.push({ kind, triggered: true, succeeded: false, detail: message });
    }
  };

  if (config.command) {
    const command = config.command;
    await attempt('command', async () => {
      const timeout = config.commandTimeoutMs;
      const code = await deps.runner.run(command, rollbackEnv(facts), deps.onOutput, timeout);
      if (code === 'timeout') {
        throw new Error(
          `rollback-command did not finish within rollback-timeout (${Math.round((timeout ?? 0) / 1000)}s); it was stopped`,
        );
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

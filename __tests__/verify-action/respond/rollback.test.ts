import { describe, expect, it } from '@jest/globals';
import { bashShell } from '../../../src/verify-action/respond/bash-shell.js';
import type { GitHubApi } from '../../../src/verify-action/ports.js';
import { rollbackEnv, runRollback, type RollbackFacts } from '../../../src/verify-action/respond/rollback.js';
import { configFrom, DEPLOYED } from '../helpers.js';

const FACTS: RollbackFacts = {
  decision: 'rollback',
  reason: "rule 'timeouts' matched 57 times, max 10",
  errorCount: 412,
  errorRate: 41.2,
  baselineRate: 0.5,
  breachedRules: ['timeouts', 'auth'],
  newErrorCount: 2,
  service: 'checkout',
  environment: 'prod',
  version: '1.4.2',
  deployedAt: DEPLOYED,
  reportPath: '/tmp/report.json',
  runUrl: 'https://github.com/acme/shop/actions/runs/1',
};

function recordingGitHub(fail?: (route: string) => Error | undefined) {
  const calls: { route: string; params: Record<string, unknown> }[] = [];
  const tokens: string[] = [];
  const api: GitHubApi = {
    request: async (route, params) => {
      calls.push({ route, params });
      const error = fail?.(route);
      if (error) throw error;
      return { status: 204 };
    },
  };
  return { calls, tokens, factory: async (token: string) => (tokens.push(token), api) };
}

const env = { GITHUB_REPOSITORY: 'acme/shop', GITHUB_REF: 'refs/heads/main' };

describe('rollback triggers', () => {
  it('hands the verdict and figures to the command as BXG_* variables', () => {
    expect(rollbackEnv(FACTS)).toEqual({
      BXG_DECISION: 'rollback',
      BXG_REASON: "rule 'timeouts' matched 57 times, max 10",
      BXG_ERROR_COUNT: '412',
      BXG_ERROR_RATE: '41.2',
      BXG_BASELINE_RATE: '0.5',
      BXG_BREACHED_RULES: 'timeouts,auth',
      BXG_NEW_ERROR_COUNT: '2',
      BXG_SERVICE: 'checkout',
      BXG_ENVIRONMENT: 'prod',
      BXG_VERSION: '1.4.2',
      BXG_DEPLOYED_AT: new Date(DEPLOYED).toISOString(),
      BXG_REPORT: '/tmp/report.json',
    });
  });

  it('runs the command with bash, streaming its output', async () => {
    const output: string[] = [];
    const config = configFrom({
      'rollback-command':
        'echo "rolling back $BXG_SERVICE to previous ($BXG_ERROR_COUNT errors)"; echo oops >&2',
    });
    const outcome = await runRollback(config.response.rollback, FACTS, {
      shell: bashShell({ PATH: process.env.PATH }),
      github: async () => {
        throw new Error('not used');
      },
      onOutput: (t) => output.push(t),
      secrets: [],
    });
    expect(outcome).toEqual({
      triggered: true,
      succeeded: true,
      results: [{ kind: 'command', triggered: true, succeeded: true, detail: 'rollback-command exited 0' }],
    });
    expect(output.join('')).toContain('rolling back checkout to previous (412 errors)');
    expect(output.join('')).toContain('oops');
  });

  it("keeps this tool's inputs (credentials) out of the command's environment", async () => {
    const config = configFrom({ 'rollback-command': 'env' });
    const output: string[] = [];
    await runRollback(config.response.rollback, FACTS, {
      shell: bashShell({
        PATH: process.env.PATH,
        'INPUT_API-KEY': 'es-api-key-secret',
        'INPUT_GITHUB-TOKEN': 'ghs_secret',
        BUILDX_GATE_PASSWORD: 'cli-password-secret',
        KUBECONFIG: '/home/runner/.kube/config',
      }),
      github: async () => {
        throw new Error('not used');
      },
      onOutput: (t) => output.push(t),
      secrets: [],
    });
    const env = output.join('');
    expect(env).not.toMatch(/secret/);
    expect(env).toContain('KUBECONFIG=/home/runner/.kube/config');
    expect(env).toContain('BXG_SERVICE=checkout');
  });

  it('reports a failing command (pipefail included) as a failed rollback', async () => {
    const config = configFrom({ 'rollback-command': 'false | cat\necho never' });
    const output: string[] = [];
    const outcome = await runRollback(config.response.rollback, FACTS, {
      shell: bashShell({ PATH: process.env.PATH }),
      github: async () => ({ request: async () => ({ status: 204 }) }),
      onOutput: (t) => output.push(t),
      secrets: [],
    });
    expect(outcome.succeeded).toBe(false);
    expect(outcome.results[0]!.detail).toBe('rollback-command exited with code 1');
    expect(output.join('')).not.toContain('never');
  });

  it('sends workflow_dispatch, repository_dispatch and a deployment status', async () => {
    const config = configFrom(
      {
        'rollback-workflow': 'rollback.yml',
        'rollback-workflow-inputs': 'target: previous',
        'rollback-event': 'deploy-rollback',
        'rollback-event-payload': 'team: payments',
        'deployment-id': '1234',
        'github-token': 'ghs_token',
      },
      undefined,
      env,
    );
    const gh = recordingGitHub();
    const outcome = await runRollback(config.response.rollback, FACTS, {
      shell: bashShell(),
      github: gh.factory,
      onOutput: () => {},
      secrets: [],
    });
    expect(outcome.triggered).toBe(true);
    expect(outcome.succeeded).toBe(true);
    expect(gh.tokens).toEqual(['ghs_token']);
    expect(gh.calls).toEqual([
      {
        route: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
        params: {
          owner: 'acme',
          repo: 'shop',
          workflow_id: 'rollback.yml',
          ref: 'refs/heads/main',
          inputs: { target: 'previous' },
        },
      },
      {
        route: 'POST /repos/{owner}/{repo}/dispatches',
        params: {
          owner: 'acme',
          repo: 'shop',
          event_type: 'deploy-rollback',
          client_payload: {
            team: 'payments',
            buildx_gate: expect.objectContaining({
              decision: 'rollback',
              error_count: 412,
              breached_rules: ['timeouts', 'auth'],
              service: 'checkout',
            }),
          },
        },
      },
      {
        route: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        params: {
          owner: 'acme',
          repo: 'shop',
          deployment_id: 1234,
          state: 'failure',
          description: expect.stringMatching(/^buildx-gate verify: rollback: rule 'timeouts'/),
          log_url: FACTS.runUrl,
        },
      },
    ]);
    const payload = gh.calls[1]!.params.client_payload as Record<string, unknown>;
    expect(Object.keys(payload).length).toBeLessThanOrEqual(10);
  });

  it('tries every trigger even when one fails, and keeps tokens out of the report', async () => {
    const config = configFrom(
      { 'rollback-workflow': '99', 'deployment-id': '7', 'github-token': 'ghs_secret_token' },
      undefined,
      env,
    );
    const gh = recordingGitHub((route) =>
      route.includes('dispatches') ? new Error('Bad credentials ghs_secret_token') : undefined,
    );
    const outcome = await runRollback(config.response.rollback, FACTS, {
      shell: bashShell(),
      github: gh.factory,
      onOutput: () => {},
      secrets: ['ghs_secret_token'],
    });
    expect(gh.calls.map((c) => c.route.split(' ')[1])).toEqual([
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    ]);
    expect(gh.calls[0]!.params.workflow_id).toBe(99);
    expect(outcome.succeeded).toBe(false);
    expect(outcome.results).toEqual([
      { kind: 'workflow', triggered: true, succeeded: false, detail: 'Bad credentials ***' },
      { kind: 'deployment-status', triggered: true, succeeded: true, detail: 'deployment 7 marked failure' },
    ]);
  });

  it('triggers nothing when nothing is configured', async () => {
    const outcome = await runRollback(configFrom({}).response.rollback, FACTS, {
      shell: bashShell(),
      github: async () => {
        throw new Error('must not load');
      },
      onOutput: () => {},
      secrets: [],
    });
    expect(outcome).toEqual({ triggered: false, succeeded: null, results: [] });
  });
});

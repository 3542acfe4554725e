// The facts of the workflow run both actions read from the runner's
// environment (GITHUB_*), and the URLs made of them. Pure.

export interface RunEnvironment {
  /** GITHUB_WORKSPACE, or the working directory outside Actions. */
  workspace: string;
  cwd: string;
  serverUrl: string | null;
  repository: string | null;
  sha: string | null;
  /** GITHUB_REF: `refs/pull/N/merge` on pull_request events. */
  ref: string | null;
  runId: string | null;
  runAttempt: string | null;
}

export function runEnvironment(env: NodeJS.ProcessEnv, cwd: string): RunEnvironment {
  const value = (name: string) => (env[name] && env[name] !== '' ? env[name]! : null);
  return {
    workspace: value('GITHUB_WORKSPACE') ?? cwd,
    cwd,
    serverUrl: value('GITHUB_SERVER_URL') ?? (value('GITHUB_REPOSITORY') ? 'https://github.com' : null),
    repository: value('GITHUB_REPOSITORY'),
    sha: value('GITHUB_SHA'),
    ref: value('GITHUB_REF'),
    runId: value('GITHUB_RUN_ID'),
    runAttempt: value('GITHUB_RUN_ATTEMPT'),
  };
}

/**
 * This run's page, `<server>/<repo>/actions/runs/<id>/attempts/<n>`: the builder-id
 * of provenance attestations (as build-push-action sets it) and the link a
 * rollback carries back. Outside Actions the parts are empty.
 */
export function workflowRunUrl(run: RunEnvironment): string {
  return `${run.serverUrl ?? 'https://github.com'}/${run.repository ?? ''}/actions/runs/${run.runId ?? ''}/attempts/${run.runAttempt ?? '1'}`;
}

/** Whether this runs in a workflow run (not act without a run id, not a local try). */
export function inWorkflowRun(run: RunEnvironment): boolean {
  return run.repository !== null && run.runId !== null;
}

export function serverHost(run: RunEnvironment): string {
  try {
    return new URL(run.serverUrl ?? 'https://github.com').host;
  } catch {
    return 'github.com';
  }
}

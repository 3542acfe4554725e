// The pause decision: stop the rollout, keep what is running. The job fails (so
// the jobs of later environments, which `needs:` this one, do not start) and
// nothing is rolled back; pause-command, when set, tells the deployer to hold
// (e.g. `kubectl argo rollouts pause`). The summary says how to resume.
import type { Decision } from '../judge/decision.js';
import { describeError } from '../config/redact.js';
import type { Shell } from '../ports.js';
import { rollbackEnv, type RollbackFacts } from './rollback.js';

export interface PauseOutcome {
  /** pause-command ran. */
  triggered: boolean;
  /** pause-command exited 0; null when it did not run. */
  succeeded: boolean | null;
  detail: string;
  /** How to go on from here, for the summary. */
  resume: ResumeHint[];
}

export interface ResumeHint {
  text: string;
  command?: string;
}

/**
 * Resume steps for the pause commands of the documented recipes (the command's
 * counterpart, with the same arguments), and the generic ones.
 */
export function resumeHints(command: string | undefined): ResumeHint[] {
  const hints: ResumeHint[] = [];
  const argo = command && /\bargo\s+rollouts\s+pause\s+([^\n;&|]+)/.exec(command);
  const deployment = command && /\bkubectl\s+rollout\s+pause\s+([^\n;&|]+)/.exec(command);
  if (argo) {
    const args = argo[1]!.trim();
    hints.push(
      { text: 'resume the rollout', command: `kubectl argo rollouts promote ${args}` },
      { text: 'or abort it (back to the stable version)', command: `kubectl argo rollouts abort ${args}` },
    );
  } else if (deployment) {
    hints.push({ text: 'resume the rollout', command: `kubectl rollout resume ${deployment[1]!.trim()}` });
  } else if (command) {
    hints.push({ text: 'undo what pause-command did, with your deployer' });
  }
  hints.push(
    {
      text: 're-run the failed job once the cause is understood: the verification runs again and, when it passes, the later environments proceed',
    },
    { text: 'or roll back (rollback-command, or a deploy of the previous version)' },
  );
  return hints;
}

export async function runPause(
  pause: { command: string; timeoutMs: number } | undefined,
  facts: RollbackFacts,
  deps: { shell: Shell; onOutput: (text: string) => void; secrets: readonly string[] },
): Promise<PauseOutcome> {
  const resume = resumeHints(pause?.command);
  if (!pause) {
    return {
      triggered: false,
      succeeded: null,
      detail: 'the job fails so later environments do not deploy; no pause-command is set',
      resume,
    };
  }
  try {
    const code = await deps.shell.run(pause.command, rollbackEnv(facts), deps.onOutput, pause.timeoutMs);
    if (code === 'timeout') {
      const seconds = Math.round(pause.timeoutMs / 1000);
      const detail = `pause-command did not finish within pause-timeout (${seconds}s); it was stopped`;
      return { triggered: true, succeeded: false, detail, resume };
    }
    if (typeof code === 'object') {
      const detail = `pause-command was stopped: buildx-gate verify received ${code.interrupted}`;
      return { triggered: true, succeeded: false, detail, resume };
    }
    return code === 0
      ? { triggered: true, succeeded: true, detail: 'pause-command exited 0', resume }
      : { triggered: true, succeeded: false, detail: `pause-command exited with code ${code}`, resume };
  } catch (error) {
    const message = describeError(error, deps.secrets);
    return { triggered: true, succeeded: false, detail: `pause-command could not run: ${message}`, resume };
  }
}

export interface PauseStep {
  /** null unless the rollout was paused (decision pause, not a dry run). */
  outcome: PauseOutcome | null;
  /** Reasons the pause adds to the verdict's (a failed pause-command). */
  reasons: string[];
}

/** On a pause decision outside a dry run: pause-command, logged; the report's pause and reasons. */
export async function pauseIfDecided(
  config: { dryRun: boolean; pause?: { command: string; timeoutMs: number } },
  decision: Decision,
  facts: RollbackFacts,
  deps: {
    shell: Shell;
    onOutput: (text: string) => void;
    secrets: readonly string[];
    log: { info(m: string): void; warning(m: string): void };
  },
): Promise<PauseStep> {
  if (decision !== 'pause' || config.dryRun) return { outcome: null, reasons: [] };
  const outcome = await runPause(config.pause, facts, deps);
  (outcome.succeeded === false ? deps.log.warning : deps.log.info)(`pause: ${outcome.detail}`);
  return {
    outcome,
    reasons:
      outcome.succeeded === false
        ? ['PAUSE COMMAND FAILED: see the pause result; the rollout may still be progressing']
        : [],
  };
}

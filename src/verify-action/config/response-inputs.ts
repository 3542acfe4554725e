// The rollback triggers' and the pause's inputs -> RollbackConfig and the pause
// command. The GitHub triggers need a token and owner/repo; the workflow's ref
// and the repository default to the run's (GITHUB_REF, GITHUB_REPOSITORY).
import { InputError } from '../../shared/input-error.js';
import type { ResponseConfig, RollbackConfig } from './config.js';
import { objectMap, oneOf, stringMap, timerDuration, type Read } from './input-values.js';

/** A command's timeout: checked whether or not the command is set, so a wrong value never waits for the day it is used. */
function commandTimeout(value: Read, name: 'pause-timeout' | 'rollback-timeout'): number {
  const ms = timerDuration(value, name);
  if (ms === 0) throw new InputError(name, 'must be more than 0');
  return ms;
}

/** pause-command with its timeout; nothing without the command (its timeout is still checked). */
export function parsePause(command: string, value: Read): Pick<ResponseConfig, 'pause'> {
  const timeoutMs = commandTimeout(value, 'pause-timeout');
  return command ? { pause: { command, timeoutMs } } : {};
}

export function parseRollback(
  raw: Read,
  value: Read,
  env: Record<string, string | undefined>,
): RollbackConfig {
  const rollback: RollbackConfig = {};
  const timeoutMs = commandTimeout(value, 'rollback-timeout');
  if (raw('rollback-command')) {
    rollback.command = raw('rollback-command');
    rollback.commandTimeoutMs = timeoutMs;
  }
  if (raw('rollback-workflow')) {
    const ref = raw('rollback-workflow-ref') || env.GITHUB_REF;
    rollback.workflow = {
      id: raw('rollback-workflow'),
      ...(ref ? { ref } : {}),
      inputs: stringMap('rollback-workflow-inputs', raw('rollback-workflow-inputs')),
    };
    if (!ref)
      throw new InputError('rollback-workflow-ref', 'required outside GitHub Actions (no GITHUB_REF)');
  } else if (raw('rollback-workflow-inputs')) {
    throw new InputError('rollback-workflow-inputs', 'only applies with rollback-workflow');
  }
  if (raw('rollback-event')) {
    const type = raw('rollback-event');
    if (type.length > 100)
      throw new InputError('rollback-event', 'the event type is limited to 100 characters');
    const payload = objectMap('rollback-event-payload', raw('rollback-event-payload'));
    // GitHub takes at most 10 top-level client_payload keys; the verdict travels under one more.
    if (Object.keys(payload).length > 9)
      throw new InputError('rollback-event-payload', 'at most 9 top-level keys');
    if ('buildx_gate' in payload)
      throw new InputError('rollback-event-payload', 'the key buildx_gate is reserved');
    rollback.event = { type, payload };
  } else if (raw('rollback-event-payload')) {
    throw new InputError('rollback-event-payload', 'only applies with rollback-event');
  }
  if (raw('deployment-id')) {
    const id = raw('deployment-id');
    if (!/^\d+$/.test(id))
      throw new InputError('deployment-id', `expected a GitHub deployment id (a number), got '${id}'`);
    rollback.deployment = {
      id: Number(id),
      state: oneOf(value, 'deployment-state', ['failure', 'inactive'] as const) as 'failure' | 'inactive',
    };
  }
  const needsGitHub = rollback.workflow || rollback.event || rollback.deployment;
  if (needsGitHub) {
    const token = raw('github-token');
    if (!token)
      throw new InputError('github-token', 'required by rollback-workflow, rollback-event and deployment-id');
    rollback.githubToken = token;
    const repository = raw('repository') || env.GITHUB_REPOSITORY || '';
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
      throw new InputError('repository', 'expected owner/name (defaults to GITHUB_REPOSITORY)');
    }
    rollback.repository = repository;
  }
  return rollback;
}

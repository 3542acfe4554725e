// Build secrets as build-push-action passes them: a secret given by value is
// written to a file only the runner user can read and handed to buildx as
// `--secret id=KEY,src=FILE`, so the value is never on a command line or in a
// log; files and environment variables are referenced by name. The plan is pure;
// writing the files is the one side effect, behind SecretStore.
import { InputError } from '../../shared/input-error.js';
import type { Inputs } from '../inputs.js';

type SecretSource =
  { kind: 'value'; value: string } | { kind: 'file'; path: string } | { kind: 'env'; name: string };

export interface SecretPlan {
  id: string;
  source: SecretSource;
  /** The input it came from, for errors. */
  input: 'secrets' | 'secret-files' | 'secret-envs' | 'github-token';
}

export interface SecretContext {
  /** True when the build context is the repository's Git context (the token then lets BuildKit fetch it). */
  contextIsDefaultGit: boolean;
  /** Host of the GitHub server (`github.com`), for the `GIT_AUTH_TOKEN.<host>` secret. */
  serverHost: string;
}

function splitKeyValue(item: string): [string, string] {
  const eq = item.indexOf('=');
  return [item.slice(0, eq), item.slice(eq + 1)];
}

export function planSecrets(inputs: Inputs, context: SecretContext): SecretPlan[] {
  const plans: SecretPlan[] = [];
  for (const item of inputs.secretEnvs) {
    const [id, name] = splitKeyValue(item);
    plans.push({ id, source: { kind: 'env', name }, input: 'secret-envs' });
  }
  for (const item of inputs.secrets) {
    const [id, value] = splitKeyValue(item);
    plans.push({ id, source: { kind: 'value', value }, input: 'secrets' });
  }
  for (const item of inputs.secretFiles) {
    const [id, path] = splitKeyValue(item);
    plans.push({ id, source: { kind: 'file', path }, input: 'secret-files' });
  }
  const userGivesGitToken = inputs.secrets.some(
    (s) => s.startsWith('GIT_AUTH_TOKEN=') || s.startsWith(`GIT_AUTH_TOKEN.${context.serverHost}=`),
  );
  if (inputs.githubToken !== '' && context.contextIsDefaultGit && !userGivesGitToken) {
    plans.push({
      id: `GIT_AUTH_TOKEN.${context.serverHost}`,
      source: { kind: 'value', value: inputs.githubToken },
      input: 'github-token',
    });
  }
  return plans;
}

/**
 * `secret-envs` names environment variables; one that is not set at all is a mistake (a typo, an
 * `env:` left out) that would otherwise surface as a RUN step that cannot find its secret. An
 * empty one is not refused: a fork's pull request gets empty secrets, and a build may not need it.
 */
export function requireSecretEnvs(secretEnvs: readonly string[], env: NodeJS.ProcessEnv): void {
  secretEnvs.forEach((item, index) => {
    const [id, name] = splitKeyValue(item);
    if (env[name] === undefined) {
      throw new InputError(
        'secret-envs',
        `item ${index + 1} (key '${id}') names the environment variable ${name}, which is not set: set it in the step's env`,
      );
    }
  });
}

/** The values that must be masked in the job log and scrubbed from the report. */
export function secretValues(plans: readonly SecretPlan[]): string[] {
  return plans.flatMap((p) => (p.source.kind === 'value' ? [p.source.value] : []));
}

export interface SecretStore {
  /** Writes a value to a new file readable by the owner only (0600) and returns its path. */
  writeSecret(id: string, value: string): Promise<string>;
  fileExists(path: string): Promise<boolean>;
}

/** Turns the plan into `--secret` values, writing value secrets through the store. */
export async function materializeSecrets(
  plans: readonly SecretPlan[],
  store: SecretStore,
): Promise<string[]> {
  const specs: string[] = [];
  for (const plan of plans) {
    switch (plan.source.kind) {
      case 'env':
        specs.push(`id=${plan.id},env=${plan.source.name}`);
        break;
      case 'file':
        if (!(await store.fileExists(plan.source.path))) {
          throw new InputError('secret-files', `secret ${plan.id}: file ${plan.source.path} not found`);
        }
        specs.push(`id=${plan.id},src=${plan.source.path}`);
        break;
      case 'value':
        specs.push(`id=${plan.id},src=${await store.writeSecret(plan.id, plan.source.value)}`);
        break;
    }
  }
  return specs;
}

// What this run will build, decided once from the inputs and the runner's
// environment before anything happens: the build context (`{{defaultContext}}`
// resolved), the Dockerfile's place, the secrets and the values to mask. Pure.
import {
  runEnvironment,
  serverHost,
  workflowRunUrl,
  type RunEnvironment,
} from '../github/run-environment.js';
import { resolveContext } from './buildx/argv.js';
import type { Inputs } from './inputs.js';
import { defaultGitContext, locateDockerfile, type DockerfileLocation } from './buildx/paths.js';
import { planSecrets, secretValues, type SecretPlan } from './buildx/secrets.js';

export interface RunPlan {
  environment: RunEnvironment;
  /** The repository's Git context, or '.' outside a workflow. */
  defaultContext: string;
  /** The build context buildx gets. */
  context: string;
  /** Where the Dockerfile and the local build context are. */
  location: DockerfileLocation;
  workflowRunUrl: string;
  secretPlans: SecretPlan[];
  /** Every secret value (inline secrets, the ones in named env vars): masked first, scrubbed from the report. */
  secrets: string[];
}

export function planRun(inputs: Inputs, env: NodeJS.ProcessEnv, cwd: string): RunPlan {
  const environment = runEnvironment(env, cwd);
  const defaultContext = defaultGitContext(environment);
  const context = resolveContext(inputs.context, defaultContext);
  const secretPlans = planSecrets(inputs, {
    contextIsDefaultGit: defaultContext !== '.' && context.startsWith(defaultContext),
    serverHost: serverHost(environment),
  });
  const secrets = [
    ...secretValues(secretPlans),
    ...secretPlans.flatMap((p) => (p.source.kind === 'env' ? [env[p.source.name] ?? ''] : [])),
  ].filter((value) => value !== '');
  return {
    environment,
    defaultContext,
    context,
    location: locateDockerfile(context, inputs.file, defaultContext, environment),
    workflowRunUrl: workflowRunUrl(environment),
    secretPlans,
    secrets,
  };
}

// What this run will build, decided once from the inputs and the runner's
// environment before anything happens: the build context (`{{defaultContext}}`
// resolved), the Dockerfile's place, the secrets and the values to mask. Pure.
//
// The values to mask and scrub are every secret the action knows, in every form a
// log can show it: `secrets` values and the variables `secret-envs` names; the
// values of build-args whose names look like secrets (BuildKit names steps with
// ARGs expanded: `WORKDIR /app/<value>`); the credentials in a Git context URL
// (BuildKit names its git source step with them); and each line of a multi-line
// secret (the runner masks line by line).
import {
  runEnvironment,
  serverHost,
  workflowRunUrl,
  type RunEnvironment,
} from '../github/run-environment.js';
import { secretParts, urlCredentials } from '../github/redact.js';
import { resolveContext } from './buildx/argv.js';
import { looksLikeSecretName } from '../shared/secret-names.js';
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
  /**
   * Every secret value and its parts (see the header): masked first, scrubbed from the report,
   * the summary, annotations, outputs and the build record.
   */
  secrets: string[];
  /** Build-args whose names look like secrets and that have a value: the run warns about them. */
  secretBuildArgs: string[];
}

export function planRun(inputs: Inputs, env: NodeJS.ProcessEnv, cwd: string): RunPlan {
  const environment = runEnvironment(env, cwd);
  const defaultContext = defaultGitContext(environment);
  const context = resolveContext(inputs.context, defaultContext);
  const secretPlans = planSecrets(inputs, {
    contextIsDefaultGit: defaultContext !== '.' && context.startsWith(defaultContext),
    serverHost: serverHost(environment),
  });
  const buildArgSecrets = secretBuildArgValues(inputs.buildArgs, env);
  const secrets = [
    ...secretValues(secretPlans),
    ...secretPlans.flatMap((p) => (p.source.kind === 'env' ? [env[p.source.name] ?? ''] : [])),
    ...buildArgSecrets.map(([, value]) => value),
    ...[context, ...inputs.buildContexts].flatMap(urlCredentials),
    ...[...inputs.cacheFrom, ...inputs.cacheTo, ...inputs.outputs].flatMap(secretAttributes),
  ]
    .filter((value) => value !== '')
    .flatMap(secretParts);
  return {
    environment,
    defaultContext,
    context,
    location: locateDockerfile(context, inputs.file, defaultContext, environment),
    workflowRunUrl: workflowRunUrl(environment),
    secretPlans,
    secrets: [...new Set(secrets)],
    secretBuildArgs: [...new Set(buildArgSecrets.map(([name]) => name))],
  };
}

/**
 * Values of secret-like attributes in an exporter or cache spec (`type=s3,...,secret_access_key=X`,
 * `session_token=`), which buildx echoes in its command line, and URL credentials in any value.
 */
function secretAttributes(spec: string): string[] {
  return spec.split(',').flatMap((field) => {
    const eq = field.indexOf('=');
    if (eq <= 0) return [];
    const value = field.slice(eq + 1).trim();
    return [
      ...(looksLikeSecretName(field.slice(0, eq).trim()) && value !== '' ? [value] : []),
      ...urlCredentials(value),
    ];
  });
}

/** `NAME=value`, or `NAME` alone (buildx takes the value from the environment), for secret-like names. */
function secretBuildArgValues(buildArgs: readonly string[], env: NodeJS.ProcessEnv): [string, string][] {
  const found: [string, string][] = [];
  for (const item of buildArgs) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? (env[name] ?? '') : item.slice(eq + 1);
    if (value !== '' && looksLikeSecretName(name)) found.push([name, value]);
  }
  return found;
}

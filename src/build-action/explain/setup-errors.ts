// Failures that happen before BuildKit builds anything: no docker CLI, no buildx
// plugin, no daemon, a builder that does not exist, a buildx too old for a flag.
// The build log then holds one cryptic line; this turns it into what happened
// and what to do. Pure: reads the spawn error and the last lines buildx printed.

export type SetupErrorKind =
  'docker-missing' | 'buildx-missing' | 'daemon-unreachable' | 'builder-not-found' | 'buildx-too-old';

export interface SetupError {
  kind: SetupErrorKind;
  title: string;
  message: string;
}

interface Rule {
  kind: SetupErrorKind;
  pattern: RegExp;
  explain: (match: RegExpExecArray) => Omit<SetupError, 'kind'>;
}

const RULES: readonly Rule[] = [
  {
    kind: 'buildx-missing',
    pattern: /'?buildx'? is not a docker command|unknown command:? "?docker buildx/i,
    explain: () => ({
      title: 'Docker buildx is not installed',
      message:
        "The docker CLI has no buildx plugin ('docker buildx' is not a docker command). Add docker/setup-buildx-action before this step, or install the docker-buildx plugin on the runner.",
    }),
  },
  {
    kind: 'daemon-unreachable',
    pattern:
      /Cannot connect to the Docker daemon at (\S+?)\.? Is the docker daemon running\?|error during connect: .*?(?:(unix|tcp|npipe):\/\/\S+)|dial unix (\S+): connect: (?:no such file or directory|connection refused|permission denied)/i,
    explain: (m) => ({
      title: 'The Docker daemon is not reachable',
      message: `buildx could not connect to the Docker daemon${m[1] || m[2] || m[3] ? ` (${m[1] ?? m[2] ?? m[3]})` : ''}. Start Docker on the runner, or point DOCKER_HOST (or the Docker context) at a running daemon; on self-hosted runners check that the runner user may use the socket.`,
    }),
  },
  {
    kind: 'builder-not-found',
    pattern:
      /no builder "?([^"\s]+)"? found|failed to find instance "?([^"\s]+)"?|builder "?([^"\s]+)"? not found/i,
    explain: (m) => {
      const name = m[1] ?? m[2] ?? m[3] ?? '';
      return {
        title: `Builder "${name}" does not exist`,
        message: `There is no buildx builder named "${name}". Create it before this step (docker/setup-buildx-action, whose 'name' output is the builder to pass here, or 'docker buildx create --name ${name}'), or leave the 'builder' input empty to use the default builder.`,
      };
    },
  },
  {
    kind: 'buildx-too-old',
    pattern: /unknown flag: (--[\w-]+)/i,
    explain: (m) => ({
      title: `buildx does not support ${m[1]}`,
      message: `This buildx is too old for ${m[1]}, which one of the inputs needs. Update buildx (docker/setup-buildx-action installs a current one) or remove the input.`,
    }),
  },
];

/**
 * Explains a failed run. `spawnErrorCode` is the errno of starting the process
 * (ENOENT: no docker CLI); `lastLines` are the last lines it printed.
 */
export function diagnoseSetupError(
  spawnErrorCode: string | null,
  lastLines: readonly string[],
): SetupError | null {
  if (spawnErrorCode === 'ENOENT') {
    return {
      kind: 'docker-missing',
      title: 'The docker CLI is not installed',
      message:
        "No 'docker' executable was found on PATH. Use a runner image with Docker, or install Docker (e.g. docker/setup-docker-action) before this step.",
    };
  }
  const text = lastLines.join('\n');
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) return { kind: rule.kind, ...rule.explain(match) };
  }
  return null;
}

// Failures that happen before BuildKit builds anything: no docker CLI, no buildx
// plugin, no daemon, a builder that does not exist, a buildx too old for a flag,
// an input buildx refuses (`shm-size: -1`, a bad platform). The build log then
// holds one cryptic line; this turns it into what happened and what to do, naming
// the input. Pure: reads the spawn error, the last lines buildx printed and which
// input each flag came from (buildx/argv.ts).

type SetupErrorKind =
  | 'docker-missing'
  | 'buildx-missing'
  | 'daemon-unreachable'
  | 'builder-not-found'
  | 'buildx-too-old'
  | 'input-refused';

/** A flag of the buildx command and the input it came from (buildx/argv.ts's FlagSource). */
export interface InputFlag {
  flag: string;
  value?: string;
  input: string;
}

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
  // The three ways the CLI says it: one pattern each, so none has to skip text before its address
  // (one alternation that did scanned every "error during connect:" of a long line to its end).
  ...[
    /Cannot connect to the Docker daemon at (\S+?)\.? Is the docker daemon running\?/i,
    /error during connect: \w+ "?([^\s"]+)/i,
    /dial unix (\S+): connect: (?:no such file or directory|connection refused|permission denied)/i,
  ].map((pattern) => ({
    kind: 'daemon-unreachable' as const,
    pattern,
    explain: (m: RegExpExecArray) => ({
      title: 'The Docker daemon is not reachable',
      message: `buildx could not connect to the Docker daemon (${m[1]}). Start Docker on the runner, or point DOCKER_HOST (or the Docker context) at a running daemon; on self-hosted runners check that the runner user may use the socket.`,
    }),
  })),
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
 * cobra's refusal of a flag value, `invalid argument "-1" for "--shm-size" flag: invalid size: '-1'`,
 * read by hand (a line of untrusted length, see decision 0019): the value, the flag, the reason.
 */
function flagRefusal(line: string): { value: string; flag: string; reason: string } | null {
  const head = 'invalid argument "';
  const start = line.indexOf(head);
  if (start === -1) return null;
  const forAt = line.indexOf('" for "', start + head.length);
  if (forAt === -1) return null;
  const flagEnd = line.indexOf('" flag:', forAt + 7);
  if (flagEnd === -1) return null;
  const flag = line.slice(forAt + 7, flagEnd);
  if (!/^--?[\w-]{1,40}$/.test(flag)) return null;
  return { value: line.slice(start + head.length, forAt), flag, reason: line.slice(flagEnd + 7).trim() };
}

/** buildx's own `ERROR: ...` line (the last one). */
function lastErrorLine(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line.startsWith('ERROR: ')) return line.slice(7);
  }
  return null;
}

/**
 * An input buildx refused before building anything. cobra names the flag; buildx's own checks
 * (`failed to parse platform`, `invalid host`) quote the value: the input whose value it quotes
 * (or names, as a word) is the one. Only before any step ran, so an error that quotes a tag or a
 * path while building is never taken for one.
 */
function refusedInput(
  lines: readonly string[],
  flags: readonly InputFlag[],
  buildStarted: boolean,
): SetupError | null {
  for (const line of lines) {
    const cobra = flagRefusal(line);
    if (cobra === null) continue;
    const source = flags.find((f) => f.flag === cobra.flag);
    if (source === undefined) return null;
    return refused(source.input, `invalid value "${cobra.value}" for ${cobra.flag}: ${cobra.reason}`);
  }
  if (buildStarted) return null;
  const error = lastErrorLine(lines);
  if (error === null) return null;
  const quoted = [...error.matchAll(/"([^"\n]{3,400})"/g)].map((m) => m[1]!);
  const words = new Set(error.split(/[\s"':,]+/).filter((w) => w.length >= 3));
  const named = (value: string) =>
    quoted.some((q) => value.includes(q)) || value.split(',').some((part) => words.has(part));
  const source = flags.find((f) => f.value !== undefined && f.value.length >= 3 && named(f.value));
  return source === undefined ? null : refused(source.input, error);
}

function refused(input: string, detail: string): SetupError {
  return {
    kind: 'input-refused',
    title: `buildx refused the ${input} input`,
    message: `${detail.slice(0, 500)}. Fix the '${input}' input (buildx exited before building anything).`,
  };
}

/**
 * Explains a failed run. `spawnErrorCode` is the errno of starting the process
 * (ENOENT: no docker CLI); `lastLines` are the last lines it printed; `flags` say
 * which input each flag of the command came from; `buildStarted` whether any step ran.
 */
export function diagnoseSetupError(
  spawnErrorCode: string | null,
  lastLines: readonly string[],
  flags: readonly InputFlag[] = [],
  buildStarted = false,
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
  const input = refusedInput(lastLines, flags, buildStarted);
  if (input !== null) return input;
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) return { kind: rule.kind, ...rule.explain(match) };
  }
  return null;
}

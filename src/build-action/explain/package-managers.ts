// Which package manager a RUN command runs, so a cache-bust hint can name the manifests to copy
// before the install. The command is read as shell words per simple command (split at `&&`,
// `||`, `;`, `|` and newlines), never by one regex over the whole line: a pattern that must skip
// "anything but a separator" before a flag (`pip install ... -r`) backtracks quadratically on a
// long Dockerfile line (issue 17, eslint-plugin-redos).

export interface PackageManager {
  name: string;
  /** Files to copy before the install so it reruns only when they change. */
  manifests: string;
  /** Whether one simple command's words run this manager's install. */
  installs(words: readonly string[]): boolean;
}

/** The simple commands of a shell script, each as its words. */
function simpleCommands(script: string): string[][] {
  return script.split(/&&|\|\||[;|\n]/).map((command) => command.split(/\s+/).filter((w) => w !== ''));
}

/** A word's program name: `/usr/local/bin/npm` is npm, `./mvnw` is mvnw. */
function program(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Words that run the command after them (`sudo apt-get install`, `env CI=1 npm ci`). */
const WRAPPERS = new Set(['sudo', 'env', 'time', 'nice', 'nohup', 'exec', 'command']);
const ASSIGNMENT = /^[A-Za-z_]\w*=/;
const PYTHON = /^python[\d.]*$/;

/**
 * Where the program of the simple command is, when it is one of `names`, else -1: past variable
 * assignments and wrappers, and `python -m pip` runs pip. A name in an argument (`echo npm ci`)
 * runs nothing.
 */
function commandIndex(words: readonly string[], names: readonly string[]): number {
  let at = 0;
  while (at < words.length && (ASSIGNMENT.test(words[at]!) || WRAPPERS.has(program(words[at]!)))) at++;
  if (at + 2 < words.length && PYTHON.test(program(words[at]!)) && words[at + 1] === '-m') at += 2;
  return at < words.length && names.includes(program(words[at]!)) ? at : -1;
}

/** The words after the program, flags before the subcommand skipped when `skipFlags` names their prefix. */
function argsOf(
  words: readonly string[],
  names: readonly string[],
  skipFlags?: string,
): readonly string[] | null {
  const at = commandIndex(words, names);
  if (at < 0) return null;
  let next = at + 1;
  while (skipFlags !== undefined && next < words.length && words[next]!.startsWith(skipFlags)) next++;
  return words.slice(next);
}

/** `<name> <one of subcommands>`. */
function subcommand(names: readonly string[], subcommands: readonly string[], skipFlags?: string) {
  return (words: readonly string[]): boolean => {
    const args = argsOf(words, names, skipFlags);
    return args !== null && args.length > 0 && subcommands.includes(args[0]!);
  };
}

/** `<name>` with a later argument that `argument` accepts (`mvn -B dependency:go-offline`). */
function withArgument(names: readonly string[], argument: RegExp) {
  return (words: readonly string[]): boolean => argsOf(words, names)?.some((w) => argument.test(w)) ?? false;
}

// In order: `uv pip install -r` is uv's, so uv is asked before pip.
const PACKAGE_MANAGERS: readonly PackageManager[] = [
  {
    name: 'npm',
    manifests: 'package.json package-lock.json',
    installs: subcommand(['npm'], ['ci', 'install', 'i']),
  },
  {
    name: 'yarn',
    manifests: 'package.json yarn.lock',
    // A bare `yarn` installs too.
    installs: (words) => {
      const args = argsOf(words, ['yarn']);
      return args !== null && (args.length === 0 || args[0] === 'install');
    },
  },
  {
    name: 'pnpm',
    manifests: 'package.json pnpm-lock.yaml',
    installs: subcommand(['pnpm'], ['install', 'i', 'fetch']),
  },
  { name: 'poetry', manifests: 'pyproject.toml poetry.lock', installs: subcommand(['poetry'], ['install']) },
  {
    name: 'pipenv',
    manifests: 'Pipfile Pipfile.lock',
    installs: subcommand(['pipenv'], ['install', 'sync']),
  },
  {
    name: 'uv',
    manifests: 'pyproject.toml uv.lock',
    installs: (words) => {
      const args = argsOf(words, ['uv']);
      return args !== null && (args[0] === 'sync' || args.slice(0, 3).join(' ') === 'pip install -r');
    },
  },
  {
    name: 'pip',
    manifests: 'requirements.txt',
    // Only an install from a requirements file has a manifest to copy first.
    installs: (words) => {
      const args = argsOf(words, ['pip', 'pip3']);
      return (
        args !== null &&
        args[0] === 'install' &&
        args.slice(1).some((w) => w === '-r' || w === '--requirement' || w.startsWith('--requirement='))
      );
    },
  },
  {
    name: 'go',
    manifests: 'go.mod go.sum',
    installs: (words) => argsOf(words, ['go'])?.slice(0, 2).join(' ') === 'mod download',
  },
  { name: 'bundler', manifests: 'Gemfile Gemfile.lock', installs: subcommand(['bundle'], ['install']) },
  { name: 'cargo', manifests: 'Cargo.toml Cargo.lock', installs: subcommand(['cargo'], ['fetch', 'build']) },
  {
    name: 'maven',
    manifests: 'pom.xml',
    installs: withArgument(['mvn', 'mvnw'], /^dependency:(?:go-offline|resolve)\b/),
  },
  {
    name: 'gradle',
    manifests: 'build.gradle settings.gradle gradle.properties',
    installs: withArgument(['gradle', 'gradlew'], /(?:^|:)dependencies$/),
  },
  {
    name: 'composer',
    manifests: 'composer.json composer.lock',
    installs: subcommand(['composer'], ['install']),
  },
  { name: 'apt-get', manifests: '', installs: subcommand(['apt-get'], ['install'], '-') },
  { name: 'apk', manifests: '', installs: subcommand(['apk'], ['add'], '--') },
];

/** The package manager a RUN command's script installs with, or null. */
export function packageManagerIn(script: string): PackageManager | null {
  const commands = simpleCommands(script);
  return PACKAGE_MANAGERS.find((pm) => commands.some((words) => pm.installs(words))) ?? null;
}

// The documented list of build failure categories, each with what gives it away and one line
// that tells the user what to do. Rules are tried in order and the first that matches wins, so
// specific causes come before the generic "command failed". The messages they are tested
// against are real BuildKit/buildx/shell wordings (see __tests__/engine/error-categories.test.ts).
//
// The category comes from buildx's own error lines only: the final error and the failing
// vertex's error, with the command text they quote taken out (withoutCommandText: a
// `RUN echo "pull access denied"; exit 1` is a command that failed, not a missing image), and the
// exit code they state. What the failing command printed is written by the code being built, so
// it never decides the category (a step could print "Could not resolve host" to be taken for a
// network flake and retried): the `output` patterns only make a suggestion (suggestFromOutput)
// that the report shows beside the category.
//
// The messages are untrusted and matched on every snapshot of a running build (every 100 ms):
// a span of unknown text after a literal is bounded (`[^:]{0,1024}`), so that a message holding
// the literal many times costs a constant per occurrence instead of a scan to its end (ReDoS).
import type { ErrorCategory } from './report.js';

export interface ErrorFacts {
  /** The final error message and the failing vertex's error, joined. */
  message: string;
  exitCode: number | null;
  /** Upper-case instruction of the failing step, when one failed. */
  instruction: string | null;
  /** Last output lines of the failing step (what a RUN printed before it failed). */
  output: string;
}

export interface CategoryRule {
  category: ErrorCategory;
  hint: string;
  /** Matched against the error message. */
  message?: RegExp;
  exitCodes?: readonly number[];
  /**
   * Matched against the failing command's last output lines, only when a command ran: a
   * suggestion shown beside the category (suggestFromOutput), never the category.
   */
  output?: RegExp;
  /** Extra condition on the facts, for wordings that mean different things per instruction. */
  when?: (facts: ErrorFacts) => boolean;
}

export const ERROR_CATEGORY_RULES: readonly CategoryRule[] = [
  {
    category: 'cancelled',
    hint: 'The build was cancelled before it finished (job cancelled, timeout or Ctrl-C); rerun it.',
    message: /context canceled|\bCanceled: |operation was canceled|build cancelled/i,
  },
  {
    // `docker build --check` exits 1 when it finds anything; `# check=error=true` fails the build.
    category: 'build-check',
    hint: 'The Dockerfile breaks build-check rules (see the warnings): fix them, or skip a rule with a "# check=skip=<Rule>" line at the top of the Dockerfile.',
    message: /^Check complete, \d+ warnings? ha(?:s|ve) been found|lint violation found for rules?: /i,
  },
  {
    category: 'dockerfile-syntax',
    hint: 'The Dockerfile does not parse: fix the instruction on the line shown (typo, missing argument, bad quoting).',
    message:
      /dockerfile parse error|unknown instruction|parse error on line|requires (?:exactly|at least|either) (?:one|two|three|\d+)|can't find = in|unexpected end of statement|unterminated heredoc|syntax error - |failed to process "[^"]*": |unknown flag: |empty continuation line|Dockerfile cannot be empty|invalid (?:proto|port|containerPort|hostPort|signal|reference format)\b/i,
  },
  {
    category: 'disk-full',
    hint: 'The builder ran out of disk space: prune build cache (docker builder prune) or free space on the runner.',
    message: /no space left on device|disk quota exceeded/i,
    output: /no space left on device|disk quota exceeded/i,
  },
  {
    category: 'killed-oom',
    hint: 'The process was killed, most often out of memory: give the builder more memory or lower the job parallelism.',
    message: /signal: killed|cannot allocate memory|out of memory|oom[- ]?kill|exit code: 137\b/i,
    exitCodes: [137],
    output: /cannot allocate memory|out of memory|JavaScript heap out of memory|^Killed$/im,
  },
  {
    category: 'platform',
    hint: 'The image or binary is for another CPU architecture: set --platform, use a multi-arch base image, or install QEMU (docker/setup-qemu-action).',
    message:
      /exec format error|no match for platform in manifest|does not match the specified platform|failed to get emulator|no matching manifest for/i,
    output: /exec format error/i,
  },
  {
    category: 'missing-file',
    hint: 'A COPY/ADD source is not in the build context: check the path, the context directory and .dockerignore.',
    message:
      // eslint-disable-next-line redos/no-vulnerable -- its spans are bounded ({0,1024}): recheck's fuzzer reads the bounded repeat as polynomial, its automaton analysis proves the pattern linear (error-categories.test.ts)
      /failed to compute cache key|failed to calculate checksum of ref|"\/[^"]{0,4096}" not found|no source files were specified|failed to walk [^:]{0,1024}: lstat|file not found in build context|lstat [^:]{0,1024}: no such file or directory/i,
    when: (facts) =>
      facts.instruction === null || facts.instruction === 'COPY' || facts.instruction === 'ADD',
  },
  {
    category: 'network',
    hint: 'A network request failed (DNS, timeout, refused): check the registry or mirror URL, proxy settings and the build --network.',
    message:
      /dial tcp|i\/o timeout|temporary failure in name resolution|could not resolve host|no such host|connection refused|connection reset by peer|network is unreachable|TLS handshake timeout|server misbehaving/i,
    output:
      /temporary failure (?:in name resolution|resolving)|could not resolve host|could not resolve '|name or service not known|network is unreachable|connection timed out|dial tcp|i\/o timeout|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|ETIMEDOUT|ECONNREFUSED/i,
  },
  {
    category: 'image-not-found',
    hint: 'The base image or tag does not exist or is private: check the FROM name and tag, or log in to the registry first.',
    message:
      // The image reference has no blank, and what may stand between it and `not found` is short:
      // bounded, so each start costs a constant (the unbounded `[^:]+:?[^ ]*` was quadratic, 10 s
      // on 80 KB, on every snapshot of a build).
      /pull access denied|manifest unknown|repository does not exist|failed to resolve source metadata for [^ ]{1,512}: (?:[^:\n]{1,256}: )?not found|: not found$/i,
    when: (facts) =>
      facts.instruction === null ||
      facts.instruction === 'FROM' ||
      /pull access denied|manifest unknown|failed to resolve source metadata/i.test(facts.message),
  },
  {
    category: 'registry-auth',
    hint: 'The registry refused the credentials: log in (docker/login-action) with a token that may read and push this repository.',
    message:
      /401 unauthorized|\bunauthorized\b|authentication required|denied: requested access|(?:^|: )denied: |permission_denied|insufficient_scope|403 forbidden|no basic auth credentials|access to the resource is denied/i,
  },
  {
    category: 'command-not-found',
    hint: 'A command is not installed in the image: install the package that provides it earlier in the Dockerfile, or fix the PATH.',
    message: /executable file not found in \$PATH|command not found/i,
    exitCodes: [127],
    output: /(?:^|: )(?:[^\s:]+): (?:command )?not found$/im,
  },
  {
    // The step never ran its command: the container could not be created, networked or mounted.
    // What the command printed (nothing) and its "exit code" say nothing about the command.
    category: 'builder-environment',
    hint: 'The builder could not start the step (runtime, network or mounts; the command never ran): check the daemon or buildkitd logs and networks, recreate the builder, or use another runner.',
    message:
      // eslint-disable-next-line redos/no-vulnerable -- its spans are bounded ({0,1024}): recheck's fuzzer reads the bounded repeat as polynomial, its automaton analysis proves the pattern linear (error-categories.test.ts)
      /network bridge not found|failed to create endpoint|failed to set up container networking|could not find an available, non-overlapping|failed to create shim|OCI runtime (?:create|start) failed|runc (?:create|run) failed|unable to start container process|error during container init|failed to mount [^:]{0,1024}: |failed to prepare (?:extraction )?snapshot|cgroups?: [^:]{0,1024}: no such file|failed to start daemon|Cannot connect to the Docker daemon|buildkit(?:d)? (?:is not running|has been stopped)/i,
  },
  {
    category: 'command-failed',
    hint: 'A RUN command exited with an error: read its last output lines and fix the command or what it builds.',
    message: /did not complete successfully|executor failed running|exit code: \d+|returned a non-zero code/i,
    when: (facts) => facts.exitCode !== 0,
  },
  {
    category: 'unknown',
    hint: 'buildx failed without a recognised cause: read the error message and the output of the failing step.',
  },
];

export interface Classification {
  category: ErrorCategory;
  hint: string;
}

export function classifyError(facts: ErrorFacts): Classification {
  const message = withoutCommandText(facts.message);
  const own: ErrorFacts = { ...facts, message };
  for (const rule of ERROR_CATEGORY_RULES) {
    if (rule.when !== undefined && !rule.when(own)) continue;
    const byMessage = rule.message !== undefined && rule.message.test(message);
    const byExitCode =
      rule.exitCodes !== undefined && facts.exitCode !== null && rule.exitCodes.includes(facts.exitCode);
    const isFallback =
      rule.message === undefined && rule.exitCodes === undefined && rule.output === undefined;
    if (byMessage || byExitCode || isFallback) return { category: rule.category, hint: rule.hint };
  }
  // Unreachable: the last rule always matches.
  return { category: 'unknown', hint: '' };
}

/**
 * The category the failing command's own output points at (`no space left on device`, `Could not
 * resolve host`), null when none does or no command ran. The command printed it, so it is only a
 * suggestion for the reader, never the category.
 */
export function suggestFromOutput(facts: ErrorFacts): Classification | null {
  if (facts.exitCode === null || facts.exitCode === 0 || facts.output.length === 0) return null;
  for (const rule of ERROR_CATEGORY_RULES)
    if (rule.output !== undefined && rule.output.test(facts.output))
      return { category: rule.category, hint: rule.hint };
  return null;
}

const PROCESS_OPENING = 'process "';
const EXECUTOR_OPENING = 'executor failed running [';
const EXECUTOR_CLOSING = ']: ';
const LEGACY_OPENING = "The command '";
const LEGACY_CLOSING = "' returned a non-zero code";
const MASK = '…';

/**
 * An error message with the command text it quotes replaced by `…`, so that what a Dockerfile's
 * RUN says (`echo "context canceled"`) is not read as the cause. The three wordings:
 * BuildKit >= 0.10 `process "<Go-quoted command>" did not complete successfully: <cause>`,
 * BuildKit v0.8 `executor failed running [<command as written>]: <cause>` (the command may hold
 * `]: ` and newlines: it ends at the last `]: ` before the next such error, or the end), and the
 * legacy builder's `The command '<command>' returned a non-zero code: N`. Linear in the message.
 */
export function withoutCommandText(message: string): string {
  let out = '';
  let pos = 0;
  // The next index of each opening at or after pos (-1: none), searched again only once passed,
  // and each closing searched within its own error only: linear however many openings there are.
  let process = -2;
  let executor = -2;
  let legacy = -2;
  while (pos < message.length) {
    if (process !== -1 && process < pos) process = message.indexOf(PROCESS_OPENING, pos);
    if (executor !== -1 && executor < pos) executor = message.indexOf(EXECUTOR_OPENING, pos);
    if (legacy !== -1 && legacy < pos) legacy = message.indexOf(LEGACY_OPENING, pos);
    const at = firstOf(process, executor, legacy);
    if (at < 0) break;
    let start: number;
    let end: number;
    if (at === process) {
      start = at + PROCESS_OPENING.length;
      end = quotedEnd(message, start);
    } else {
      const [opening, closing] =
        at === executor ? [EXECUTOR_OPENING, EXECUTOR_CLOSING] : [LEGACY_OPENING, LEGACY_CLOSING];
      start = at + opening.length;
      let next = message.indexOf(opening, start);
      if (at === executor) executor = next;
      else legacy = next;
      if (next < 0) next = message.length;
      end = lastIndexWithin(message, closing, start, next);
    }
    out += message.slice(pos, start) + MASK;
    pos = end;
  }
  return pos === 0 ? message : out + message.slice(pos);
}

/** The last index of `needle` inside text[from, to), else `to`. */
function lastIndexWithin(text: string, needle: string, from: number, to: number): number {
  for (let i = to - needle.length; i >= from; i--) if (text.startsWith(needle, i)) return i;
  return to;
}

/** Index of the quote that ends a Go-quoted string whose text starts at `from` (the end if none). */
function quotedEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \\ */) i++;
    else if (code === 34 /* " */) return i;
  }
  return text.length;
}

function firstOf(...indexes: number[]): number {
  let first = -1;
  for (const index of indexes) if (index >= 0 && (first < 0 || index < first)) first = index;
  return first;
}

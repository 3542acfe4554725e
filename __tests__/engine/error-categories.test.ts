// The category table against real error wordings of BuildKit, buildx, Docker Hub, shells and
// package managers, one row per wording.
import { describe, expect, it } from '@jest/globals';
import {
  ERROR_CATEGORY_RULES,
  classifyError,
  suggestFromOutput,
  withoutCommandText,
  type ErrorFacts,
} from '../../src/engine/error-categories.js';
import type { ErrorCategory } from '../../src/engine/report.js';
import { checkSync } from 'recheck';

type Row = [ErrorCategory, Partial<ErrorFacts> & { message: string }];

const ROWS: Row[] = [
  [
    'dockerfile-syntax',
    {
      message:
        'failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 5: unknown instruction: CPY',
    },
  ],
  [
    'dockerfile-syntax',
    {
      message:
        'failed to solve: dockerfile parse error on line 5: unknown instruction: CPY (did you mean COPY?)',
    },
  ],
  [
    'dockerfile-syntax',
    {
      message:
        'failed to solve: dockerfile parse error on line 3: FROM requires either one or three arguments',
    },
  ],
  [
    'dockerfile-syntax',
    { message: 'failed to solve: Syntax error - can\'t find = in "x". Must be of the form: name=value' },
  ],
  [
    'dockerfile-syntax',
    {
      message:
        'failed to solve: failed to process "\\"${FOO": unexpected end of statement while looking for matching }',
    },
  ],
  [
    'dockerfile-syntax',
    {
      message:
        'failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: Invalid proto: tcpx',
    },
  ],
  [
    'dockerfile-syntax',
    { message: 'failed to build: failed to solve: invalid port: "8080/tcpx": invalid proto: tcpx' },
  ],
  [
    'dockerfile-syntax',
    {
      message:
        'failed to solve: failed to parse stage name "Build": invalid reference format: repository name must be lowercase',
    },
  ],
  [
    'missing-file',
    {
      message: 'failed to solve: failed to compute cache key: "/package-lock.json" not found: not found',
      instruction: 'COPY',
    },
  ],
  [
    'missing-file',
    {
      message:
        'failed to compute cache key: failed to calculate checksum of ref 3f6c::x: "/app/dist": not found',
      instruction: 'COPY',
    },
  ],
  ['missing-file', { message: '"/package-lock.json" not found: not found', instruction: 'COPY' }],
  [
    'missing-file',
    {
      message:
        'failed to solve: failed to compute cache key: failed to calculate checksum of ref abc: "/config.yml": not found',
      instruction: null,
    },
  ],
  [
    'command-failed',
    {
      message: 'failed to solve: process "/bin/sh -c make test" did not complete successfully: exit code: 2',
      exitCode: 2,
      instruction: 'RUN',
    },
  ],
  [
    'command-failed',
    {
      message: 'failed to solve: executor failed running [/bin/sh -c ./run-tests.sh]: exit code: 1',
      exitCode: 1,
      instruction: 'RUN',
    },
  ],
  [
    'command-failed',
    { message: "The command '/bin/sh -c npm test' returned a non-zero code: 1", exitCode: 1 },
  ],
  [
    'command-not-found',
    {
      message:
        'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "gradle": executable file not found in $PATH: unknown',
    },
  ],
  [
    'killed-oom',
    {
      message: 'process "/bin/sh -c npm run build" did not complete successfully: exit code: 137',
      exitCode: 137,
    },
  ],
  [
    'killed-oom',
    {
      message:
        'failed to solve: process "/bin/sh -c cargo build" did not complete successfully: signal: killed',
    },
  ],
  ['killed-oom', { message: 'failed to solve: failed to read dockerfile: cannot allocate memory' }],
  [
    'network',
    {
      message:
        'failed to solve: alpine:3.19: failed to resolve source metadata for docker.io/library/alpine:3.19: failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/3.19": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving',
    },
  ],
  [
    'network',
    {
      message:
        'failed to solve: DeadlineExceeded: failed to fetch anonymous token: Get "https://auth.docker.io/token": dial tcp 3.216.34.172:443: i/o timeout',
    },
  ],
  [
    'registry-auth',
    {
      message:
        'failed to solve: failed to push ghcr.io/acme/app:1.0: unexpected status from POST request to https://ghcr.io/v2/acme/app/blobs/uploads/: 401 Unauthorized',
    },
  ],
  ['registry-auth', { message: 'failed to solve: server message: insufficient_scope: authorization failed' }],
  ['registry-auth', { message: 'denied: requested access to the resource is denied' }],
  [
    'registry-auth',
    {
      message:
        'failed to solve: failed to fetch oauth token: unexpected status: 401 Unauthorized: authentication required',
    },
  ],
  [
    'image-not-found',
    {
      message:
        'failed to solve: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    },
  ],
  [
    'image-not-found',
    {
      message:
        'failed to solve: node:99: failed to resolve source metadata for docker.io/library/node:99: docker.io/library/node:99: not found',
    },
  ],
  [
    'image-not-found',
    {
      message:
        'failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: docker.io/local/nope:1: not found',
    },
  ],
  [
    'image-not-found',
    {
      message:
        'failed to solve: ghcr.io/acme/base:2: failed to resolve source metadata for ghcr.io/acme/base:2: manifest unknown',
      instruction: 'FROM',
    },
  ],
  [
    'platform',
    {
      message:
        'failed to solve: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/bin/sh": exec format error',
    },
  ],
  [
    'platform',
    {
      message:
        'failed to solve: image with reference app:1 was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64',
    },
  ],
  ['platform', { message: 'failed to solve: no match for platform in manifest sha256:abc: not found' }],
  [
    'disk-full',
    { message: 'failed to solve: failed to copy files: copy file range failed: no space left on device' },
  ],
  ['cancelled', { message: 'failed to solve: Canceled: context canceled' }],
  ['cancelled', { message: 'context canceled' }],
  ['unknown', { message: 'failed to solve: failed to read dockerfile: open Dockerfile: permission denied' }],
  [
    'registry-auth',
    {
      message: 'failed to solve: failed to push ghcr.io/acme/api:1: denied: permission_denied: write_package',
    },
  ],
  // The builder could not run the step; the command never started (recorded on engine 20 and 26).
  [
    'builder-environment',
    {
      message:
        'failed to solve: executor failed running [/bin/sh -c echo "fetching dependencies"]: network bridge not found',
    },
  ],
  [
    'builder-environment',
    {
      message:
        'process "/bin/sh -c echo building web && sleep 1" did not complete successfully: network bridge not found',
    },
  ],
  [
    'builder-environment',
    {
      message:
        'failed to solve: process "/bin/sh -c apt-get update" did not complete successfully: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "proc" to rootfs at "/proc": operation not permitted: unknown',
    },
  ],
  ['builder-environment', { message: 'failed to dial gRPC: cannot connect to the Docker daemon' }],
  // buildx 0.38 `docker build --check` (recorded on the modern stack) and `# check=error=true`.
  ['build-check', { message: 'Check complete, 4 warnings have been found!' }],
  ['build-check', { message: 'failed to solve: lint violation found for rules: FromAsCasing' }],
];

/**
 * What a failing command printed, with the category buildx's own lines give and the one its output
 * suggests: the output is written by the code being built, so it never decides the category.
 */
const OUTPUT_ROWS: [
  ErrorCategory,
  ErrorCategory,
  Partial<ErrorFacts> & { message: string; output: string },
][] = [
  // [category from buildx's lines, category the output suggests, facts]
  [
    'command-not-found',
    'command-not-found',
    {
      message: 'process "/bin/sh -c yarn build" did not complete successfully: exit code: 127',
      exitCode: 127,
      output: '/bin/sh: 1: yarn: not found',
    },
  ],
  [
    'command-failed',
    'command-not-found',
    {
      message: 'failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 1',
      exitCode: 1,
      output: 'sh: make: not found',
    },
  ],
  [
    'command-failed',
    'killed-oom',
    {
      message: 'process "/bin/sh -c node build.js" did not complete successfully: exit code: 134',
      exitCode: 134,
      output: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    },
  ],
  [
    'command-failed',
    'network',
    {
      message: 'process "/bin/sh -c apt-get update" did not complete successfully: exit code: 100',
      exitCode: 100,
      output:
        "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'",
    },
  ],
  [
    'command-failed',
    'network',
    {
      message:
        'process "/bin/sh -c git clone https://github.com/x/y" did not complete successfully: exit code: 128',
      exitCode: 128,
      output: "fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com",
    },
  ],
  [
    'command-failed',
    'network',
    {
      message: 'process "/bin/sh -c npm ci" did not complete successfully: exit code: 1',
      exitCode: 1,
      output:
        'npm ERR! network request to https://registry.npmjs.org/x failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
    },
  ],
  [
    'command-failed',
    'platform',
    {
      message: 'process "/bin/sh -c ./configure" did not complete successfully: exit code: 1',
      exitCode: 1,
      output: 'exec /bin/sh: exec format error',
    },
  ],
  [
    'command-failed',
    'disk-full',
    {
      message: 'process "/bin/sh -c npm ci" did not complete successfully: exit code: 228',
      exitCode: 228,
      output: 'npm ERR! nospc ENOSPC: no space left on device, write',
    },
  ],
];

describe('error categories', () => {
  it.each(ROWS.map(([category, facts]) => [category, facts.message.slice(0, 90), facts] as const))(
    '%s: %s',
    (category, _shown, facts) => {
      const result = classifyError({ exitCode: null, instruction: null, output: '', ...facts });
      expect(result.category).toBe(category);
      expect(result.hint).toBe(ERROR_CATEGORY_RULES.find((rule) => rule.category === category)!.hint);
    },
  );

  it('has one rule with a one-line hint for every documented category', () => {
    const categories = ERROR_CATEGORY_RULES.map((rule) => rule.category);
    expect(new Set(categories).size).toBe(categories.length);
    expect(categories.sort()).toEqual(
      [
        'build-check',
        'builder-environment',
        'cancelled',
        'command-failed',
        'command-not-found',
        'disk-full',
        'dockerfile-syntax',
        'image-not-found',
        'killed-oom',
        'missing-file',
        'network',
        'platform',
        'registry-auth',
        'unknown',
      ].sort(),
    );
    for (const rule of ERROR_CATEGORY_RULES) expect(rule.hint).toMatch(/^[^\n]{20,200}$/);
  });

  it.each(
    OUTPUT_ROWS.map(([own, suggested, facts]) => [own, suggested, facts.output.slice(0, 70), facts] as const),
  )('%s, its output suggesting %s: %s', (own, suggested, _shown, facts) => {
    const full = { exitCode: null, instruction: null, ...facts };
    expect(classifyError(full).category).toBe(own);
    expect(suggestFromOutput(full)?.category).toBe(suggested);
    // The same command printing nothing: the same category.
    expect(classifyError({ ...full, output: '' }).category).toBe(own);
  });

  it('every category is reached by at least one real message', () => {
    const reached = new Set([...ROWS.map(([category]) => category), 'network', 'disk-full']);
    for (const rule of ERROR_CATEGORY_RULES) expect(reached).toContain(rule.category);
  });
});

describe('the command text quoted in an error message is not its cause', () => {
  const TEXT =
    'pull access denied; context canceled; no space left on device; dockerfile parse error on line 1; exit code: 137';
  it.each([
    [
      'BuildKit >= 0.10',
      `failed to solve: process "/bin/sh -c echo \\"${TEXT}\\"; exit 1" did not complete successfully: exit code: 1`,
    ],
    [
      'BuildKit v0.8',
      `failed to solve: executor failed running [/bin/sh -c echo "${TEXT}"; exit 1]: exit code: 1`,
    ],
    [
      'BuildKit v0.8, a command holding `]: ` and newlines',
      `executor failed running [/bin/sh -c echo "]: ${TEXT}\n]: signal: killed"]: exit code: 1`,
    ],
    ['the legacy builder', `The command '/bin/sh -c echo '${TEXT}'' returned a non-zero code: 1`],
  ])('%s', (_name, message) => {
    expect(withoutCommandText(message)).not.toMatch(/denied|canceled|space|parse|137|killed/);
    expect(classifyError({ message, exitCode: 1, instruction: 'RUN', output: '' }).category).toBe(
      'command-failed',
    );
  });

  it('keeps the cause after the command, and what is not a command', () => {
    expect(
      withoutCommandText('process "sh -c x" did not complete successfully: network bridge not found'),
    ).toBe('process "…" did not complete successfully: network bridge not found');
    expect(
      withoutCommandText('executor failed running [sh -c x]: exit code: 3\nexecutor failed running [y]: z'),
    ).toBe('executor failed running […]: exit code: 3\nexecutor failed running […]: z');
    expect(withoutCommandText('failed to solve: pull access denied')).toBe(
      'failed to solve: pull access denied',
    );
    // A quote the command text escapes does not end it; an opening without its end masks the rest.
    expect(withoutCommandText('process "a \\" b" did not complete')).toBe('process "…" did not complete');
    expect(withoutCommandText('process "cut short')).toBe('process "…');
  });

  it('is linear in the message, however many openings it holds', () => {
    for (const opening of ['process "', 'executor failed running [', "The command '"]) {
      const message = opening.repeat(100_000);
      const started = performance.now();
      withoutCommandText(message);
      // A quadratic scan of 2 MB takes minutes; a linear one milliseconds.
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});

describe('the rules are linear on untrusted messages (they run on every snapshot of a build)', () => {
  const rule = (category: ErrorCategory) =>
    ERROR_CATEGORY_RULES.find((r) => r.category === category)!.message!;

  // A proof, not a timing: recheck's automaton analysis decides the pattern's complexity from its
  // structure (the old image-not-found pattern, `for [^:]+:?[^ ]*: ...`, is quadratic: 10 s on
  // 80 KB; the hardening suite times it on 100 KB as well).
  it.each(['image-not-found', 'missing-file', 'builder-environment'] as const)('%s', (category) => {
    const { source, flags } = rule(category);
    const result = checkSync(source, flags, { checker: 'automaton', timeout: 10_000 });
    expect(result.status).toBe('safe');
  });

  it('the old image-not-found pattern is the quadratic one', () => {
    const old = 'failed to resolve source metadata for [^:]+:?[^ ]*: (?:[^:]+: )?not found';
    const result = checkSync(old, 'i', { checker: 'fuzz', timeout: 10_000, randomSeed: 1 });
    expect(result).toMatchObject({ status: 'vulnerable', complexity: { type: 'polynomial' } });
  });

  it('the image-not-found pattern still reads the real wordings', () => {
    const pattern = rule('image-not-found');
    expect(pattern.test('failed to resolve source metadata for docker.io/library/nope:1: not found')).toBe(
      true,
    );
    expect(
      pattern.test(
        'failed to resolve source metadata for docker.io/library/nope:1: failed to authorize: not found',
      ),
    ).toBe(true);
    expect(
      pattern.test('failed to resolve source metadata for docker.io/library/alpine:3: i/o timeout'),
    ).toBe(false);
  });
});

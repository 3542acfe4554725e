// covers: src/cli/analyze.ts, src/cli/io.ts, src/engine/text-report.ts
// covers: src/build-action/explain/error-location.ts
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { findCacheBusts } from '../../src/build-action/explain/cache-bust.js';
import { locateError } from '../../src/build-action/explain/error-location.js';
import { renderSummary } from '../../src/build-action/explain/summary.js';
import { runAnalyze } from '../../src/cli/analyze.js';
import { parseDockerfile } from '../../src/engine/dockerfile.js';
import type { BuildReport } from '../../src/engine/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { CANCELLED } from '../engine/samples.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'corpus');
const FAILURE = join(CORPUS, '06-run-fail-exit1', 'plain.log');

function fakeIO(stdin: string | Buffer = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: Readable.from([Buffer.from(stdin)]),
    env: {},
    cwd: CORPUS,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const REQUIRED = {
  top: ['format', 'outcome', 'platforms', 'steps', 'totals', 'error', 'warnings'],
  step: ['name', 'stage', 'platform', 'instruction', 'kind', 'status', 'durationMs', 'outputLines'],
  totals: [
    'instructionSteps',
    'cachedInstructionSteps',
    'fromSteps',
    'cachedSteps',
    'cacheHitRatio',
    'durationMs',
    'contextBytes',
    'outputLines',
  ],
  error: ['step', 'exitCode', 'message', 'file', 'line', 'category', 'hint'],
  warning: ['rule', 'message', 'line'],
};

/** The type each documented key must have in `analyze --json` (issue 2's schema). */
const TYPES = {
  top: { format: 'string', outcome: 'string', platforms: 'array', steps: 'array', warnings: 'array' },
  step: {
    name: 'string',
    stage: 'string|null',
    platform: 'string|null',
    instruction: 'string|null',
    kind: 'string',
    status: 'string',
    durationMs: 'number|null',
    outputLines: 'number',
  },
  totals: {
    instructionSteps: 'number',
    cachedInstructionSteps: 'number',
    fromSteps: 'number',
    cachedSteps: 'number',
    cacheHitRatio: 'number|null',
    durationMs: 'number|null',
    contextBytes: 'number|null',
    outputLines: 'number',
  },
  error: {
    step: 'string|null',
    exitCode: 'number|null',
    message: 'string',
    file: 'string|null',
    line: 'number|null',
    category: 'string',
    hint: 'string',
  },
} as const;

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Every key of `object` listed in `types`, as `key: type`, to compare with the documented types. */
function keyTypes(object: Record<string, unknown>, types: Record<string, string>): string[] {
  return Object.entries(types).map(([key, allowed]) =>
    allowed.split('|').includes(typeOf(object[key])) ? `${key}: ok` : `${key}: ${typeOf(object[key])}`,
  );
}

describe('buildx-gate analyze', () => {
  it.each([
    ['success', join(CORPUS, '01-multistage-clean', 'plain.log'), 'success'],
    ['failure', FAILURE, 'failure'],
    ['cancelled', 'stdin:cancelled', 'cancelled'],
    ['log with no build in it', 'stdin:unknown', 'unknown'],
  ])('--json for a %s has every documented key with its type', async (_, input, outcome) => {
    const stdin = input === 'stdin:cancelled' ? CANCELLED : 'make: Nothing to be done for all.\n';
    const { io, stdout } = fakeIO(stdin);
    expect(await runAnalyze(input.startsWith('stdin:') ? ['--json'] : [input, '--json'], io)).toBe(0);
    const report = JSON.parse(stdout());
    const ok = (types: Record<string, string>) => Object.keys(types).map((key) => `${key}: ok`);
    expect(report.outcome).toBe(outcome);
    expect(keyTypes(report, TYPES.top)).toEqual(ok(TYPES.top));
    expect(keyTypes(report.totals, TYPES.totals)).toEqual(ok(TYPES.totals));
    for (const step of report.steps) expect(keyTypes(step, TYPES.step)).toEqual(ok(TYPES.step));
    if (outcome === 'success' || outcome === 'unknown') expect(report.error).toBeNull();
    else expect(keyTypes(report.error, TYPES.error)).toEqual(ok(TYPES.error));
    if (outcome === 'unknown') {
      expect(report.steps).toEqual([]);
      expect(report.totals).toMatchObject({ instructionSteps: 0, cacheHitRatio: null, contextBytes: null });
    }
  });

  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t\r\n'],
  ])('says nothing was read from %s input, and exits 2', async (_, stdin) => {
    const { io, stdout, stderr } = fakeIO(Buffer.from(stdin));
    expect(await runAnalyze(['--json'], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(/^buildx-gate analyze: nothing was read from standard input: it is empty/);
  });

  it('--json prints exactly one JSON document with every documented key', async () => {
    const { io, stdout, stderr } = fakeIO();
    expect(await runAnalyze([FAILURE, '--json'], io)).toBe(0);
    expect(stderr()).toBe('');
    const report = JSON.parse(stdout());
    for (const key of REQUIRED.top) expect(report).toHaveProperty([key]);
    for (const key of REQUIRED.step) expect(report.steps[0]).toHaveProperty([key]);
    for (const key of REQUIRED.totals) expect(report.totals).toHaveProperty([key]);
    for (const key of REQUIRED.error) expect(report.error).toHaveProperty([key]);
    expect(report).toMatchObject({
      format: 'plain',
      outcome: 'failure',
      error: { step: '[test 1/1] RUN ./run-tests.sh', exitCode: 1, category: 'command-failed' },
      totals: { instructionSteps: 4, contextBytes: 672, outputLines: 7 },
    });
  });

  it('warnings carry rule, message and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bxg-analyze-'));
    const log = join(dir, 'warn.log');
    writeFileSync(
      log,
      "#1 [internal] load build definition from Dockerfile\n#1 WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)\n#1 DONE 0.0s\n",
    );
    const { io, stdout } = fakeIO();
    expect(await runAnalyze(['--json', log], io)).toBe(0);
    const report = JSON.parse(stdout());
    for (const key of REQUIRED.warning) expect(report.warnings[0]).toHaveProperty([key]);
  });

  it('prints a readable table, the totals and the error with its hint by default', async () => {
    const { io, stdout } = fakeIO();
    expect(await runAnalyze(['06-run-fail-exit1/plain.log'], io)).toBe(0);
    const text = stdout();
    expect(text).toContain('Build FAILURE — plain log, builder default (docker)');
    expect(text).toMatch(/^STATUS +TIME +LINES +STEP$/m);
    expect(text).toMatch(/^error +- +7 +\[test 1\/1\] RUN \.\/run-tests\.sh$/m);
    expect(text).toMatch(/^done +0s +0 +\[base 2\/3\] WORKDIR \/app$/m);
    expect(text).toContain(
      'Steps:    4 instruction steps (1 FROM), 0 cached; cache hit ratio 0% (FROM excluded)',
    );
    expect(text).toContain('Context:  672 B');
    expect(text).toContain('Error in [test 1/1] RUN ./run-tests.sh (exit code 1):');
    expect(text).toContain('Cause: command-failed. A RUN command exited with an error');
    expect(text).toContain("    0.059 FAIL test_render: expected 'ok', got 'err'".replace('0.059 ', ''));
  });

  it('reads standard input for - and for no file', async () => {
    const log = readFileSync(join(CORPUS, '02-multistage-cached', 'rawjson.log'));
    for (const argv of [['-', '--json'], ['--json']]) {
      const { io, stdout } = fakeIO(log);
      expect(await runAnalyze(argv, io)).toBe(0);
      expect(JSON.parse(stdout())).toMatchObject({
        format: 'rawjson',
        outcome: 'success',
        totals: { cachedInstructionSteps: 9 },
      });
    }
  });

  it('neutralises build output that would be a workflow command or a terminal escape', async () => {
    const hostile =
      '#1 [1/1] RUN evil\n#1 0.1 ::error::pwned\n#1 0.2 \u001b]0;title\u0007\u001b[2J\n#1 ERROR: process "x" did not complete successfully: exit code: 1\nERROR: failed to solve: boom\n';
    const { io, stdout } = fakeIO(hostile);
    expect(await runAnalyze([], io)).toBe(0);
    const text = stdout();
    expect(text).not.toMatch(/^\s*::/m);
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
  });

  it.each([
    [['missing.log'], "cannot read 'missing.log': no such file"],
    [['06-run-fail-exit1'], "cannot read '06-run-fail-exit1': it is a directory, expected a log file"],
    [['--yaml'], "unknown option '--yaml'"],
    [['a.log', 'b.log'], "expected one log file, got 'a.log' and 'b.log'"],
    [['--format', 'xml', 'a.log'], "--format must be one of text, json, markdown, got 'xml'"],
    [['--format'], '--format needs a value (text, json, markdown)'],
    [['--format=', 'a.log'], '--format needs a value (text, json, markdown)'],
    [['--json', '--format', 'markdown'], '--format markdown conflicts with --json: give one output format'],
    [['--dockerfile'], '--dockerfile needs a value (a path)'],
    [['--dockerfile', '--json', 'a.log'], '--dockerfile needs a value (a path)'],
    [['--dockerfile', 'a', '--dockerfile', 'b'], '--dockerfile given twice'],
    [['--json=yes'], "--json takes no value, got '--json=yes'"],
    [
      ['--dockerfile', 'no-such-Dockerfile', 'plain.log'],
      "cannot read --dockerfile 'no-such-Dockerfile': no such file",
    ],
    [
      ['--dockerfile', '06-run-fail-exit1', 'plain.log'],
      "cannot read --dockerfile '06-run-fail-exit1': it is a directory, expected a Dockerfile",
    ],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const { io, stdout, stderr } = fakeIO();
    expect(await runAnalyze(argv, io)).toBe(2);
    expect(stderr()).toContain(`buildx-gate analyze: ${message}`);
    expect(stdout()).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const { io, stdout } = fakeIO();
    expect(await runAnalyze(['--help'], io)).toBe(0);
    expect(stdout()).toContain('usage: buildx-gate analyze [FILE|-] [--format text|json|markdown]');
  });
});

describe('buildx-gate analyze --dockerfile and --format markdown', () => {
  // Engine 20.10's BuildKit v0.8 prints no Dockerfile line for a failed RUN.
  const ENGINE20 = join(import.meta.dirname, '..', 'fixtures', 'buildlogs', 'engine20', 'run-fail-exit1');
  const LOG = join(ENGINE20, 'plain.log');
  const DOCKERFILE = join(ENGINE20, 'Dockerfile');

  async function run(argv: string[]) {
    const { io, stdout, stderr } = fakeIO();
    const code = await runAnalyze(argv, io);
    return { code, stdout: stdout(), stderr: stderr() };
  }

  it('a BuildKit v0.8 log gets its error line from the Dockerfile, as the action finds it', async () => {
    const without = JSON.parse((await run(['--json', LOG])).stdout) as BuildReport;
    expect(without.error?.line).toBeNull();
    const report = JSON.parse((await run(['--json', '--dockerfile', DOCKERFILE, LOG])).stdout) as BuildReport;
    const expected = locateError(without, parseDockerfile(readFileSync(DOCKERFILE, 'utf8')));
    expect(expected?.source).toBe('step');
    expect(report.error).toMatchObject({ line: expected!.line, file: DOCKERFILE });
    expect((await run(['--dockerfile=' + DOCKERFILE, LOG])).stdout).toContain(
      `at ${DOCKERFILE}:${expected!.line}:`,
    );
  });

  it('--format markdown prints the summary the action writes, with its cache hints', async () => {
    const { code, stdout } = await run(['--format', 'markdown', '--dockerfile', DOCKERFILE, LOG]);
    expect(code).toBe(0);
    const report = JSON.parse((await run(['--json', LOG])).stdout) as BuildReport;
    const dockerfile = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
    expect(stdout).toBe(
      renderSummary({
        report,
        durationMs: null,
        dockerfile,
        dockerfileRepoPath: DOCKERFILE,
        findings: findCacheBusts(dockerfile, report, {
          hasDockerignore: null,
          noCache: false,
          noCacheStages: [],
        }),
        gates: [],
        imageId: null,
        digest: null,
        tags: [],
      }),
    );
    expect(stdout).toMatch(/^## ❌ Docker build failed\n/);
    expect(stdout).toContain('(matched from the step; the log names no line)');
  });

  it('--format markdown without a Dockerfile, and --format json as --json', async () => {
    const markdown = await run(['--format=markdown', LOG]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/^## ❌ Docker build failed\n/);
    expect((await run(['--format', 'json', LOG])).stdout).toBe((await run(['--json', LOG])).stdout);
  });
});

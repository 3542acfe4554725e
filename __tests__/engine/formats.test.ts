// covers: src/engine/plain-reader.ts, src/engine/tty-reader.ts, src/engine/trailer-reader.ts
import { describe, expect, it } from '@jest/globals';
import { analyzeLog } from '../../src/engine/index.js';
import {
  CANCELLED,
  CLIPPED,
  COMPOSE,
  CUT_MID_STEP,
  MODERN_RUN_FAILURE,
  MULTI_PLATFORM,
  OLD_BUILDX,
  TTY_FAILURE,
  TTY_SUCCESS_CAPTURED,
} from './samples.js';

/** What GitHub's "download log" gives: a timestamp before each line, CRLF, colours kept. */
function asGitHubJobLog(log: string): string {
  const start = Date.parse('2024-05-01T12:00:00Z');
  return log
    .split('\n')
    .map((line, i) => {
      const stamp = new Date(start + i * 100).toISOString().replace('Z', '0000Z');
      const coloured = line.startsWith('ERROR') ? `\x1b[31m${line}\x1b[0m` : line;
      return `${stamp} ${coloured}`;
    })
    .join('\r\n');
}

describe('plain progress of newer BuildKit', () => {
  const report = analyzeLog(MODERN_RUN_FAILURE);

  it('reads the steps, their state and output', () => {
    expect(report.format).toBe('plain');
    expect(report.builder).toEqual({ name: 'default', driver: 'docker' });
    expect(report.steps.map((s) => `${s.status} ${s.name.split(' ').slice(0, 4).join(' ')}`)).toEqual([
      'done [internal] load build definition',
      'done [internal] load metadata for',
      'done [internal] load .dockerignore',
      'cached [build 1/4] FROM docker.io/library/alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b',
      'done [internal] load build context',
      'cached [build 2/4] WORKDIR /src',
      'done [build 3/4] COPY .',
      'error [build 4/4] RUN make',
    ]);
    const run = report.steps[7]!;
    expect(run).toMatchObject({
      stage: 'build',
      instruction: 'RUN',
      index: 4,
      total: 4,
      kind: 'instruction',
      outputLines: 3,
    });
    expect(run.outputTail).toEqual(['cc -o app main.c', './app --self-test', 'FAIL: expected 3, got 4']);
    expect(report.steps[6]!.durationMs).toBe(400);
  });

  it('counts like the labels define', () => {
    expect(report.totals).toMatchObject({
      instructionSteps: 4,
      cachedInstructionSteps: 2,
      fromSteps: 1,
      cachedSteps: 2,
      cacheHitRatio: 1 / 3,
      contextBytes: 62_930_000,
      outputLines: 3,
    });
  });

  it('explains the error with the excerpt line', () => {
    expect(report.outcome).toBe('failure');
    expect(report.error).toMatchObject({
      step: '[build 4/4] RUN make test',
      exitCode: 2,
      message: 'failed to solve: process "/bin/sh -c make test" did not complete successfully: exit code: 2',
      file: 'Dockerfile',
      line: 7,
      category: 'command-failed',
      logTail: ['cc -o app main.c', './app --self-test', 'FAIL: expected 3, got 4'],
    });
    expect(report.error!.excerpt).toContain('   7 | >>> RUN make test');
    expect(report.error!.hint.length).toBeGreaterThan(10);
  });

  it('reads the build-check warning once, from the vertex line and the summary', () => {
    expect(report.warnings).toEqual([
      { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 1, file: null },
    ]);
    expect(report.unrecognizedLines).toBe(0);
  });

  it('gives the same report from a GitHub Actions job log download (timestamps, ANSI, CRLF)', () => {
    const fromCi = analyzeLog(asGitHubJobLog(MODERN_RUN_FAILURE));
    expect({ ...fromCi, totals: { ...fromCi.totals, durationMs: null } }).toEqual({
      ...report,
      totals: { ...report.totals, durationMs: null },
    });
    // The CI timestamps give the wall time of the build lines.
    expect(fromCi.totals.durationMs).toBeGreaterThan(0);
  });
});

describe('tty display', () => {
  it('reads the final frame pasted from a terminal, and the error block for the failing output', () => {
    const report = analyzeLog(TTY_FAILURE);
    expect(report.format).toBe('tty');
    expect(report.outcome).toBe('failure');
    expect(report.steps.map((s) => `${s.status} ${s.name}`)).toEqual([
      'done [internal] load build definition from Dockerfile',
      'done [internal] load metadata for docker.io/library/node:20-alpine',
      'done [internal] load .dockerignore',
      'done [1/5] FROM docker.io/library/node:20-alpine@sha256:1a2b3c4d',
      'done [internal] load build context',
      'cached [2/5] WORKDIR /app',
      'cached [3/5] COPY package*.json ./',
      'error [4/5] RUN npm ci',
    ]);
    expect(report.totals).toMatchObject({
      instructionSteps: 4,
      cachedInstructionSteps: 2,
      fromSteps: 1,
      contextBytes: 62_930_000,
      durationMs: 3400,
      // The display hid the failing step's output; the error block gives all of it.
      outputLines: 2,
    });
    expect(report.steps[7]!.durationMs).toBe(2000);
    expect(report.error).toMatchObject({
      step: '[4/5] RUN npm ci',
      exitCode: 1,
      line: 4,
      // The npm output names the network; buildx's own lines only that the command failed.
      category: 'command-failed',
      outputSuggests: 'network',
    });
    expect(report.error!.logTail).toHaveLength(2);
    expect(report.unrecognizedLines).toBe(0);
  });

  it('follows redrawn frames of a captured session to the FINISHED one', () => {
    const report = analyzeLog(TTY_SUCCESS_CAPTURED);
    expect(report.format).toBe('tty');
    expect(report.outcome).toBe('success');
    expect(report.totals.durationMs).toBe(2600);
    expect(report.steps.map((s) => `${s.status} ${s.name} ${s.durationMs}`)).toEqual([
      'done [internal] load build definition from Dockerfile 0',
      'done [1/3] FROM docker.io/library/alpine:3.19 200',
      'done [2/3] RUN apk add --no-cache curl 1900',
      'done [3/3] COPY app.sh /usr/local/bin/ 100',
      'done exporting to image 100',
    ]);
    expect(report.steps[2]!.outputLines).toBe(1);
    expect(report.error).toBeNull();
  });

  it('leaves steps incomplete when the capture stops before the end', () => {
    const firstFrame = TTY_SUCCESS_CAPTURED.slice(0, TTY_SUCCESS_CAPTURED.indexOf('\x1b[5A'));
    const report = analyzeLog(firstFrame);
    expect(report.outcome).toBe('unknown');
    expect(report.steps.every((s) => s.status === 'incomplete')).toBe(true);
  });
});

describe('old buildx and BuildKit', () => {
  const report = analyzeLog(OLD_BUILDX);

  it('skips the sha256 layer progress lines and reads the executor wording', () => {
    expect(report.unrecognizedLines).toBe(0);
    expect(report.totals).toMatchObject({
      instructionSteps: 3,
      fromSteps: 1,
      outputLines: 3,
      contextBytes: 4390,
    });
    expect(report.steps.find((s) => s.instruction === 'FROM')!.outputLines).toBe(0);
    expect(report.error).toMatchObject({
      step: '[3/3] RUN pip install -r requirements.txt',
      exitCode: 1,
      message: 'executor failed running [/bin/sh -c pip install -r requirements.txt]: exit code: 1',
      line: null,
      category: 'command-failed',
    });
  });
});

describe('multi-platform builds', () => {
  const report = analyzeLog(MULTI_PLATFORM);

  it('reads platform prefixes, padded indexes and interleaved vertices', () => {
    expect(report.platforms).toEqual(['linux/arm64', 'linux/amd64', 'linux/amd64->arm64']);
    expect(report.builder).toEqual({ name: 'multi', driver: 'docker-container' });
    const cross = report.steps.find((s) => s.platform === 'linux/amd64->arm64')!;
    expect(cross).toMatchObject({
      stage: 'builder',
      index: 8,
      total: 12,
      instruction: 'RUN',
      status: 'done',
      outputLines: 2,
    });
    expect(cross.outputTail).toEqual(['go: downloading github.com/spf13/cobra v1.8.0', 'built']);
    expect(report.steps.filter((s) => s.kind === 'instruction')).toHaveLength(5);
    expect(report.steps.find((s) => s.index === 12)).toMatchObject({
      stage: 'stage-1',
      platform: 'linux/arm64',
    });
    expect(report.outcome).toBe('success');
  });
});

describe('docker compose build', () => {
  const report = analyzeLog(COMPOSE);

  it('reads the service prefix without mistaking it for a platform', () => {
    expect(report.platforms).toEqual([]);
    expect(report.totals).toMatchObject({
      instructionSteps: 5,
      cachedInstructionSteps: 2,
      fromSteps: 2,
      contextBytes: 4000,
    });
    expect(report.steps.find((s) => s.name.startsWith('[api builder 3/3]'))).toMatchObject({
      stage: 'builder',
      instruction: 'RUN',
    });
    expect(report.steps.filter((s) => s.kind === 'internal')).toHaveLength(4);
    expect(report.outcome).toBe('success');
  });
});

describe('cancellation and cut logs', () => {
  it('reports a cancelled build', () => {
    const report = analyzeLog(CANCELLED);
    expect(report.outcome).toBe('cancelled');
    expect(report.steps[2]!.status).toBe('cancelled');
    expect(report.error).toMatchObject({ category: 'cancelled', step: null });
  });

  it('trusts the caller: a signal means cancelled, an exit code decides success or failure', () => {
    expect(analyzeLog(CUT_MID_STEP, { cancelled: true }).outcome).toBe('cancelled');
    expect(analyzeLog(CUT_MID_STEP, { cancelled: true }).steps[2]!.status).toBe('cancelled');
    expect(analyzeLog(CUT_MID_STEP, { exitCode: 1 })).toMatchObject({
      outcome: 'failure',
      error: { category: 'unknown', step: null },
    });
    expect(analyzeLog(MODERN_RUN_FAILURE, { exitCode: 0 })).toMatchObject({
      outcome: 'success',
      error: null,
    });
  });

  it('leaves a step cut mid-way incomplete and the outcome unknown', () => {
    const report = analyzeLog(CUT_MID_STEP);
    expect(report.outcome).toBe('unknown');
    expect(report.steps[2]).toMatchObject({ status: 'incomplete', durationMs: null, outputLines: 2 });
    expect(report.error).toBeNull();
  });

  it('flags clipped output without counting the marker', () => {
    const report = analyzeLog(CLIPPED);
    expect(report.outputClipped).toBe(true);
    expect(report.totals.outputLines).toBe(2);
    expect(report.outcome).toBe('success');
  });
});

describe('lines around the build', () => {
  it('reads buildx notices and the build-push-action error line of a CI log', () => {
    const report = analyzeLog(
      [
        '##[group]Run docker/build-push-action@v6',
        'WARNING: No output specified with docker-container driver. Build result will only remain in the build cache.',
        '#1 [internal] load build definition from Dockerfile',
        '#1 DONE 0.0s',
        '##[endgroup]',
        '##[error]buildx failed with: ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory',
      ].join('\n'),
    );
    expect(report.warnings).toEqual([
      {
        rule: 'WARNING',
        message:
          'No output specified with docker-container driver. Build result will only remain in the build cache.',
        line: null,
        file: null,
      },
    ]);
    expect(report.error?.message).toBe(
      'failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory',
    );
    expect(report.outcome).toBe('failure');
    // The runner's group markers are known lines that are not the build's: skipped, not counted.
    expect(report.unrecognizedLines).toBe(0);
  });

  it('prefers the failed-to-solve line over other ERROR lines', () => {
    const report = analyzeLog(
      'ERROR: something else went wrong\nERROR: failed to solve: process "x" did not complete successfully: exit code: 3\n',
    );
    expect(report.error).toMatchObject({ exitCode: 3, category: 'command-failed' });
  });

  it('reads tty warnings and ignores compose status lines', () => {
    const report = analyzeLog(
      [
        '[+] Building 1.2s (3/3) FINISHED',
        ' => [internal] load build definition from Dockerfile     0.0s',
        " => WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)     0.0s",
        ' => [web 1/1] FROM docker.io/library/nginx:1.27     0.1s',
        '[+] Running 1/1',
      ].join('\n'),
    );
    expect(report.format).toBe('tty');
    expect(report.warnings).toMatchObject([{ rule: 'FromAsCasing', line: 1 }]);
    expect(report.outcome).toBe('success');
    expect(report.unrecognizedLines).toBe(0);
  });

  it('merges a tty step whose name the display cut at two widths', () => {
    const long = '[build 2/2] RUN ./configure --prefix=/usr --enable-everything && make -j8 && make install';
    const report = analyzeLog(
      [
        '[+] Building 9.9s (2/3)',
        ` => ${long.slice(0, 60)}   9.9s`,
        '[+] Building 10.0s (3/3) FINISHED',
        ` => ${long.slice(0, 59)}  10.0s`,
      ].join('\n'),
    );
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({ name: long.slice(0, 60), status: 'done', durationMs: 10_000 });
  });
});

describe('a vertex that runs more than once', () => {
  it('stays done when a duplicate run is cancelled, and a later cache hit does not make it cached', () => {
    const report = analyzeLog(
      [
        '#1 [1/2] FROM docker.io/library/alpine:3.19',
        '#1 DONE 0.1s',
        '#2 [2/2] RUN make',
        '#2 DONE 1.0s',
        '#2 [2/2] RUN make',
        '#2 CACHED',
        '#1 [1/2] FROM docker.io/library/alpine:3.19',
        '#1 CANCELED',
      ].join('\n'),
    );
    expect(report.steps.map((s) => s.status)).toEqual(['done', 'done']);
    expect(report.totals.cachedSteps).toBe(0);
  });
});

describe('Dockerfile excerpts', () => {
  it('takes the excerpt printed last before the final error (debug warnings print their own)', () => {
    const report = analyzeLog(
      [
        '#1 [1/2] FROM docker.io/library/alpine:3.19',
        '#1 DONE 0.0s',
        '#2 [2/2] RUN false',
        '#2 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1',
        ' 1 warning found:',
        " - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
        'Dockerfile:1',
        '--------------------',
        '   1 | >>> FROM alpine:3.19 as base',
        '   2 |     RUN false',
        '--------------------',
        'docker/app.Dockerfile:2-3',
        '--------------------',
        '   1 |     FROM alpine:3.19 as base',
        '   2 | >>> RUN false \\',
        '   3 | >>>     && true',
        '--------------------',
        'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
        'Dockerfile:9',
        '--------------------',
        '   9 | >>> RUN later',
        '--------------------',
      ].join('\n'),
    );
    expect(report.error).toMatchObject({ file: 'docker/app.Dockerfile', line: 2 });
    expect(report.error!.excerpt).toEqual([
      '   1 |     FROM alpine:3.19 as base',
      '   2 | >>> RUN false \\',
      '   3 | >>>     && true',
    ]);
    expect(report.warnings).toHaveLength(1);
    expect(report.unrecognizedLines).toBe(0);
  });
});

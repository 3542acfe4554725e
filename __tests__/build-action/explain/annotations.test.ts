import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildAnnotations, gateAnnotations } from '../../../src/build-action/explain/annotations.js';
import { findCacheBusts } from '../../../src/build-action/explain/cache-bust.js';
import { parseDockerfile } from '../../../src/engine/dockerfile.js';
import { CORPUS, copyMissing08, parse09, partial03, runFail06 } from '../reports.js';

const dockerfileOf = (name: string) => parseDockerfile(readFileSync(`${CORPUS}/${name}/Dockerfile`, 'utf8'));

describe('buildAnnotations', () => {
  it('06: the failing RUN is found in the Dockerfile though the old BuildKit log names no line', () => {
    const [error] = buildAnnotations(runFail06, dockerfileOf('06-run-fail-exit1'), [], {
      dockerfileRepoPath: 'app/Dockerfile',
    });
    expect(error).toMatchObject({
      level: 'error',
      title: 'Build failed: command failed (exit code 1)',
      file: 'app/Dockerfile',
      line: 6,
    });
    expect(error.message).toContain('executor failed running [/bin/sh -c ./run-tests.sh]: exit code: 1');
    expect(error.message).toContain("FAIL test_render: expected 'ok', got 'err'");
    expect(error.message).toContain('Step: [test 1/1] RUN ./run-tests.sh');
  });

  it('08: the COPY of a missing file is annotated at its line', () => {
    const [error] = buildAnnotations(copyMissing08, dockerfileOf('08-copy-missing-file'), [], {
      dockerfileRepoPath: 'Dockerfile',
    });
    expect(error).toMatchObject({
      level: 'error',
      title: 'Build failed: file missing from the build context',
      file: 'Dockerfile',
      line: 3,
    });
    expect(error.message).toContain('"/package-lock.json" not found');
  });

  it('09: a parse error is annotated at the line it names', () => {
    const [error] = buildAnnotations(parse09, dockerfileOf('09-parse-unknown-instruction'), [], {
      dockerfileRepoPath: 'Dockerfile',
    });
    expect(error).toMatchObject({
      level: 'error',
      title: 'Build failed: Dockerfile syntax error',
      file: 'Dockerfile',
      line: 5,
    });
  });

  it('without the Dockerfile (Git context, file outside the repository) the error still shows, at the file only', () => {
    expect(buildAnnotations(runFail06, null, [], { dockerfileRepoPath: 'Dockerfile' })[0]).toEqual(
      expect.objectContaining({ file: 'Dockerfile' }),
    );
    expect(
      buildAnnotations(runFail06, null, [], { dockerfileRepoPath: 'Dockerfile' })[0].line,
    ).toBeUndefined();
    expect(buildAnnotations(runFail06, null, [], { dockerfileRepoPath: null })[0].file).toBeUndefined();
  });

  it('warnings at their lines, cache findings at their instruction', () => {
    const report = {
      ...partial03,
      warnings: [
        {
          rule: 'JSONArgsRecommended',
          message:
            'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
          line: 21,
          file: 'Dockerfile',
        },
        { rule: 'WARN', message: 'something odd', line: null, file: null },
        { rule: 'Other', message: 'in another file', line: 3, file: 'other.Dockerfile' },
      ],
    };
    const dockerfile = dockerfileOf('03-multistage-partial-late-copy');
    const findings = findCacheBusts(dockerfile, report, {
      hasDockerignore: true,
      noCache: false,
      noCacheStages: [],
    });
    const annotations = buildAnnotations(report, dockerfile, findings, { dockerfileRepoPath: 'Dockerfile' });
    expect(annotations.map((a) => [a.level, a.title, a.file, a.line])).toEqual([
      ['warning', 'Build check: JSONArgsRecommended', 'Dockerfile', 21],
      ['warning', 'Build warning', 'Dockerfile', undefined],
      ['warning', 'Build check: Other', undefined, undefined],
      ['notice', 'Cache bust in stage runtime', 'Dockerfile', 20],
    ]);
  });

  it('a cancelled build gets no error annotation (the summary says it was cancelled)', () => {
    const cancelled = { ...runFail06, outcome: 'cancelled' as const };
    expect(buildAnnotations(cancelled, null, [], { dockerfileRepoPath: 'Dockerfile' })).toEqual([]);
  });

  it('strips control sequences from untrusted text and bounds it', () => {
    const hostile = {
      ...runFail06,
      error: {
        ...runFail06.error!,
        message: '\u001b[31mred\u001b[0m and a bell\u0007',
        logTail: ['x'.repeat(10_000)],
      },
    };
    const [error] = buildAnnotations(hostile, null, [], { dockerfileRepoPath: null });
    expect(error.message.startsWith('red and a bell')).toBe(true);
    expect(error.message.length).toBeLessThanOrEqual(4000);
  });
});

describe('gateAnnotations', () => {
  it('one error per breached gate, with the amount', () => {
    expect(
      gateAnnotations([
        {
          gate: 'max-duration',
          passed: false,
          message: 'build took 3 m 05 s > maximum 1 m 00 s',
          excess: '2 m 05 s over',
        },
        { gate: 'fail-on-warnings', passed: true, message: 'no build warnings', excess: null },
      ]),
    ).toEqual([
      {
        level: 'error',
        title: 'Gate max-duration failed',
        message: 'build took 3 m 05 s > maximum 1 m 00 s: 2 m 05 s over.',
      },
    ]);
  });
});

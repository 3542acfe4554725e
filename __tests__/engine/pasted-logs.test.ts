// Logs as users paste them, beyond the shapes of a single clean build: two builds in one job,
// a log cut before its start, the legacy builder, other Dockerfile names.
// covers: src/engine/foreign-lines.ts, src/engine/text-report.ts
import { describe, expect, it } from '@jest/globals';
import { analyzeLog, renderReportText } from '../../src/engine/index.js';

function buildLog(dockerfile: string, runCommand: string, fromState: string, runEnd: string[]): string[] {
  return [
    '#0 building with "default" instance using docker driver',
    '',
    `#1 [internal] load build definition from ${dockerfile}`,
    '#1 transferring dockerfile: 100B done',
    '#1 DONE 0.0s',
    '',
    '#2 [1/2] FROM docker.io/library/alpine:3.19',
    `#2 ${fromState}`,
    '',
    `#3 [2/2] RUN ${runCommand}`,
    '#3 0.100 out',
    ...runEnd.map((line) => `#3 ${line}`),
  ];
}

describe('two builds back to back in one log', () => {
  const first = [
    ...buildLog('Dockerfile', 'echo one', 'DONE 0.1s', ['DONE 0.2s']),
    '',
    '#4 exporting to image',
    '#4 DONE 0.0s',
  ];
  const failure = 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3';
  const second = [
    ...buildLog('Dockerfile.prod', 'exit 3', 'CACHED', [`ERROR: ${failure}`]),
    'ERROR: failed to solve: ' + failure,
  ];
  const report = analyzeLog([...first, ...second].join('\n'));

  it('keeps the steps of both builds apart, each with its own state', () => {
    expect(report.steps.map((s) => `${s.status} ${s.name}`)).toEqual([
      'done [internal] load build definition from Dockerfile',
      'done [1/2] FROM docker.io/library/alpine:3.19',
      'done [2/2] RUN echo one',
      'done exporting to image',
      'done [internal] load build definition from Dockerfile.prod',
      'cached [1/2] FROM docker.io/library/alpine:3.19',
      'error [2/2] RUN exit 3',
    ]);
    expect(report.totals).toMatchObject({
      instructionSteps: 4,
      fromSteps: 2,
      cachedSteps: 1,
      outputLines: 2,
    });
  });

  it('reports the failure of the second build', () => {
    expect(report.outcome).toBe('failure');
    expect(report.error).toMatchObject({ step: '[2/2] RUN exit 3', exitCode: 3, category: 'command-failed' });
  });
});

describe('a GitHub Actions job log downloaded from the UI', () => {
  const build = buildLog('Dockerfile', 'echo one', 'DONE 0.1s', ['DONE 0.2s']);
  const job = [
    '##[group]Run docker build --progress=plain .',
    '\x1b[36;1mdocker build --progress=plain .\x1b[0m',
    '##[endgroup]',
    '::stop-commands::5f2c1e0a9b',
    '[command]/usr/bin/docker buildx build --progress=plain .',
    ...build,
    '5f2c1e0a9b::',
    '::add-mask::***',
  ];
  const log = job.map((line, i) => `2026-11-27T10:00:0${i % 10}.1234567Z ${line}`).join('\r\n');
  const report = analyzeLog(log);

  it('skips the runner lines without counting them as unrecognised', () => {
    expect(report.outcome).toBe('success');
    expect(report.steps).toHaveLength(3);
    expect(report.unrecognizedLines).toBe(1); // the echoed command, which is the user's text
  });
});

describe('output of the legacy builder (DOCKER_BUILDKIT=0)', () => {
  const report = analyzeLog(
    [
      'Sending build context to Docker daemon  2.048kB',
      'Step 1/3 : FROM alpine',
      ' ---> 1234abcd5678',
      'Step 2/3 : RUN make',
      ' ---> Running in 0a1b2c3d4e5f',
      '/bin/sh: make: not found',
      "The command '/bin/sh -c make' returned a non-zero code: 127",
    ].join('\n'),
  );

  it('is reported as unknown and flagged, not misread', () => {
    expect(report.outcome).toBe('unknown');
    expect(report.steps).toEqual([]);
    expect(report.legacyBuilder).toBe(true);
    expect(renderReportText(report)).toContain("legacy builder's output");
  });

  it('is not flagged for a buildx log', () => {
    expect(analyzeLog(buildLog('Dockerfile', 'true', 'CACHED', ['DONE 0.1s']).join('\n')).legacyBuilder).toBe(
      false,
    );
  });
});

describe('a log that begins mid-build', () => {
  const report = analyzeLog(
    [
      '#12 0.500 still compiling',
      '#12 DONE 3.0s',
      '',
      '#13 [4/5] COPY . .',
      '#13 DONE 0.1s',
      '',
      '#14 [5/5] RUN make',
      '#14 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 137',
      'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 137',
    ].join('\n'),
  );

  it('keeps the nameless step under its number and classifies exit 137 as killed', () => {
    expect(report.steps.map((s) => `${s.status} ${s.name}`)).toEqual([
      'done #12',
      'done [4/5] COPY . .',
      'error [5/5] RUN make',
    ]);
    expect(report.error).toMatchObject({ step: '[5/5] RUN make', exitCode: 137, category: 'killed-oom' });
  });
});

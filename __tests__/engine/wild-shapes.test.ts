// Shapes of buildx output met in logs people paste, beyond one clean `docker buildx build`: a cache
// import that fails without failing the build, `--check` results, bake/compose's target-prefixed
// error, a tty display wrapped at 80 columns or joined on one line, compose 1.x's two displays.
// The recorded and hand-written logs of each class are in __tests__/fixtures/buildlogs/wild/.
// covers: src/engine/pasted-display.ts, src/engine/trailer-reader.ts, src/engine/tty-reader.ts
import { describe, expect, it } from '@jest/globals';
import { analyzeLog } from '../../src/engine/index.js';

const RUN_FAILURE = 'process "/bin/sh -c make" did not complete successfully: exit code: 2';

describe('a cache import that fails', () => {
  const plain = [
    '#4 importing cache manifest from 127.0.0.1:5999/app:cache',
    '#4 ERROR: failed to configure registry cache importer: dial tcp 127.0.0.1:5999: connect: connection refused',
    '',
    '#5 [1/2] FROM docker.io/library/alpine:3',
    '#5 DONE 0.1s',
    '',
    '#6 [2/2] RUN make',
    '#6 DONE 1.0s',
    '',
    '#7 exporting to image',
    '#7 DONE 0.2s',
    '------',
    ' > importing cache manifest from 127.0.0.1:5999/app:cache:',
    '------',
  ];

  it('does not fail the build, and is reported as a warning', () => {
    const report = analyzeLog(plain.join('\n'));
    expect(report.outcome).toBe('success');
    expect(report.error).toBeNull();
    expect(report.warnings).toEqual([
      expect.objectContaining({
        rule: 'WARNING',
        message: expect.stringContaining('importing cache manifest from 127.0.0.1:5999/app:cache failed'),
      }),
    ]);
  });

  it('does not hide the real failure of a build that also lost its cache', () => {
    const report = analyzeLog(
      [...plain.slice(0, 9), `#6 ERROR: ${RUN_FAILURE}`, `ERROR: failed to solve: ${RUN_FAILURE}`].join('\n'),
    );
    expect(report.outcome).toBe('failure');
    expect(report.error).toMatchObject({ step: '[2/2] RUN make', exitCode: 2 });
  });

  it('in the tty display, where the failed import carries no text', () => {
    const report = analyzeLog(
      [
        '[+] Building 3.1s (8/8) FINISHED',
        ' => ERROR importing cache manifest from 127.0.0.1:5999/app:cache          0.0s',
        ' => [1/2] FROM docker.io/library/alpine:3                                 0.1s',
        ' => [2/2] RUN make                                                        1.0s',
        '------',
        ' > importing cache manifest from 127.0.0.1:5999/app:cache:',
        '------',
      ].join('\n'),
    );
    expect(report.outcome).toBe('success');
    expect(report.error).toBeNull();
  });
});

describe('docker build --check', () => {
  const check = [
    'Check complete, 2 warnings have been found!',
    '',
    'WARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
    "'as' and 'FROM' keywords' casing do not match",
    'Dockerfile:1',
    '--------------------',
    '   1 | >>> FROM alpine:3 as base',
    '   2 |     CMD ./server \\',
    '--------------------',
    '',
    'WARNING: JSONArgsRecommended - https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
    'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
    'Dockerfile:2-3',
    '--------------------',
    '   1 |     FROM alpine:3 as base',
    '   2 | >>> CMD ./server \\',
    '   3 | >>>   --verbose',
    '--------------------',
  ];

  it('reads each warning with its detail, file and first line; what the check found fails the run', () => {
    const report = analyzeLog(check.join('\n'));
    // buildx exits 1 when the check finds anything (recorded: wild/check-recorded).
    expect(report.outcome).toBe('failure');
    expect(report.error).toMatchObject({
      step: null,
      message: 'Check complete, 2 warnings have been found!',
      category: 'build-check',
    });
    expect(report.unrecognizedLines).toBe(0);
    expect(report.warnings).toEqual([
      {
        rule: 'FromAsCasing',
        message: "'as' and 'FROM' keywords' casing do not match",
        line: 1,
        file: 'Dockerfile',
      },
      {
        rule: 'JSONArgsRecommended',
        message: 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
        line: 2,
        file: 'Dockerfile',
      },
    ]);
  });

  it('a check that found nothing succeeds', () => {
    const report = analyzeLog(
      '#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\nCheck complete, no warnings found.\n',
    );
    expect(report.outcome).toBe('success');
    expect(report.error).toBeNull();
  });

  it("a warning's excerpt is never taken for the error's", () => {
    const report = analyzeLog(
      [
        '#5 [2/2] RUN make',
        `#5 ERROR: ${RUN_FAILURE}`,
        ...check.slice(2),
        'Dockerfile:7',
        '--------------------',
        '   7 | >>> RUN make',
        '--------------------',
        `ERROR: failed to solve: ${RUN_FAILURE}`,
      ].join('\n'),
    );
    expect(report.error).toMatchObject({ line: 7, step: '[2/2] RUN make', exitCode: 2 });
    expect(report.warnings.map((w) => `${w.rule}@${w.line}`)).toEqual([
      'FromAsCasing@1',
      'JSONArgsRecommended@2',
    ]);
  });
});

describe('warnings around the error', () => {
  it('a WARN row cut at the terminal width gives way to the whole warning printed later', () => {
    const report = analyzeLog(
      [
        '[+] Building 0.6s (3/3) FINISHED',
        ' => WARN: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior rel  0.0s',
        ' => ERROR [2/2] RUN make                                                                              0.3s',
        `ERROR: failed to solve: ${RUN_FAILURE}`,
        '',
        ' 1 warning found (use docker --debug to expand):',
        ' - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 4)',
      ].join('\n'),
    );
    expect(report.outcome).toBe('failure');
    expect(report.error).toMatchObject({ step: '[2/2] RUN make', exitCode: 2 });
    expect(report.warnings.map((w) => `${w.rule}@${w.line}`)).toEqual(['JSONArgsRecommended@4']);
  });
});

describe('bake and compose', () => {
  it('reads the target-prefixed final error (`target api: failed to solve: ...`)', () => {
    const report = analyzeLog(
      [
        '#9 [api 3/3] RUN make',
        `#9 ERROR: ${RUN_FAILURE}`,
        `target api: failed to solve: ${RUN_FAILURE}`,
      ].join('\n'),
    );
    expect(report.unrecognizedLines).toBe(0);
    expect(report.error).toMatchObject({
      step: '[api 3/3] RUN make',
      message: `target api: failed to solve: ${RUN_FAILURE}`,
      exitCode: 2,
    });
  });

  it('a tty display after a finished one is another build (docker-compose 1.x, service after service)', () => {
    const report = analyzeLog(
      [
        'Building web',
        '[+] Building 1.9s (3/3) FINISHED',
        ' => [1/2] FROM docker.io/library/alpine:3                                 0.1s',
        ' => [2/2] RUN echo web                                                    1.0s',
        'Building api',
        '[+] Building 0.7s (3/3) FINISHED',
        ' => CACHED [1/2] FROM docker.io/library/alpine:3                          0.0s',
        ' => ERROR [2/2] RUN make                                                  0.3s',
        `ERROR: failed to solve: ${RUN_FAILURE}`,
        "Service 'api' failed to build : Build failed",
      ].join('\n'),
    );
    expect(report.unrecognizedLines).toBe(0);
    expect(report.steps.map((s) => `${s.status} ${s.name}`)).toEqual([
      'done [1/2] FROM docker.io/library/alpine:3',
      'done [2/2] RUN echo web',
      'cached [1/2] FROM docker.io/library/alpine:3',
      'error [2/2] RUN make',
    ]);
    expect(report.error).toMatchObject({ step: '[2/2] RUN make', exitCode: 2 });
  });
});

describe('a pasted tty display', () => {
  const rows = [
    '[+] Building 1.5s (4/4)                                                  docker:default',
    ' => [internal] load build definition from Dockerfile                               0.0s',
    ' => => transferring dockerfile: 137B                                               0.0s',
    ' => [1/2] FROM docker.io/library/alpine:3                                          0.1s',
    ' => ERROR [2/2] RUN node -e "[1].map(x => x)" && make                              0.6s',
  ];

  it('joined into one line is read row by row (an arrow inside a command stays in it)', () => {
    const report = analyzeLog([rows.join(''), `ERROR: failed to solve: ${RUN_FAILURE}`].join('\n'));
    expect(report.unrecognizedLines).toBe(0);
    expect(report.steps.map((s) => s.name)).toEqual([
      '[internal] load build definition from Dockerfile',
      '[1/2] FROM docker.io/library/alpine:3',
      '[2/2] RUN node -e "[1].map(x => x)" && make',
    ]);
    expect(report.error).toMatchObject({ step: '[2/2] RUN node -e "[1].map(x => x)" && make', exitCode: 2 });
  });

  it('wrapped at 80 columns keeps the whole final error, and the wrapped-off time columns are no noise', () => {
    const finalError = `ERROR: failed to solve: process "/bin/sh -c echo \\"fatal: api config missing\\" && exit 3" did not complete successfully: exit code: 3`;
    const wrapped = [...rows, finalError].flatMap((line) => line.match(/.{1,80}/g) ?? []);
    const report = analyzeLog(wrapped.join('\n'));
    expect(report.unrecognizedLines).toBe(0);
    expect(report.error).toMatchObject({ exitCode: 3, message: finalError.slice('ERROR: '.length) });
  });

  it("wrapped at 80 columns keeps the error block's step name whole", () => {
    const name =
      '[build 3/3] RUN ./configure --prefix=/usr/local --enable-static && make -j4 && make install';
    const lines = [
      '[+] Building 1.0s (1/1) FINISHED',
      ' => ERROR [build 3/3] RUN ./configure --prefix=/usr/local --enable-static && make -j4  0.5s',
      '------',
      ...` > ${name}:`.match(/.{1,80}/g)!,
      '0.512 make: *** [all] Error 2',
      '------',
      `ERROR: failed to solve: ${RUN_FAILURE}`,
    ];
    expect(lines[3]).toHaveLength(80);
    const report = analyzeLog(lines.join('\n'));
    expect(report.unrecognizedLines).toBe(0);
    expect(report.error).toMatchObject({
      step: name,
      exitCode: 2,
      logTail: ['0.512 make: *** [all] Error 2'],
    });
  });

  it('a line after a final error that is not cut at a terminal width is not glued to it', () => {
    const report = analyzeLog(
      [`ERROR: failed to solve: ${RUN_FAILURE}`, 'make: *** [Makefile:3: all] Error 2'].join('\n'),
    );
    expect(report.error?.message).toBe(`failed to solve: ${RUN_FAILURE}`);
    expect(report.unrecognizedLines).toBe(1);
  });
});

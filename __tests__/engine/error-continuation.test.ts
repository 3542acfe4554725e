import { describe, expect, test } from '@jest/globals';
import { analyzeLog } from '../../src/engine/index.js';
import { isOpenError, MAX_CONTINUATION_LINES } from '../../src/engine/error-continuation.js';

// Engine 20.10 (BuildKit v0.8) on `RUN ["/bin/sh", "-c", "echo a\nexit 3"]`, as recorded in
// __tests__/fixtures/buildlogs/engine20/run-multiline-exit3.
const ENGINE20_MULTILINE = [
  '#5 [2/2] RUN ["/bin/sh", "-c", "echo a\\nexit 3"]',
  '#5 0.155 a',
  '#5 ERROR: executor failed running [/bin/sh -c echo a',
  'exit 3]: exit code: 3',
  '------',
  ' > [2/2] RUN ["/bin/sh", "-c", "echo a\\nexit 3"]:',
  '0.155 a',
  '------',
  'ERROR: failed to solve: executor failed running [/bin/sh -c echo a',
  'exit 3]: exit code: 3',
  '',
].join('\n');

describe('errors that go on over several lines (BuildKit v0.8, a command holding a newline)', () => {
  test('the exit code on the continuation line is read, and no line is left unrecognized', () => {
    const report = analyzeLog(ENGINE20_MULTILINE, { exitCode: 1 });
    expect(report.error?.exitCode).toBe(3);
    expect(report.error?.category).toBe('command-failed');
    expect(report.error?.message).toBe(
      'failed to solve: executor failed running [/bin/sh -c echo a\nexit 3]: exit code: 3',
    );
    expect(report.error?.step).toBe('[2/2] RUN ["/bin/sh", "-c", "echo a\\nexit 3"]');
    expect(report.unrecognizedLines).toBe(0);
  });

  test('a command with several newlines, and brackets inside it', () => {
    const log = [
      '#5 [2/2] RUN x',
      '#5 ERROR: executor failed running [/bin/sh -c [ -f a ] || x',
      'y',
      'exit 7]: exit code: 7',
      'ERROR: failed to solve: executor failed running [/bin/sh -c [ -f a ] || x',
      'y',
      'exit 7]: exit code: 7',
    ].join('\n');
    const report = analyzeLog(log, { exitCode: 1 });
    expect(report.error?.exitCode).toBe(7);
    expect(report.unrecognizedLines).toBe(0);
  });

  test('a closed error takes no continuation: the next line is read as usual', () => {
    const report = analyzeLog(
      'ERROR: failed to solve: executor failed running [sh -c x]: exit code: 2\nstray\n',
    );
    expect(report.error?.exitCode).toBe(2);
    expect(report.error?.message).not.toContain('stray');
    expect(report.unrecognizedLines).toBe(1);
  });

  test('a log cut inside the error does not swallow what follows', () => {
    const open = 'ERROR: failed to solve: executor failed running [sh -c x';
    const lines = Array.from({ length: MAX_CONTINUATION_LINES + 10 }, (_, i) => `line ${i}`);
    const report = analyzeLog([open, ...lines].join('\n'));
    expect(report.error?.message.split('\n')).toHaveLength(MAX_CONTINUATION_LINES + 1);
    expect(report.unrecognizedLines).toBe(10);
    // A vertex line ends it at once.
    const next = analyzeLog(
      `#3 [1/2] FROM x\n#3 ERROR: executor failed running [sh -c a\n#4 [2/2] RUN y\n#4 DONE 0.1s\n`,
    );
    expect(next.steps.map((s) => s.name)).toContain('[2/2] RUN y');
  });

  test.each([
    ['executor failed running [sh -c a', true],
    ['executor failed running [sh -c a\nb]: exit code: 1', false],
    ['executor failed running [sh]: exit code: 1', false],
    ['process "sh -c a\\nb" did not complete successfully: exit code: 3', false],
    ['failed to solve: rpc error', false],
  ])('isOpenError(%j) is %s', (message, open) => {
    expect(isOpenError(message)).toBe(open);
  });
});

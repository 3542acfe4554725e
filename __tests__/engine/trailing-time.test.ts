import { describe, expect, it } from '@jest/globals';
import { trailingTime } from '../../src/engine/trailing-time.js';

// The regex it replaces, as the reference on short inputs.
const REFERENCE = /\s+(\d+(?:\.\d+)?)s$/;

describe('trailingTime (the tty step time, read without a quadratic regex)', () => {
  it.each([
    ' => [2/3] RUN make   1.2s',
    ' => CACHED [1/3] FROM x 0.0s',
    'x 12s',
    'x .5s',
    'x 1.s',
    'x1.5s',
    'x \t 3.25s',
    '1.5s',
    ' 1.5s',
    'x 1.5.5s',
    'x 1.5 s',
    '',
    's',
  ])('%j agrees with the regex', (text) => {
    const ref = REFERENCE.exec(text);
    expect(trailingTime(text)).toEqual(ref === null ? null : { index: ref.index, seconds: ref[1] });
  });

  it('is linear on 4 MB of blanks or digits', () => {
    const started = performance.now();
    trailingTime(`${' '.repeat(4_000_000)}x`);
    trailingTime(`${'1'.repeat(4_000_000)}s`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

import { describe, expect, it } from '@jest/globals';
import { redactDeep, redactSecrets } from '../../src/github/redact.js';

describe('redacting secrets from what we write', () => {
  it.each([
    ['token abc123 and abc123', ['abc123'], 'token *** and ***'],
    ['key=abcdef', ['abc', 'abcdef'], 'key=***'],
    ['a 1 b', ['1'], 'a 1 b'],
    ['nothing here', [], 'nothing here'],
  ])('%j with %j', (text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });

  it('walks every string of a report and leaves numbers, nulls and the input alone', () => {
    const report = {
      steps: [{ name: 'RUN echo hunter22', outputTail: ['hunter22!'], durationMs: 5 }],
      error: null,
    };
    const redacted = redactDeep(report, ['hunter22']);
    expect(redacted).toEqual({
      steps: [{ name: 'RUN echo ***', outputTail: ['***!'], durationMs: 5 }],
      error: null,
    });
    expect(report.steps[0]?.name).toBe('RUN echo hunter22');
  });
});

// covers: src/github/redact.ts
import { describe, expect, it } from '@jest/globals';
import { redactDeep, redactSecrets, secretVariants } from '../../src/github/redact.js';

const SECRET = 'BxgBuildSecretValue0123456789';

describe('secrets printed encoded or split', () => {
  it.each([
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['base64 inside a longer text', Buffer.from(`token=${SECRET};`).toString('base64')],
    ['base64 after one byte', Buffer.from(`x${SECRET}`).toString('base64')],
    ['base64 after two bytes', Buffer.from(`xy${SECRET}`).toString('base64')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['hex', Buffer.from(SECRET).toString('hex')],
    ['HEX', Buffer.from(SECRET).toString('hex').toUpperCase()],
    ['URL-encoded', encodeURIComponent(`a+b/${SECRET}`)],
  ])('%s is scrubbed', (_name, printed) => {
    const out = redactSecrets(`line: ${printed} end`, [SECRET]);
    expect(out).toContain('***');
    for (const variant of secretVariants(SECRET)) expect(out).not.toContain(variant);
  });

  it('a secret split over two lines of a step tail is scrubbed from both', () => {
    const report = { outputTail: ['start', `printing ${SECRET.slice(0, 10)}`, `${SECRET.slice(10)} done`] };
    expect(redactDeep(report, [SECRET])).toEqual({ outputTail: ['start', 'printing ***', '*** done'] });
  });

  it('leaves ordinary text alone', () => {
    const text = 'step 3/5 RUN make 0.2s 0123 abcdef';
    expect(redactDeep({ a: [text, text] }, [SECRET])).toEqual({ a: [text, text] });
  });
});

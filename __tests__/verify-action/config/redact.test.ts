import { describe, expect, it } from '@jest/globals';
import { redactUrlUserinfo, scrub } from '../../../src/verify-action/config/redact.js';

describe('redaction', () => {
  it.each([
    [
      'GET https://elastic:changeme@es.local:9200/_search failed',
      'GET https://***@es.local:9200/_search failed',
    ],
    ['http://token@host/', 'http://***@host/'],
    ['no url here', 'no url here'],
  ])('%s', (text, redacted) => {
    expect(redactUrlUserinfo(text)).toBe(redacted);
  });

  it('removes secrets and authorization header values', () => {
    expect(scrub('authorization: ApiKey abc123== sent; key abc123== rejected', ['abc123=='])).toBe(
      'authorization: *** sent; key *** rejected',
    );
    expect(scrub('{"Authorization":"Basic ZWxhc3RpYzpjaGFuZ2VtZQ=="}', [])).toBe('{"Authorization":"***"}');
  });
});

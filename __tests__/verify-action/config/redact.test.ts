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

// An application that logs the request it failed with prints credentials no configuration
// names: these shapes go whatever the secrets are.
describe('generic credential shapes', () => {
  it.each([
    ['upstream 401 for Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-123', 'eyJhbGciOiJIUzI1NiJ9'],
    ['sent header authorization=Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA'],
    ['retrying with bearer abc.DEF-123_456 after 401', 'abc.DEF-123_456'],
    ['db connect failed password=hunter2-42 host=db', 'hunter2-42'],
    ['db connect failed: PASSWORD: s3cr3t!', 's3cr3t!'],
    ['{"user":"bob","password":"p@ss w0rd"}', 'p@ss'],
    ['payment gateway rejected api_key=sk_test_4eC39HqLyjWDarjtT1zdp7dc', '4eC39HqLyjWDarjtT1zdp7dc'],
    ['GET /v1/charge?apikey=AbC123xyz&amount=5', 'AbC123xyz'],
    ['oauth refresh failed: refresh_token=1//0gLx-abc', '1//0gLx-abc'],
    ['X-Api-Key: 9f8e7d6c5b4a', '9f8e7d6c5b4a'],
    ['client_secret: "cs-0001-zzz"', 'cs-0001-zzz'],
    ['cannot reach https://dbuser:urlPw-3321@db.internal:5432/app', 'urlPw-3321'],
    ['cannot reach redis://:onlyPassword99@cache:6379', 'onlyPassword99'],
    [
      'pushing with ghp_0123456789abcdefghijABCDEFGHIJ012345 failed',
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    ],
    ['aws said AKIAIOSFODNN7EXAMPLE is unknown', 'AKIAIOSFODNN7EXAMPLE'],
    ['slack rejected xoxb-123456789012-abcdefABCDEF', 'xoxb-123456789012-abcdefABCDEF'],
  ])('%s', (text, credential) => {
    const out = scrub(text, []);
    expect(out).not.toContain(credential);
    expect(out).toContain('***');
  });

  it.each([
    'Basic authentication failed for user bob',
    'token expired after 3600s',
    'the password is wrong',
    'passwords must match',
    'tokens=5 used of 10',
    'bypass=true',
    'mail bob@example.com about https://example.com/a/b',
    'Bearer token missing',
  ])('keeps %j', (text) => {
    expect(scrub(text, [])).toBe(text);
  });

  it('stays linear on long hostile text', () => {
    const hostile = [
      'password='.repeat(20_000),
      'a://'.repeat(25_000),
      `${'Bearer '.repeat(15_000)}x`,
      `https://${'a'.repeat(100_000)}`,
      `"${'password":"'.repeat(10_000)}`,
      'eyJ-'.repeat(25_000),
      `eyJ${'a'.repeat(50_000)}.${'b'.repeat(50_000)}`,
      `${'ghp_'.repeat(25_000)}`,
    ];
    for (const text of hostile) {
      const started = Date.now();
      scrub(text, ['s3cr3t-value']);
      expect(Date.now() - started).toBeLessThan(500);
    }
  });
});

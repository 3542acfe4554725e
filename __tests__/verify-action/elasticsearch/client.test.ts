// covers: src/verify-action/elasticsearch/client.ts, src/verify-action/ports.ts
import { describe, expect, it } from '@jest/globals';
import { errors } from '@elastic/elasticsearch';
import {
  classifyTransportError,
  closedIndicesFrom,
  fieldCapsFrom,
  serverInfoFrom,
} from '../../../src/verify-action/elasticsearch/client.js';
import { LogStoreError } from '../../../src/verify-action/ports.js';

function responseError(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return new errors.ResponseError({ statusCode, body, headers, warnings: null, meta: {} as never });
}

describe('server versions', () => {
  it.each([
    [
      { version: { number: '8.19.21' }, cluster_name: 'c' },
      { version: '8.19.21', major: 8, clientMajor: 8, clusterName: 'c' },
    ],
    [
      { version: { number: '9.1.0', distribution: 'elasticsearch' } },
      { version: '9.1.0', major: 9, clientMajor: 9 },
    ],
  ])('%j is supported', (body, info) => {
    expect(serverInfoFrom(body)).toMatchObject(info);
  });

  it.each([
    [
      { version: { number: '2.11.0', distribution: 'opensearch' } },
      /OpenSearch 2.11.0 is not supported: .* needs Elasticsearch 8.x or 9.x/,
    ],
    [{ version: { number: '7.17.9' } }, /Elasticsearch 7.17.9 is not supported/],
    [{}, /Elasticsearch \(unknown version\) is not supported/],
  ])('%j is refused clearly', (body, message) => {
    expect(() => serverInfoFrom(body)).toThrow(message);
  });
});

describe('field caps', () => {
  it('reads the fields, an empty mapping included', () => {
    expect(fieldCapsFrom({ indices: ['a'], fields: { x: { keyword: {} } } })).toEqual({ x: { keyword: {} } });
    expect(fieldCapsFrom({ indices: [], fields: {} })).toEqual({});
  });

  it.each([[''], ['<html>login</html>'], [null], [{}], [{ fields: null }], [{ error: 'gateway' }]])(
    'refuses %j: not an answer of Elasticsearch',
    (body) => {
      expect(() => fieldCapsFrom(body)).toThrow(/_field_caps response has no fields object/);
    },
  );
});

describe('closed indices the pattern matches', () => {
  it('reads them from _resolve/index, backing indices of the data streams matched included', () => {
    const body = {
      indices: [
        { name: 'logs-a', attributes: ['open'] },
        { name: 'logs-b', attributes: ['closed'] },
        {
          name: '.ds-logs-app-default-2026.11.01-000001',
          attributes: ['hidden', 'closed'],
          data_stream: 'logs-app-default',
        },
        {
          name: '.ds-logs-app-default-2026.11.27-000002',
          attributes: ['hidden', 'open'],
          data_stream: 'logs-app-default',
        },
        // Hidden and in no data stream matched: the search skips it whether open or closed.
        { name: 'logs-hidden', attributes: ['hidden', 'closed'] },
      ],
      aliases: [],
      data_streams: [
        {
          name: 'logs-app-default',
          backing_indices: [
            '.ds-logs-app-default-2026.11.01-000001',
            '.ds-logs-app-default-2026.11.27-000002',
          ],
        },
      ],
    };
    expect(closedIndicesFrom(body)).toEqual(['logs-b', '.ds-logs-app-default-2026.11.01-000001']);
    expect(closedIndicesFrom({ indices: [{ name: 'x', attributes: ['open'] }] })).toEqual([]);
  });

  it('refuses an answer that is not _resolve/index', () => {
    expect(() => closedIndicesFrom('<html>')).toThrow(/_resolve\/index response has no indices list/);
  });

  it('names the closed index a search refused', () => {
    const error = classifyTransportError(
      responseError(400, {
        error: {
          root_cause: [{ type: 'index_closed_exception', reason: 'closed', index: 'logs-b' }],
          type: 'index_closed_exception',
          reason: 'closed',
          index: 'logs-b',
        },
        status: 400,
      }),
      [],
    );
    expect(error).toMatchObject({
      kind: 'index-closed',
      index: 'logs-b',
      message: 'index [logs-b] is closed',
    });
  });
});

describe('classifying failures', () => {
  const secrets = ['s3cr3t-key'];

  it.each([
    [
      responseError(401, { error: { type: 'security_exception', reason: 'unable to authenticate' } }),
      'auth',
      false,
      /refused the credentials \(HTTP 401: unable to authenticate\)/,
    ],
    [
      responseError(403, { error: { type: 'security_exception', reason: 'action denied' } }),
      'auth',
      false,
      /HTTP 403/,
    ],
    [
      responseError(404, {
        error: {
          type: 'index_not_found_exception',
          reason: 'no such index [nothing-*]',
          root_cause: [{ reason: 'no such index [nothing-*]' }],
        },
      }),
      'index-not-found',
      false,
      /no index matches: no such index \[nothing-\*\]/,
    ],
    [responseError(429, { error: 'busy' }), 'rate-limited', true, /429/],
    [
      responseError(503, { error: { type: 'x', reason: 'no master' } }),
      'unavailable',
      true,
      /unavailable \(HTTP 503: no master\)/,
    ],
    [responseError(502, 'Bad Gateway'), 'unavailable', true, /HTTP 502/],
    [responseError(504, ''), 'unavailable', true, /HTTP 504/],
    [
      responseError(400, {
        error: { root_cause: [{ reason: 'unknown aggregation type [categorize_text]' }] },
      }),
      'bad-request',
      false,
      /rejected the query: unknown aggregation/,
    ],
    [responseError(500, { error: { reason: 'boom' } }), 'server', false, /HTTP 500: boom/],
    [new errors.TimeoutError('Request timed out'), 'timeout', true, /did not answer within request-timeout/],
    [
      new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9'),
      'unreachable',
      true,
      /cannot reach Elasticsearch: connect ECONNREFUSED/,
    ],
    [
      new errors.ProductNotSupportedError('Elasticsearch', {
        body: { version: { number: '2.11.0', distribution: 'opensearch' } },
      } as never),
      'unsupported',
      false,
      /OpenSearch 2.11.0 is not supported/,
    ],
  ])('%s', (error, kind, retryable, message) => {
    const failure = classifyTransportError(error, secrets);
    expect(failure).toBeInstanceOf(LogStoreError);
    expect(failure.kind).toBe(kind);
    expect(failure.retryable).toBe(retryable);
    expect(failure.message).toMatch(message);
  });

  it('honours Retry-After on 429', () => {
    const failure = classifyTransportError(responseError(429, {}, { 'retry-after': '3' }), []);
    expect(failure.retryAfterMs).toBe(3000);
  });

  it('never repeats a credential', () => {
    const error = new errors.ConnectionError(
      'connect to https://elastic:s3cr3t-key@es:9200 failed; authorization: ApiKey s3cr3t-key',
    );
    const failure = classifyTransportError(error, secrets);
    expect(failure.message).not.toContain('s3cr3t-key');
    expect(failure.message).toContain('https://***@es:9200');
  });
});

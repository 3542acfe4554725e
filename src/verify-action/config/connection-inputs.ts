// The connection inputs -> ConnectionConfig: the URL or Elastic Cloud id, one
// authentication method (credentials in the URL become basic auth and leave the
// URL, so it cannot be logged), the CA and the request limits.
import { InputError } from '../../shared/input-error.js';
import type { Auth, ConnectionConfig } from './config.js';
import { httpUrl, timerDuration, trimTrailingSlashes, wholeNumber, type Read } from './input-values.js';

export function parseConnection(raw: Read, value: Read): ConnectionConfig {
  const url = raw('elasticsearch-url');
  const cloudId = raw('cloud-id');
  if (url && cloudId) throw new InputError('elasticsearch-url and cloud-id', 'give one, not both');
  if (!url && !cloudId) throw new InputError('elasticsearch-url', 'required (or cloud-id for Elastic Cloud)');

  let auth: Auth = { kind: 'none' };
  const given = (['api-key', 'bearer-token', 'username'] as const).filter((n) => raw(n));
  if (given.length > 1) throw new InputError(given.join(' and '), `choose one authentication method`);
  if (raw('api-key')) auth = { kind: 'api-key', apiKey: raw('api-key') };
  else if (raw('bearer-token')) auth = { kind: 'bearer', token: raw('bearer-token') };
  else if (raw('username')) {
    if (!raw('password')) throw new InputError('password', 'required with username');
    auth = { kind: 'basic', username: raw('username'), password: raw('password') };
  } else if (raw('password')) throw new InputError('username', 'required with password');

  const connection: ConnectionConfig = {
    auth,
    requestTimeoutMs: timerDuration(value, 'request-timeout'),
    retries: wholeNumber('retries', value('retries')),
  };
  if (connection.requestTimeoutMs === 0) throw new InputError('request-timeout', 'must be more than 0');
  if (url) {
    const parsed = new URL(httpUrl('elasticsearch-url', url));
    // user:password@ in the URL becomes basic auth, and leaves the URL so it cannot be logged.
    if (parsed.username || parsed.password) {
      if (auth.kind !== 'none') {
        throw new InputError(
          'elasticsearch-url',
          'holds credentials and another authentication input is set too',
        );
      }
      connection.auth = {
        kind: 'basic',
        username: decodeUserinfo(parsed.username),
        password: decodeUserinfo(parsed.password),
      };
      parsed.username = '';
      parsed.password = '';
    }
    connection.url = trimTrailingSlashes(parsed.toString());
  } else {
    if (!/^[^:\s]+:[A-Za-z0-9+/=]+$/.test(cloudId)) {
      throw new InputError(
        'cloud-id',
        'expected the Elastic Cloud id (name:base64...) from the deployment page',
      );
    }
    connection.cloudId = cloudId;
  }
  const ca = raw('ca-cert');
  if (ca) {
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new InputError('ca-cert', 'expected a PEM certificate (-----BEGIN CERTIFICATE----- ...)');
    }
    connection.caCert = ca;
  }
  const fingerprint = raw('ca-fingerprint');
  if (fingerprint) {
    const hex = fingerprint.replace(/:/g, '');
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new InputError(
        'ca-fingerprint',
        'expected a SHA-256 fingerprint (64 hex digits, colons optional)',
      );
    }
    connection.caFingerprint = hex.match(/../g)!.join(':').toUpperCase();
  }
  return connection;
}

function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InputError('elasticsearch-url', 'the user:password part has a malformed %-escape');
  }
}

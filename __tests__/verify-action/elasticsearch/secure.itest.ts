// TLS and authentication against the secured Elasticsearch 8 node: basic auth,
// credentials in the URL, the CA as PEM or as a fingerprint, and a wrong password.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  basicAuthorization,
  createApiKey,
  createBearerToken,
  secureNode,
  waitForElasticsearch,
  type SecureNode,
} from '../../support/es-env.js';
import {
  checkoutProd,
  count,
  after,
  isError,
  dropScenario,
  seedScenario,
  verifyScenario,
  type Scenario,
} from '../itest-helpers.js';

let node: SecureNode;
let scenario: Scenario;

beforeAll(async () => {
  await waitForElasticsearch('8-secure');
  node = secureNode();
  scenario = await seedScenario(
    'secure',
    [
      '--docs',
      '3000',
      '--username',
      node.username,
      '--password',
      node.password,
      '--ca-cert',
      node.caCertPath,
    ],
    {
      url: node.url,
      access: { authorization: basicAuthorization(node.username, node.password), ca: node.caCertPem },
    },
  );
}, 120_000);
afterAll(() => dropScenario(scenario));

const checkout = { service: 'checkout', environment: 'production', 'max-increase': 'off' };

describe('a secured cluster', () => {
  it('basic auth with the CA certificate (PEM)', async () => {
    const report = await verifyScenario(scenario, {
      ...checkout,
      username: node.username,
      password: node.password,
      'ca-cert': node.caCertPem,
    });
    expect(report.decision).toBe('pass');
    expect(report.errorCount).toBe(count(scenario.summary, (r) => checkoutProd(r) && after(r) && isError(r)));
  });

  it('credentials in the URL and the CA fingerprint', async () => {
    const url = new URL(node.url);
    url.username = node.username;
    url.password = node.password;
    const report = await verifyScenario(scenario, {
      ...checkout,
      'elasticsearch-url': url.toString(),
      'ca-fingerprint': node.caFingerprint,
    });
    expect(report.reasons).toEqual([expect.stringMatching(/within limits/)]);
    expect(report.decision).toBe('pass');
    expect(JSON.stringify(report)).not.toContain(node.password);
  });

  it('an API key', async () => {
    const { encoded } = await createApiKey('buildx-gate-verify-itest');
    const report = await verifyScenario(scenario, {
      ...checkout,
      'api-key': encoded,
      'ca-cert': node.caCertPem,
    });
    expect(report.decision).toBe('pass');
    expect(report.server).toMatchObject({ major: 8, clientMajor: 8 });
    expect(JSON.stringify(report)).not.toContain(encoded);
  });

  it('a bearer token', async () => {
    const token = await createBearerToken();
    const report = await verifyScenario(scenario, {
      ...checkout,
      'bearer-token': token,
      'ca-cert': node.caCertPem,
    });
    expect(report.decision).toBe('pass');
    const refused = await verifyScenario(scenario, {
      ...checkout,
      'bearer-token': 'dGhpcyBpcyBub3QgYSB0b2tlbg==',
      'ca-cert': node.caCertPem,
    });
    expect(refused.reasons[0]).toMatch(/refused the credentials \(HTTP 401/);
  });

  it('an unknown CA is refused: an error, not a pass', async () => {
    const report = await verifyScenario(scenario, {
      ...checkout,
      username: node.username,
      password: node.password,
    });
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/cannot reach Elasticsearch: .*certificate/i);
  });

  it('a wrong password is refused by Elasticsearch itself, and never printed', async () => {
    const report = await verifyScenario(scenario, {
      ...checkout,
      username: node.username,
      password: 'wrong-password-123',
      'ca-cert': node.caCertPem,
    });
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/refused the credentials \(HTTP 401/);
    expect(JSON.stringify(report)).not.toContain('wrong-password-123');
  });
});

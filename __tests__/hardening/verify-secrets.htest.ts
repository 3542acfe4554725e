// The verify action's secrets audit on log messages: an application logs the request it failed
// with, so its error messages hold the Elasticsearch API key, the webhook URL (and its path and
// token alone), a webhook header token, the Alertmanager password, the GitHub token and generic
// credential shapes (an Authorization header, password=, api_key=, URL userinfo). The messages
// come from the real node, the alerts go to a local Alertmanager stand-in and to a webhook
// receiver that answers like Express (`Cannot POST /services/T0/B0/<token>`, echoing the path).
// Every artefact (report, text report, summary, annotations, outputs, alerts, webhook bodies, job
// log) is searched for every form of every credential, with the message field as text (error
// templates) and as a keyword (exact messages).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { renderText } from '../../src/verify-action/report/text-report.js';
import { runAction } from '../../src/verify-action/main.js';
import { ES8_URL, requestJson, uniqueIndexPrefix, waitForElasticsearch } from '../support/es-env.js';
import { MINUTE, realDeps } from '../verify-action/itest-helpers.js';
import { fakeRunner } from '../support/fake-runner.js';
import { auditSecrets, secretForms, type Leak } from './secret-audit.js';

const API_KEY = 'QnhnU2VjcmV0c0F1ZGl0OmstNzc3LXNlY3JldA==';
const GITHUB_TOKEN = 'ghs_AuditToken0123456789abcdefGHIJ';
const WEBHOOK_TOKEN = 'aUd1tW3bh00kT0kenQ7z9K3m';
const WEBHOOK_HEADER_TOKEN = 'whtok-5f2c9a1e7b3d4c6a';
const AM_PASSWORD = 'am-Pa55w0rd-audit';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.genericBearer123';
const PASSWORD = 'generic-Pw-4455x';
const API_KEY_PARAM = 'genericApiKey9876';
const URL_PASSWORD = 'genericUrlPw-3321';

let alertmanager: Server;
let webhook: Server;
let amUrl = '';
let webhookBase = '';
const received: { alerts: string[]; webhook: string[] } = { alerts: [], webhook: [] };
const prefix = uniqueIndexPrefix('verify-secrets');
const deployAt = Math.floor(Date.now() / MINUTE) * MINUTE - 12 * MINUTE;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const webhookPath = `/services/T0AUDIT1/B0AUDIT2/${WEBHOOK_TOKEN}`;
const webhookUrl = () => `${webhookBase}${webhookPath}`;

/** What the application logged when its calls failed: every credential, and generic shapes. */
function leakyMessages(): string[] {
  return [
    `notify failed: POST ${webhookUrl()} answered 500`,
    `search failed with header Authorization: ApiKey ${API_KEY}`,
    `github rejected ${GITHUB_TOKEN} as expired`,
    `webhook refused header X-Audit-Token ${WEBHOOK_HEADER_TOKEN}`,
    `alertmanager login failed for am-user with ${AM_PASSWORD}`,
    `upstream 401 for Authorization: Bearer ${BEARER}`,
    `db connect failed password=${PASSWORD} host=db`,
    `payment gateway rejected api_key=${API_KEY_PARAM}`,
    `cannot reach https://dbuser:${URL_PASSWORD}@db.internal:5432/app`,
    `route ${webhookPath} not found`,
  ];
}

async function seed(index: string, messageMapping: Record<string, unknown>): Promise<void> {
  await requestJson(ES8_URL, `/${index}`, {
    method: 'PUT',
    body: {
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          log: { properties: { level: { type: 'keyword' } } },
          service: { properties: { name: { type: 'keyword' } } },
          message: messageMapping,
        },
      },
    },
  });
  const docs: Record<string, unknown>[] = [];
  for (let i = 0; i < 20; i++) {
    docs.push({
      '@timestamp': new Date(deployAt - (i + 1) * MINUTE).toISOString(),
      log: { level: i % 4 === 0 ? 'error' : 'info' },
      service: { name: 'checkout' },
      message: i % 4 === 0 ? `cache miss for key ${i}` : `served request ${i}`,
    });
  }
  leakyMessages().forEach((message, i) => {
    for (let n = 0; n < 3; n++) {
      docs.push({
        '@timestamp': new Date(deployAt + (i + 1) * 30_000 + n * 1000).toISOString(),
        log: { level: 'error' },
        service: { name: 'checkout' },
        message,
      });
    }
  });
  const bulk = docs.map((d) => `{"index":{}}\n${JSON.stringify(d)}\n`).join('');
  const response = await fetch(`${ES8_URL}/${index}/_bulk?refresh=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: bulk,
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  await waitForElasticsearch('8');
  alertmanager = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.alerts.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.webhook.push(body);
      // Express's answer to a route it does not know: the path, echoed.
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Error</title></head>` +
          `<body><pre>Cannot POST ${req.url}</pre></body></html>\n`,
      );
    });
  });
  amUrl = await listen(alertmanager);
  webhookBase = await listen(webhook);
  await seed(`${prefix}-text`, { type: 'text' });
  await seed(`${prefix}-keyword`, { type: 'keyword' });
}, 120_000);

afterAll(async () => {
  await requestJson(ES8_URL, `/${prefix}-text,${prefix}-keyword`, { method: 'DELETE' });
  await new Promise((resolve) => alertmanager?.close(resolve));
  await new Promise((resolve) => webhook?.close(resolve));
});

const artefacts: Record<string, string> = {};

async function run(label: string, index: string): Promise<void> {
  received.alerts.length = 0;
  received.webhook.length = 0;
  const values: Record<string, string> = {
    'elasticsearch-url': ES8_URL,
    index,
    'api-key': API_KEY,
    'deployed-at': new Date(deployAt).toISOString(),
    'ingest-delay': '0',
    duration: '0',
    retries: '0',
    service: 'checkout',
    'max-increase': 'off',
    'max-errors': '0',
    'breach-action': 'fail',
    'breach-notify': 'alertmanager,webhook',
    'alertmanager-url': amUrl.replace('//', `//am-user:${AM_PASSWORD}@`),
    'webhook-url': webhookUrl(),
    'webhook-headers': `X-Audit-Token: ${WEBHOOK_HEADER_TOKEN}`,
    'deployment-id': '42',
    'github-token': GITHUB_TOKEN,
  };
  const deps = realDeps(deployAt + 12 * MINUTE);
  const { log: _log, ...verifyDeps } = deps;
  const { runner, recorded } = fakeRunner(values);
  let reportFile = '';
  const report = await runAction({
    ...verifyDeps,
    runner,
    writeFile: async (_path, text) => void (reportFile = text),
    env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_REF: 'refs/heads/main' },
    defaultReportPath: '/tmp/bxg-verify-secrets.json',
  });
  expect(report?.decision).toBe('fail');
  expect(report?.errorCount).toBe(30);
  expect(report?.topMessages.length).toBeGreaterThan(0);
  if (label === 'text') {
    // The kinds mined from scrubbed lines are still counted exactly on the node, which holds the
    // lines unscrubbed: every error falls in a kind shown.
    expect(report?.unmatchedErrors).toBe(0);
    expect(report?.topMessages.reduce((n, m) => n + m.count, 0)).toBe(30);
  }
  expect(received.alerts.length).toBeGreaterThan(0);
  expect(received.webhook.length).toBeGreaterThan(0);
  Object.assign(artefacts, {
    [`${label}: report`]: reportFile,
    [`${label}: text report`]: report ? renderText(report) : '',
    [`${label}: summary`]: recorded.summary,
    [`${label}: annotations`]: recorded.annotations.join('\n'),
    [`${label}: outputs`]: JSON.stringify(recorded.outputs),
    [`${label}: alerts`]: received.alerts.join('\n'),
    [`${label}: webhook`]: received.webhook.join('\n'),
    [`${label}: job log`]: [...recorded.log, ...recorded.failed, ...deps.logs].join('\n'),
  });
}

const CREDENTIALS = [
  API_KEY,
  GITHUB_TOKEN,
  WEBHOOK_TOKEN,
  WEBHOOK_HEADER_TOKEN,
  AM_PASSWORD,
  BEARER,
  PASSWORD,
  API_KEY_PARAM,
  URL_PASSWORD,
];

describe('credentials in logged error messages', () => {
  it('the message field as text (error templates)', () => run('text', `${prefix}-text`));
  it('the message field as a keyword (exact messages)', () => run('keyword', `${prefix}-keyword`));

  it('reach no artefact, in any form', () => {
    const kinds = [
      'report',
      'text report',
      'summary',
      'annotations',
      'outputs',
      'alerts',
      'webhook',
      'job log',
    ];
    expect(Object.keys(artefacts)).toHaveLength(kinds.length * 2);
    const perSecret = CREDENTIALS.reduce((n, s) => n + secretForms(s).length + 1, 0);
    const byKind = kinds.map((kind) => {
      const leaks: Leak[] = auditSecrets(
        Object.fromEntries(Object.entries(artefacts).filter(([name]) => name.endsWith(`: ${kind}`))),
        CREDENTIALS,
      );
      return { kind, searched: perSecret * 2, leaks: leaks.length, which: leaks };
    });
    process.stdout.write(
      `verify secrets audit: ${byKind.map((k) => `${k.kind} ${k.searched} searched, ${k.leaks} leaked`).join('; ')}\n`,
    );
    expect(byKind.flatMap((k) => k.which)).toEqual([]);
  });
});

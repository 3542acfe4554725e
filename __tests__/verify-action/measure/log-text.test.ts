// Messages from Elasticsearch are untrusted text: an application logs the request it failed
// with, credentials and all, and a message can be megabytes. Each one is scrubbed and capped once,
// where it enters (measure/), so every artefact gets the same kept text: the report, the text
// report, the summary, the alerts and the webhook.
import { describe, expect, it } from '@jest/globals';
import { secretsOf } from '../../../src/verify-action/config/config.js';
import { logTextReader, MAX_MESSAGE_CHARS, miningText } from '../../../src/verify-action/measure/log-text.js';
import type { HttpTransport } from '../../../src/verify-action/ports.js';
import { renderSummary } from '../../../src/verify-action/report/summary.js';
import { renderText } from '../../../src/verify-action/report/text-report.js';
import { runVerification } from '../../../src/verify-action/run.js';
import { configFrom, fakeSearch, fakeStore, KEYWORD_CAPS, type FakeCounts } from '../helpers.js';
import { depsFor } from '../run-fixtures.js';

const API_KEY = 'QnhnVW5pdEtleTpzM2NyM3Qta2V5';
const WEBHOOK = 'https://chat.example.com/services/T0AB12CD3/B0EF45GH6/aUd1tW3bh00kT0kenQ7z9K3m';
const HEADER_TOKEN = 'whtok-5f2c9a1e7b3d4c6a';
const AM_PASSWORD = 'am-Pa55w0rd-unit';
const GENERIC = {
  bearer: 'eyJhbGciOiJIUzI1NiJ9.genericBearer123',
  password: 'generic-Pw-4455x',
  apiKey: 'genericApiKey9876',
  userinfo: 'genericUrlPw-3321',
};

const LEAKY: FakeCounts['messages'] = [
  { key: `notify failed: POST ${WEBHOOK} answered 500`, doc_count: 40 },
  { key: `search failed with header Authorization: ApiKey ${API_KEY}`, doc_count: 30 },
  { key: `webhook refused X-Hook-Token ${HEADER_TOKEN} for request 77`, doc_count: 20 },
  { key: `alertmanager login failed with ${AM_PASSWORD} after 3 tries`, doc_count: 10 },
  { key: `upstream 401 for Authorization: Bearer ${GENERIC.bearer}`, doc_count: 9 },
  { key: `db connect failed password=${GENERIC.password} host=db`, doc_count: 8 },
  { key: `payment gateway rejected api_key=${GENERIC.apiKey} for order 12`, doc_count: 7 },
  { key: `cannot reach https://dbuser:${GENERIC.userinfo}@db.internal:5432/app`, doc_count: 6 },
];

const inputs = {
  'api-key': API_KEY,
  'webhook-url': WEBHOOK,
  'webhook-headers': `X-Hook-Token: ${HEADER_TOKEN}`,
  'alertmanager-url': `http://am-user:${AM_PASSWORD}@alertmanager.monitoring:9093`,
  'max-errors': '0',
  'max-increase': 'off',
  'breach-notify': 'alertmanager,webhook',
  duration: '0',
};

function recording(): { transport: HttpTransport; bodies: string[] } {
  const bodies: string[] = [];
  return {
    bodies,
    transport: { post: async (_url, body) => (bodies.push(body), { status: 200, body: '' }) },
  };
}

/** The message field a keyword only: exact messages (terms). */
const keywordCaps = () => {
  const caps = { ...KEYWORD_CAPS, message: { keyword: { searchable: true, aggregatable: true } } };
  delete (caps as Record<string, unknown>)['message.keyword'];
  return caps;
};

/** The message field text only: error templates. */
const textCaps = () => {
  const caps = { ...KEYWORD_CAPS } as Record<string, unknown>;
  delete caps['message.keyword'];
  return caps;
};

describe('a message taken from Elasticsearch', () => {
  it('is scrubbed of the configuration secrets and of credential shapes', () => {
    const config = configFrom(inputs);
    const read = logTextReader(secretsOf(config));
    for (const { key } of LEAKY!) {
      const kept = read(key);
      for (const secret of [API_KEY, WEBHOOK, HEADER_TOKEN, AM_PASSWORD, ...Object.values(GENERIC)]) {
        expect({ kept, leaked: kept.includes(secret) }).toEqual({ kept, leaked: false });
      }
      expect(kept).toContain('***');
    }
  });

  it('is capped at 2 KB, with an ellipsis and its length, and scrubbed past the cap', () => {
    const read = logTextReader(['s3cr3t-t0ken-value']);
    const long = `${'x'.repeat(MAX_MESSAGE_CHARS - 5)} s3cr3t-t0ken-value ${'y'.repeat(660_000)}`;
    const kept = read(long);
    expect(kept.length).toBeLessThan(MAX_MESSAGE_CHARS + 40);
    expect(kept.endsWith(`… [${long.length} characters]`)).toBe(true);
    expect(kept).not.toContain('s3cr3t');
    expect(read('short')).toBe('short');
  });

  it('is seen by the template miner without the cap mark, the cut word or a scrubbed part', () => {
    const read = logTextReader(['s3cr3t-t0ken-value']);
    expect(miningText(read('login failed for s3cr3t-t0ken-value as bob'))).toBe(
      'login failed for <*> as bob',
    );
    const capped = read(`request ${'word '.repeat(1000)}tail`);
    expect(miningText(capped)).toMatch(/^request (word )+<\*>$/);
  });
});

describe('credentials in logged error messages reach no artefact', () => {
  it.each([
    ['terms (a keyword message field)', keywordCaps()],
    ['error templates (a text message field)', textCaps()],
  ])('%s', async (_strategy, caps) => {
    const counts: FakeCounts = {
      total: 500,
      errors: 130,
      baselineTotal: 3000,
      baselineErrors: 3,
      messages: LEAKY,
    };
    const logs: string[] = [];
    const store = fakeStore((request) => fakeSearch(counts, request), caps);
    const alerts = recording();
    const deps = { ...depsFor(counts, logs), connect: async () => store, http: alerts.transport };
    const config = configFrom(inputs);
    const report = await runVerification(config, deps);
    expect(report.decision).toBe('fail');
    expect(report.topMessages.length).toBeGreaterThan(0);
    expect(alerts.bodies.length).toBe(2);
    const artefacts = {
      report: JSON.stringify(report),
      text: renderText(report),
      summary: renderSummary(report, config.judgement.rules),
      alerts: alerts.bodies.join('\n'),
      log: logs.join('\n'),
    };
    const secrets = [API_KEY, WEBHOOK, HEADER_TOKEN, AM_PASSWORD, ...Object.values(GENERIC)];
    const leaks = Object.entries(artefacts).flatMap(([artefact, text]) =>
      secrets.filter((s) => text.includes(s)).map((s) => `${artefact}: ${s.slice(0, 6)}`),
    );
    expect(leaks).toEqual([]);
  });

  it('counts a kind exactly although its lines held a secret', async () => {
    const counts: FakeCounts = {
      total: 500,
      errors: 70,
      baselineTotal: 3000,
      baselineErrors: 3,
      messages: [
        { key: `search failed with header Authorization: ApiKey ${API_KEY} on node 3`, doc_count: 70 },
      ],
    };
    const store = fakeStore((request) => fakeSearch(counts, request), textCaps());
    const report = await runVerification(configFrom({ 'api-key': API_KEY, duration: '0' }), {
      ...depsFor(counts),
      connect: async () => store,
    });
    // The phrases come from the scrubbed line, and match the line as Elasticsearch holds it.
    expect(report.topMessages).toEqual([
      expect.objectContaining({
        count: 70,
        message: 'search failed with header Authorization: *** on node 3',
      }),
    ]);
    expect(report.unmatchedErrors).toBe(0);
  });
});

describe('a report of very long messages', () => {
  // 60 messages of 660 KB made a 57 MB report.
  it.each([
    ['terms (a keyword message field)', keywordCaps()],
    ['error templates (a text message field)', textCaps()],
  ])('%s: every kept message is capped, and so is their number', async (_strategy, caps) => {
    // Distinct kinds (words in common: none), each with a 660 KB tail.
    const word = (n: number) => Array.from(String(n * 7919 + 1000), (d) => 'qwertyuiop'[Number(d)]).join('');
    const messages = Array.from({ length: 60 }, (_, i) => ({
      key: `${word(i)} ${word(i + 100)} ${word(i + 200)} ${word(i + 300)} ${'z'.repeat(660_000)}`,
      doc_count: 100 - i,
    }));
    const counts: FakeCounts = {
      total: 9000,
      errors: 4230,
      baselineTotal: 3000,
      baselineErrors: 3,
      messages,
    };
    const store = fakeStore((request) => fakeSearch(counts, request), caps);
    const config = configFrom({
      duration: '2m',
      interval: '1m',
      'max-new-errors': '100',
      'max-increase': 'off',
    });
    const report = await runVerification(config, { ...depsFor(counts), connect: async () => store });
    const json = JSON.stringify(report);
    expect(json.length).toBeLessThan(400_000);
    const kept = [
      ...report.topMessages.map((m) => m.message),
      ...report.newErrors.map((m) => m.message),
      ...report.checks.flatMap((c) => c.newErrors.map((m) => m.message)),
    ];
    expect(kept.length).toBeGreaterThan(0);
    for (const message of kept) {
      expect(message.length).toBeLessThan(MAX_MESSAGE_CHARS + 40);
      expect(message).toMatch(/… \[\d+ characters\]$/);
    }
    expect(report.newErrors.length).toBeLessThanOrEqual(20);
    expect(report.newErrorCount).toBeGreaterThanOrEqual(report.newErrors.length);
    for (const check of report.checks) expect(check.newErrors.length).toBeLessThanOrEqual(20);
    expect(renderSummary(report, config.judgement.rules).length).toBeLessThan(100_000);
  });
});

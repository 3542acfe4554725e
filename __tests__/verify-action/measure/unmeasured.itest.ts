// What the searches cannot see must not read as a clean deploy (decision 0020), on the real node:
// errors in a closed index the pattern matches, errors stamped in the future by a skewed clock,
// errors logged without the level field the baseline had, a rule on a field the mapping lacks.
// Each index is small and written directly, so the whole file takes a few seconds.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ES8_URL, requestJson, uniqueIndexPrefix, waitForElasticsearch } from '../../support/es-env.js';
import { MINUTE, realDeps } from '../itest-helpers.js';
import { readInputs } from '../../../src/verify-action/config/inputs.js';
import { runVerification } from '../../../src/verify-action/run.js';

const prefix = uniqueIndexPrefix('unmeasured');
const deployAt = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
const now = deployAt + 10 * MINUTE;

const MAPPING = {
  mappings: {
    properties: {
      '@timestamp': { type: 'date' },
      log: { properties: { level: { type: 'keyword' } } },
      level: { type: 'keyword' },
      message: { type: 'text' },
      service: { properties: { name: { type: 'keyword' } } },
    },
  },
};

interface Doc {
  at: number;
  level?: string;
  /** The new version's field: `level` instead of `log.level`. */
  bareLevel?: string;
  message: string;
}

async function index(name: string, docs: Doc[]): Promise<void> {
  await requestJson(ES8_URL, `/${name}`, { method: 'PUT', body: MAPPING });
  const lines = docs.flatMap((d) => [
    '{"index":{}}',
    JSON.stringify({
      '@timestamp': new Date(d.at).toISOString(),
      ...(d.level ? { log: { level: d.level } } : {}),
      ...(d.bareLevel ? { level: d.bareLevel } : {}),
      service: { name: 'checkout' },
      message: d.message,
    }),
  ]);
  const response = await fetch(`${ES8_URL}/${name}/_bulk?refresh=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: `${lines.join('\n')}\n`,
  });
  if (response.status !== 200) throw new Error(`bulk into ${name}: HTTP ${response.status}`);
}

/** n documents spread over [from, to). */
const spread = (n: number, from: number, to: number, doc: (i: number) => Omit<Doc, 'at'>): Doc[] =>
  Array.from({ length: n }, (_, i) => ({ at: from + Math.floor(((to - from) * i) / n), ...doc(i) }));

/** 200 logs before the deploy (5 errors) and 200 after it (3 errors), all with log.level. */
const healthy = () => [
  ...spread(200, deployAt - 30 * MINUTE, deployAt, (i) => ({
    level: i % 40 === 0 ? 'error' : 'info',
    message: i % 40 === 0 ? `cache miss for key ${i}` : `served request ${i}`,
  })),
  ...spread(200, deployAt, now - MINUTE, (i) => ({
    level: i % 70 === 0 ? 'error' : 'info',
    message: i % 70 === 0 ? `cache miss for key ${i}` : `served request ${i}`,
  })),
];

beforeAll(async () => {
  await waitForElasticsearch('8');
  // The deployed version logs its level as `level: ERROR`: 300 errors the level filter never sees.
  await index(`${prefix}-level`, [
    ...healthy().filter((d) => d.at < deployAt),
    ...spread(400, deployAt, now - MINUTE, (i) => ({
      bareLevel: i < 300 ? 'ERROR' : 'INFO',
      message: i < 300 ? `payment declined for order ${i}` : `served request ${i}`,
    })),
  ]);
  // The new pods' clock runs 2 h ahead: their 200 errors fall in no window.
  await index(`${prefix}-skew`, [
    ...healthy(),
    ...spread(200, now + 120 * MINUTE, now + 125 * MINUTE, (i) => ({
      level: 'error',
      message: `payment declined for order ${i}`,
    })),
  ]);
}, 60_000);

afterAll(async () => {
  await requestJson(ES8_URL, `/${prefix}-*`, { method: 'DELETE' });
});

function verify(inputs: Record<string, string>) {
  const all: Record<string, string> = {
    'elasticsearch-url': ES8_URL,
    'deployed-at': new Date(deployAt).toISOString(),
    'ingest-delay': '0',
    duration: '0',
    retries: '0',
    service: 'checkout',
    ...inputs,
  };
  const config = readInputs((name) => all[name] ?? '', { now, env: {} });
  return runVerification(config, realDeps(now));
}

describe('what the searches cannot see', () => {
  it('errors stamped 2 h ahead by a skewed clock: inconclusive, saying so', async () => {
    const report = await verify({ index: `${prefix}-skew`, 'max-increase': 'off' });
    // It was a pass, with 'zero errors may mean a wrong level field' at most.
    expect(report.decision).toBe('inconclusive');
    expect(report.reasons[0]).toMatch(
      /^200 errors \(200 logs\) are stamped more than 1m after the check time, up to 2h0[45]m\d*s? ahead: a clock ahead \(skew\)\?/,
    );
    expect(report.errorCount).toBe(3);
  });

  it('errors logged without the level field the baseline had: inconclusive, naming the field', async () => {
    const report = await verify({ index: `${prefix}-level`, 'max-errors': '10', 'max-increase': 'off' });
    // It was a pass: 0 errors counted, max-errors 10.
    expect(report.decision).toBe('inconclusive');
    expect(report.gateFailed).toBe(true);
    expect(report.reasons[0]).toBe(
      "level-field 'log.level' is on 0% of the logs since the deploy, against 100% before it: errors logged without it are not counted (has the new version moved its level to another field?)",
    );
  });
});

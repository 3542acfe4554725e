// The seeder's pure parts: the scenario it generates and the counts it promises the tests.
import { describe, expect, it } from '@jest/globals';
import { parseSeedArgs } from '../../scripts/es/seed.mjs';
import {
  BASELINE_VERSION,
  DEPLOYED_VERSION,
  NEW_AFTER_DEPLOY_KINDS,
  createTally,
  generateDocuments,
  planScenario,
  sumBy,
} from '../../scripts/es/seed/generate.mjs';
import { indexName, plannedIndices } from '../../scripts/es/seed/indices.mjs';

const deployAt = new Date('2026-11-27T18:45:30.250Z');
const plan = planScenario({
  docs: 20_000,
  deployAt,
  historyMinutes: 30,
  afterMinutes: 10,
  stormShare: 0.25,
  seed: 11,
});
const generated = [...generateDocuments(plan)];

describe('generateDocuments', () => {
  it('writes the planned number of documents, a quarter of them the storm', () => {
    expect(generated).toHaveLength(20_000);
    expect(plan.stormDocs).toBe(5_000);
    expect(plan.normalDocs).toBe(15_000);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = [...generateDocuments(plan)].map((entry) => entry.doc);
    expect(again).toEqual(generated.map((entry) => entry.doc));
    const other = [...generateDocuments({ ...plan, seed: 12 })].map((entry) => entry.doc);
    expect(other[0]).not.toEqual(again[0]);
  });

  it('keeps every timestamp inside the scenario and the storm after the deploy', () => {
    for (const { doc } of generated) {
      const time = Date.parse(doc['@timestamp'] as string);
      expect(time).toBeGreaterThanOrEqual(plan.start.getTime());
      expect(time).toBeLessThan(plan.end.getTime());
    }
    const storm = generated.slice(plan.normalDocs);
    expect(storm.every(({ doc }) => Date.parse(doc['@timestamp'] as string) >= deployAt.getTime())).toBe(
      true,
    );
    expect(
      storm.every(
        ({ doc }) => doc['service.name'] === 'checkout' && doc['service.environment'] === 'production',
      ),
    ).toBe(true);
  });

  it('spells each level in mixed case and normalises them consistently', () => {
    const spellings = sumBy(
      generated.map(({ doc, level }) => ({ level, written: doc['log.level'] as string, count: 1 })),
      'level',
      'written',
    );
    expect(Object.keys(spellings.error).sort()).toEqual(['ERROR', 'Error', 'error']);
    for (const [level, written] of Object.entries(spellings)) {
      for (const spelling of Object.keys(written)) expect(spelling.toLowerCase()).toBe(level);
    }
  });

  it('switches production checkout from the baseline to the deployed version at the deploy', () => {
    const checkout = generated.filter(
      ({ doc }) => doc['service.name'] === 'checkout' && doc['service.environment'] === 'production',
    );
    const before = checkout.filter(({ doc }) => Date.parse(doc['@timestamp'] as string) < deployAt.getTime());
    expect(new Set(before.map(({ doc }) => doc['service.version']))).toEqual(new Set([BASELINE_VERSION]));
    const settled = checkout.filter(
      ({ doc }) => Date.parse(doc['@timestamp'] as string) >= deployAt.getTime() + 2 * 60_000,
    );
    expect(new Set(settled.map(({ doc }) => doc['service.version']))).toEqual(new Set([DEPLOYED_VERSION]));
  });

  it('writes messages that vary by ids and numbers, with new kinds only after the deploy', () => {
    const timeouts = generated
      .filter(({ kind }) => kind === 'timeout')
      .map(({ doc }) => doc.message as string);
    expect(timeouts.length).toBeGreaterThan(1000);
    expect(new Set(timeouts).size).toBeGreaterThan(timeouts.length * 0.9);
    expect(
      timeouts.every((message) => message.startsWith('upstream request timeout after 30000ms calling ')),
    ).toBe(true);
    const auth = generated
      .filter(({ kind }) => kind === 'auth_failed')
      .map(({ doc }) => doc.message as string);
    expect(auth.every((message) => /^auth failed for user u-\d+: invalid token$/.test(message))).toBe(true);
    const newKinds = generated.filter(({ kind }) => NEW_AFTER_DEPLOY_KINDS.includes(kind));
    expect(newKinds.length).toBeGreaterThan(0);
    expect(newKinds.every(({ doc }) => Date.parse(doc['@timestamp'] as string) >= deployAt.getTime())).toBe(
      true,
    );
  });
});

describe('createTally', () => {
  const tally = createTally(plan);
  generated.forEach((entry) => tally.add(entry));
  const rows = tally.rows();

  it('counts every document once', () => {
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(generated.length);
  });

  it('attributes each document to the window its timestamp falls in, also within the deploy minute', () => {
    const afterDeploy = generated.filter(
      ({ doc }) => Date.parse(doc['@timestamp'] as string) >= deployAt.getTime(),
    );
    expect(sumBy(rows, 'window')).toEqual({
      baseline: generated.length - afterDeploy.length,
      afterDeploy: afterDeploy.length,
    });
    const deployMinute = '2026-11-27T18:45:00.000Z';
    const inDeployMinute = rows.filter((row) => row.minute === deployMinute);
    expect(new Set(inDeployMinute.map((row) => row.window))).toEqual(new Set(['baseline', 'afterDeploy']));
  });

  it('sums by several keys into nested counts', () => {
    const byServiceAndLevel = sumBy(rows, 'service', 'level');
    const checkoutErrors = generated.filter(
      ({ doc, level }) => doc['service.name'] === 'checkout' && level === 'error',
    ).length;
    expect(byServiceAndLevel.checkout.error).toBe(checkoutErrors);
  });
});

describe('planScenario', () => {
  it.each([
    [{ docs: 0 }, 'docs must be a positive integer'],
    [{ docs: 1.5 }, 'docs must be a positive integer'],
    [{ stormShare: 1 }, 'storm share must be in [0, 1)'],
  ])('rejects %j', (change, message) => {
    expect(() => planScenario({ ...plan, ...change })).toThrow(message);
  });

  it('has no storm without an after-deploy period', () => {
    expect(planScenario({ ...plan, afterMinutes: 0 }).stormDocs).toBe(0);
  });
});

describe('index names', () => {
  it('names daily indices per service in UTC', () => {
    expect(indexName('logs', 'checkout', '2026-11-27T23:59:59.999Z')).toBe('logs-checkout-2026.11.27');
  });

  it('plans one index per service and day the scenario touches', () => {
    const names = plannedIndices(
      'p',
      ['a', 'b'],
      new Date('2026-11-27T23:30:00Z'),
      new Date('2026-11-28T00:10:00Z'),
    );
    expect(names).toEqual(['p-a-2026.11.27', 'p-b-2026.11.27', 'p-a-2026.11.28', 'p-b-2026.11.28']);
  });
});

describe('parseSeedArgs', () => {
  const now = new Date('2026-11-27T19:00:00Z');

  it('defaults the deploy to ten minutes ago and reads every flag', () => {
    expect(parseSeedArgs([], now).deployAt).toEqual(new Date('2026-11-27T18:50:00Z'));
    const options = parseSeedArgs(
      [
        '--docs',
        '1000000',
        '--deploy-at',
        '2026-11-27T12:00:00Z',
        '--index-prefix',
        'bxgtest-a',
        '--message-keyword',
      ],
      now,
    );
    expect(options).toMatchObject({
      docs: 1_000_000,
      deployAt: new Date('2026-11-27T12:00:00Z'),
      indexPrefix: 'bxgtest-a',
      messageKeyword: true,
    });
  });

  it.each([
    [['--docs', '-3'], '--docs expects a positive integer'],
    [['--deploy-at', 'yesterday'], '--deploy-at expects an ISO 8601 time'],
    [['--index-prefix', 'Logs*'], '--index-prefix expects a lowercase index name prefix'],
    [['--message-type', 'wildcard'], '--message-type expects one of auto, text, match_only_text, keyword'],
    [['--docs'], '--docs expects a value'],
    [['--nope'], "unknown option '--nope'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSeedArgs(argv, now)).toThrow(message);
  });
});

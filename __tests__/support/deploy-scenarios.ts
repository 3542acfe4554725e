// Deploy scenarios built from real log lines with known templates (the shared
// corpus, ../shared/corpus/logs, read in place and never copied), seeded as ECS
// documents into a real Elasticsearch node around a deploy, with the decision
// and the new kind of error each should produce. Used by the integration test
// (scenarios.itest.ts, the tuned systems) and bench/verify-scenarios.mjs
// (every system, today's behaviour side by side).
//
// Each service is one scenario: 30 minutes of baseline and 5 minutes after the
// deploy, info traffic plus error lines drawn from the system's lines. Counts
// are Poisson draws (seeded), so low volume is noisy as it is in life.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containsPhrases, covers, queryPhrases, TemplateMiner } from '../../src/log-templates/index.js';

// The systems, and which are tuned on and which report-only: one choice for the benches and the
// tests (bench/lib/corpus.mjs), made before any figure was measured.
export { HELD_OUT, SYSTEMS, TUNED } from '../../bench/lib/corpus.mjs';

export const CORPUS_DIR = join(process.cwd(), '..', 'shared', 'corpus', 'logs');

export interface CorpusLine {
  template: string;
  message: string;
}

/** The system's lines, or null when the corpus is absent (tests and benches then skip). */
export function readSystem(system: string, dir = CORPUS_DIR): CorpusLine[] | null {
  const file = join(dir, `${system}.tsv`);
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const [template, , ...rest] = line.split('\t');
      return { template: template!, message: rest.join('\t') };
    });
}

export type ScenarioKind =
  'steady' | 'surge' | 'low-volume' | 'new-kind' | 'error-storm' | 'timeout-storm' | 'auth-storm';

export const KINDS: readonly ScenarioKind[] = [
  'steady',
  'surge',
  'low-volume',
  'new-kind',
  'error-storm',
  'timeout-storm',
  'auth-storm',
];

export interface LogDoc {
  '@timestamp': string;
  message: string;
  log: { level: string };
  service: { name: string; environment: string; version: string };
  /** Ground truth, kept out of the verification's way under a field it never reads. */
  truth: { template: string };
}

export interface DeployScenario {
  system: string;
  kind: ScenarioKind;
  service: string;
  /** The decisions that are right (a timeout storm may be stopped by the rate test before the rollback rule's second check). */
  expected: { decisions: string[]; newKind: string | null };
  docs: LogDoc[];
}

export const MINUTE = 60_000;
export const BASELINE_MINUTES = 30;
export const AFTER_MINUTES = 5;
/** Hours of history before the baseline (the scenarios' new-error-lookback). */
const HISTORY_HOURS = 6;

/** The README's verify configuration, plus normalize-by-volume and max-new-errors 0 (so new kinds decide). */
export function scenarioInputs(url: string, index: string, s: DeployScenario, deployAt: number) {
  return {
    'elasticsearch-url': url,
    index,
    service: s.service,
    environment: 'production',
    'deployed-at': new Date(deployAt).toISOString(),
    interval: '30s',
    duration: '5m',
    'max-increase': '2',
    'min-errors': '5',
    'normalize-by-volume': 'true',
    'max-new-errors': '0',
    // The history each scenario seeds (HISTORY_HOURS): the lookback covers it.
    'new-error-lookback': `${HISTORY_HOURS}h`,
    retries: '0',
    rules: [
      '- {name: timeouts, phrase: timeout, levels: [error], max: 20, consecutive: 2, action: rollback}',
      '- {name: auth failed, phrase: auth failed, max: 50, action: fail}',
    ].join('\n'),
  } as Record<string, string>;
}

/** mulberry32: a small seeded generator, so every run seeds the same documents. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(rng: () => number, mean: number): number {
  // Knuth's method for small means, a normal approximation for large ones.
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

const hex = (rng: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];

function timeoutLine(rng: () => number): CorpusLine {
  const paths = ['/api/products', '/api/cart', '/api/stock/42', '/api/prices'];
  return {
    template: 'synthetic-timeout',
    message: `upstream request timeout after ${25_000 + Math.floor(rng() * 10_000)}ms calling inventory-api ${paths[Math.floor(rng() * paths.length)]} (request_id=${hex(rng, 16)})`,
  };
}

function authLine(rng: () => number): CorpusLine {
  return {
    template: 'synthetic-auth',
    message: `auth failed for user ${USERS[Math.floor(rng() * USERS.length)]}: token expired ${Math.floor(rng() * 600)}s ago`,
  };
}

function infoLine(rng: () => number): string {
  return `GET /api/items/${Math.floor(rng() * 10_000)} 200 in ${Math.floor(rng() * 80)}ms`;
}

interface Rates {
  /** Per minute. */
  traffic: number;
  errors: number;
}

const PLANS: Record<
  ScenarioKind,
  { before: Rates; after: Rates; extra?: 'new' | 'timeout' | 'auth'; extraRate?: number }
> = {
  steady: { before: { traffic: 100, errors: 2 }, after: { traffic: 100, errors: 2 } },
  surge: { before: { traffic: 100, errors: 2 }, after: { traffic: 300, errors: 6 } },
  'low-volume': { before: { traffic: 20, errors: 0.3 }, after: { traffic: 20, errors: 0.3 } },
  'new-kind': {
    before: { traffic: 100, errors: 2 },
    after: { traffic: 100, errors: 2 },
    extra: 'new',
    extraRate: 0.6,
  },
  'error-storm': { before: { traffic: 100, errors: 2 }, after: { traffic: 100, errors: 20 } },
  'timeout-storm': {
    before: { traffic: 100, errors: 2 },
    after: { traffic: 100, errors: 2 },
    extra: 'timeout',
    extraRate: 30,
  },
  'auth-storm': {
    before: { traffic: 100, errors: 2 },
    after: { traffic: 100, errors: 2 },
    extra: 'auth',
    extraRate: 30,
  },
};

/**
 * The right decisions. A timeout storm breaches the rate test at the first
 * measured check, and with failure-limit 0 that settles the verdict (fail)
 * before the timeouts rule (consecutive: 2, rollback) can fire: both stop the
 * deploy, so both are right; a pass is not.
 */
const EXPECTED: Record<ScenarioKind, string[]> = {
  steady: ['pass'],
  surge: ['pass'],
  'low-volume': ['pass'],
  'new-kind': ['fail'],
  'error-storm': ['fail'],
  'timeout-storm': ['rollback', 'fail'],
  'auth-storm': ['fail'],
};

/**
 * One system's scenarios. The kind held back as new has at least three lines and
 * never appears before the deploy; the other kinds' lines alternate between the
 * baseline pool and the after-deploy pool (same kinds, other variable values),
 * and after the deploy only kinds the baseline holds occur.
 */
export function buildScenarios(
  system: string,
  lines: readonly CorpusLine[],
  deployAt: number,
  {
    seed = 7,
    kinds = KINDS,
    repeats = {},
  }: { seed?: number; kinds?: readonly ScenarioKind[]; repeats?: Partial<Record<ScenarioKind, number>> } = {},
): DeployScenario[] {
  const byKind = new Map<string, CorpusLine[]>();
  for (const line of lines)
    (byKind.get(line.template) ?? byKind.set(line.template, []).get(line.template)!).push(line);
  const scenarios: DeployScenario[] = [];
  let n = 0;
  for (const kind of kinds) {
    for (let r = 0; r < (repeats[kind] ?? 1); r++) {
      const rng = random(seed * 1000 + n++ + system.length * 97);
      scenarios.push(buildOne(system, kind, r, byKind, deployAt, rng));
    }
  }
  return scenarios;
}

/**
 * Whether a kind can be new at all by the masking rule (Loghub's: a token with a digit is a
 * variable): its lines make one template, and no line of another kind has its shape or holds all
 * its constant words. Loghub's labels split some kinds on such a value ("via interface alt0"
 * beside "via interface ee0"): held back, one of those is a known kind with another value, not a
 * new one, and a scenario that expects it to fail a deploy would count the right answer wrong.
 */
function tellsApart(kind: string, byKind: Map<string, CorpusLine[]>): boolean {
  const miner = new TemplateMiner();
  for (const line of byKind.get(kind)!) miner.add(line.message);
  const templates = miner.templates();
  if (templates.length !== 1) return false;
  const tokens = templates[0]!.tokens;
  const phrases = queryPhrases(tokens);
  if (phrases.length === 0) return false;
  for (const [other, lines] of byKind) {
    if (other === kind) continue;
    if (lines.some((l) => covers(tokens, l.message) || containsPhrases(l.message, phrases))) return false;
  }
  return true;
}

function buildOne(
  system: string,
  kind: ScenarioKind,
  repeat: number,
  byKind: Map<string, CorpusLine[]>,
  deployAt: number,
  rng: () => number,
): DeployScenario {
  const plan = PLANS[kind];
  const service = `${system}-${kind}-${repeat}`.toLowerCase();
  const eligible = [...byKind.entries()]
    .filter(([k, ls]) => ls.length >= 3 && tellsApart(k, byKind))
    .map(([k]) => k);
  const newKind = plan.extra === 'new' ? eligible[Math.floor(rng() * eligible.length)]! : null;
  const beforePool: CorpusLine[] = [];
  const afterPool = new Map<string, CorpusLine[]>();
  for (const [k, ls] of byKind) {
    if (k === newKind) continue;
    ls.forEach((line, i) => {
      if (i % 2 === 0 || ls.length === 1) beforePool.push(line);
      if (i % 2 === 1 || ls.length === 1) (afterPool.get(k) ?? afterPool.set(k, []).get(k)!).push(line);
    });
  }
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const docs: LogDoc[] = [];
  const add = (at: number, line: CorpusLine | string, level: string, version: string) =>
    docs.push({
      '@timestamp': new Date(Math.floor(at)).toISOString(),
      message: typeof line === 'string' ? line : line.message,
      log: { level },
      service: { name: service, environment: 'production', version },
      truth: { template: typeof line === 'string' ? 'info' : line.template },
    });
  const spread = (
    count: number,
    from: number,
    minutes: number,
    make: () => void | [CorpusLine | string, string],
  ) => {
    for (let i = 0; i < count; i++) {
      const item = make();
      if (item) add(from + rng() * minutes * MINUTE, item[0], item[1], from < deployAt ? '1.0.0' : '1.1.0');
    }
  };
  const baselineStart = deployAt - BASELINE_MINUTES * MINUTE;
  // Before: traffic, errors from the baseline pool, and the storm kinds at a trickle (so a storm is not new).
  spread(poisson(rng, plan.before.traffic * BASELINE_MINUTES), baselineStart, BASELINE_MINUTES, () => [
    infoLine(rng),
    'info',
  ]);
  const seenBefore = new Set<string>();
  spread(poisson(rng, plan.before.errors * BASELINE_MINUTES), baselineStart, BASELINE_MINUTES, () => {
    const line = pick(beforePool);
    seenBefore.add(line.template);
    return [line, 'error'];
  });
  if (plan.extra === 'timeout' || plan.extra === 'auth') {
    const make = plan.extra === 'timeout' ? timeoutLine : authLine;
    spread(6, baselineStart, BASELINE_MINUTES, () => [make(rng), 'error']);
  }
  // The hours before, as a real cluster holds them: the service's known errors at the baseline's
  // rate, so the lookback sees what a week of a real service shows (every kind it logs), only
  // shorter to seed. The new kind is never there.
  spread(
    poisson(rng, plan.before.errors * HISTORY_HOURS * 60),
    baselineStart - HISTORY_HOURS * 60 * MINUTE,
    HISTORY_HOURS * 60,
    () => [pick(beforePool), 'error'],
  );
  // After: traffic, errors of kinds the baseline holds (other lines of them where there are).
  const known = [...seenBefore].sort();
  spread(poisson(rng, plan.after.traffic * AFTER_MINUTES), deployAt, AFTER_MINUTES, () => [
    infoLine(rng),
    'info',
  ]);
  spread(poisson(rng, plan.after.errors * AFTER_MINUTES), deployAt, AFTER_MINUTES, () => {
    const k = pick(known);
    return [pick(afterPool.get(k) ?? byKind.get(k)!), 'error'];
  });
  if (plan.extra === 'new') {
    // At least two lines, early enough for the last check's window (it ends 30 s before the end).
    const lines = byKind.get(newKind!)!;
    spread(Math.max(2, poisson(rng, plan.extraRate! * AFTER_MINUTES)), deployAt + 0.5 * MINUTE, 3.5, () => [
      pick(lines),
      'error',
    ]);
  } else if (plan.extra) {
    const make = plan.extra === 'timeout' ? timeoutLine : authLine;
    spread(poisson(rng, plan.extraRate! * AFTER_MINUTES), deployAt, AFTER_MINUTES, () => [
      make(rng),
      'error',
    ]);
  }
  return { system, kind, service, expected: { decisions: EXPECTED[kind], newKind }, docs };
}

/** The index for the scenarios: message as text without a keyword, as the issue measured. */
export const SCENARIO_MAPPING = {
  settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
  mappings: {
    dynamic: false,
    properties: {
      '@timestamp': { type: 'date' },
      message: { type: 'text' },
      log: { properties: { level: { type: 'keyword' } } },
      service: {
        properties: {
          name: { type: 'keyword' },
          environment: { type: 'keyword' },
          version: { type: 'keyword' },
        },
      },
      truth: { properties: { template: { type: 'keyword' } } },
    },
  },
};

/** Creates the index and bulk-loads every scenario's documents (refreshed once at the end). */
export async function seedScenarios(
  url: string,
  index: string,
  scenarios: readonly DeployScenario[],
): Promise<number> {
  const call = async (method: string, path: string, body?: string, type = 'application/json') => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': type },
      ...(body ? { body } : {}),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok || json.errors)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json;
  };
  await fetch(`${url}/${index}`, { method: 'DELETE' });
  await call('PUT', `/${index}`, JSON.stringify(SCENARIO_MAPPING));
  const docs = scenarios.flatMap((s) => s.docs);
  for (let i = 0; i < docs.length; i += 5000) {
    const body = docs
      .slice(i, i + 5000)
      .map((d) => `{"index":{}}\n${JSON.stringify(d)}\n`)
      .join('');
    await call('POST', `/${index}/_bulk`, body, 'application/x-ndjson');
  }
  await call('PUT', `/${index}/_settings`, JSON.stringify({ index: { refresh_interval: '1s' } }));
  await call('POST', `/${index}/_refresh`);
  return docs.length;
}

export interface ScenarioOutcome {
  scenario: DeployScenario;
  decision: string;
  /** Example lines of the kinds reported new. */
  newExamples: string[];
  latenciesMs: number[];
  roundTrips: number[];
  /** New kinds the A/A check found between the baseline's halves (null: no A/A check). */
  aaNewKinds?: number | null;
}

/** Decisions right, and new-error precision and recall (a reported kind is right when its example is of the held-back kind). */
export function score(outcomes: readonly ScenarioOutcome[]) {
  let reported = 0;
  let right = 0;
  let found = 0;
  const truth = new Map<string, string>();
  for (const o of outcomes)
    for (const d of o.scenario.docs) truth.set(`${o.scenario.service}\u0000${d.message}`, d.truth.template);
  const mistakes: string[] = [];
  for (const o of outcomes) {
    // A long line is reported capped (log-text.ts): matched then by its first 100 characters.
    const truthOf = (m: string) =>
      truth.get(`${o.scenario.service}\u0000${m}`) ??
      o.scenario.docs.find((d) => d.message.startsWith(m.slice(0, 100)))?.truth.template;
    const hits = o.newExamples.map(truthOf);
    reported += hits.length;
    const correct = hits.filter((t) => t !== undefined && t === o.scenario.expected.newKind).length;
    right += correct;
    if (o.scenario.expected.newKind && correct > 0) found++;
    o.newExamples.forEach((m, i) => {
      if (hits[i] !== o.scenario.expected.newKind)
        mistakes.push(
          `${o.scenario.service}: called new ${hits[i] ?? '?'} (${JSON.stringify(m.slice(0, 120))})`,
        );
    });
    if (o.scenario.expected.newKind && correct === 0)
      mistakes.push(`${o.scenario.service}: missed ${o.scenario.expected.newKind}`);
  }
  const withNew = outcomes.filter((o) => o.scenario.expected.newKind).length;
  return {
    scenarios: outcomes.length,
    decisionsRight: outcomes.filter((o) => o.scenario.expected.decisions.includes(o.decision)).length,
    newReported: reported,
    precision: reported === 0 ? 1 : right / reported,
    recall: withNew === 0 ? 1 : found / withNew,
    /** Kinds called new that were not the held-back one, and held-back kinds missed. */
    mistakes,
    wrong: outcomes
      .filter((o) => !o.scenario.expected.decisions.includes(o.decision))
      .map(
        (o) => `${o.scenario.service}: ${o.decision}, expected ${o.scenario.expected.decisions.join(' or ')}`,
      ),
  };
}

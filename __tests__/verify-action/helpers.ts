// Shared builders for the verify unit tests: configs from real input strings,
// search responses shaped like Elasticsearch's, and a fake clock.
import type { VerifyConfig } from '../../src/verify-action/config/config.js';
import type { LogStore, SearchRequest, ServerInfo } from '../../src/verify-action/ports.js';
import { readInputs } from '../../src/verify-action/config/inputs.js';
import type { Clock } from '../../src/verify-action/ports.js';
import { containsPhrases } from '../../src/log-templates/index.js';

export const NOW = Date.parse('2026-11-27T12:00:00Z');
export const DEPLOYED = Date.parse('2026-11-27T11:50:00Z');

export function configFrom(
  inputs: Record<string, string>,
  now = NOW,
  env: Record<string, string> = {},
): VerifyConfig {
  const all: Record<string, string> = {
    'elasticsearch-url': 'http://127.0.0.1:9200',
    'deployed-at': new Date(DEPLOYED).toISOString(),
    ...inputs,
  };
  return readInputs((name) => all[name] ?? '', { now, env });
}

export interface FakeCounts {
  total?: number;
  errors?: number;
  baselineTotal?: number;
  baselineErrors?: number;
  rules?: number[];
  buckets?: { at: number; errors: number }[];
  messages?: { key: string; doc_count: number }[];
  baselineMessages?: { key: string; doc_count: number }[];
  timedOut?: boolean;
  failedShards?: number;
  /** Logs with the level field (default: all of them). */
  leveled?: number;
  baselineLeveled?: number;
}

/** A search response with the aggregation names buildCheckRequest uses. */
export function fakeResponse(c: FakeCounts): Record<string, unknown> {
  const window: Record<string, unknown> = {
    doc_count: c.total ?? 0,
    errors: { doc_count: c.errors ?? 0, messages: { buckets: c.messages ?? [] } },
    leveled: { doc_count: c.leveled ?? c.total ?? 0 },
  };
  const baselineMessages = { buckets: c.baselineMessages ?? [], hits: { hits: asHits(c.baselineMessages) } };
  (c.rules ?? []).forEach((count, i) => {
    window[`rule_${i}`] = { doc_count: count };
  });
  return {
    took: 3,
    timed_out: c.timedOut ?? false,
    _shards: {
      total: 2,
      successful: 2 - (c.failedShards ?? 0),
      skipped: 0,
      failed: c.failedShards ?? 0,
      ...(c.failedShards
        ? { failures: [{ reason: { type: 'search_exception', reason: 'shard failed' } }] }
        : {}),
    },
    hits: { total: { value: (c.total ?? 0) + (c.baselineTotal ?? 0), relation: 'eq' }, hits: [] },
    aggregations: {
      window,
      baseline: {
        doc_count: c.baselineTotal ?? 0,
        errors: { doc_count: c.baselineErrors ?? 0, messages: baselineMessages },
        leveled: { doc_count: c.baselineLeveled ?? c.baselineTotal ?? 0 },
      },
      timeline: {
        doc_count: 0,
        per_step: { buckets: (c.buckets ?? []).map((b) => ({ key: b.at, doc_count: b.errors })) },
      },
    },
  };
}

function asHits(messages: FakeCounts['messages']): { fields: { message: string[] } }[] {
  return (messages ?? []).map((m) => ({ fields: { message: [m.key] } }));
}

type Query = { bool?: { filter?: Query[]; must_not?: Query[] }; match_phrase?: Record<string, string> };

/** Whether a message matches a query of match_phrase clauses in bools (what the template search sends). */
function matches(message: string, q: Query): boolean {
  if (q.match_phrase) return containsPhrases(message, Object.values(q.match_phrase));
  const { filter = [], must_not = [] } = q.bool ?? {};
  return filter.every((f) => matches(message, f)) && !must_not.some((f) => matches(message, f));
}

/**
 * The template search answered from the fake's messages, as Elasticsearch would:
 * each filter counts the window (or baseline) messages its phrases match.
 */
export function fakeTemplateResponse(c: FakeCounts, request: SearchRequest): Record<string, unknown> {
  const aggs = request.body.aggs as Record<
    string,
    { aggs: Record<string, { filters?: { filters: Record<string, Query> }; filter?: Query }> }
  >;
  const count = (messages: FakeCounts['messages'], q: Query) =>
    (messages ?? []).filter((m) => matches(m.key, q)).reduce((s, m) => s + m.doc_count, 0);
  const answer = (
    messages: FakeCounts['messages'],
    part: Record<string, { filters?: { filters: Record<string, Query> }; filter?: Query }>,
  ) =>
    Object.fromEntries(
      Object.entries(part).map(([name, agg]) => [
        name,
        agg.filters
          ? {
              buckets: Object.fromEntries(
                Object.entries(agg.filters.filters).map(([key, q]) => [
                  key,
                  { doc_count: count(messages, q), first: { value: DEPLOYED + 60_000 } },
                ]),
              ),
            }
          : { doc_count: count(messages, agg.filter!) },
      ]),
    );
  return {
    took: 2,
    timed_out: false,
    _shards: { total: 2, successful: 2, skipped: 0, failed: 0 },
    hits: { max_score: null, hits: [] },
    aggregations: {
      window: answer(c.messages, aggs.window!.aggs),
      ...(aggs.baseline ? { baseline: answer(c.baselineMessages, aggs.baseline.aggs) } : {}),
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The answer to one requested aggregation, as Elasticsearch shapes it: the fake's figures where
 * it has them, zeros and empty buckets where it does not, every sub-aggregation in every bucket,
 * and nothing that was not asked for.
 */
function conformAggregation(spec: Json, fake: unknown): Json {
  const answer = isObject(fake) ? fake : {};
  const subs = spec.aggs as Json | undefined;
  /** A bucket's own figures (key, doc_count) and its sub-aggregations, nothing else. */
  const bucketOf = (bucket: Json): Json => ({
    ...pick(bucket, ['key', 'key_as_string']),
    doc_count: (bucket.doc_count as number | undefined) ?? 0,
    ...(subs ? conformAggregations(subs, bucket) : {}),
  });
  if ('filter' in spec || 'global' in spec) return bucketOf(answer);
  if ('filters' in spec) {
    const named = (spec.filters as { filters: Json }).filters;
    const buckets = isObject(answer.buckets) ? answer.buckets : {};
    return {
      buckets: Object.fromEntries(
        Object.keys(named).map((key) => [
          key,
          bucketOf(isObject(buckets[key]) ? (buckets[key] as Json) : {}),
        ]),
      ),
    };
  }
  if ('terms' in spec || 'date_histogram' in spec) {
    const buckets = Array.isArray(answer.buckets) ? (answer.buckets as Json[]) : [];
    return { ...pick(answer, ['sum_other_doc_count']), buckets: buckets.map(bucketOf) };
  }
  if ('top_hits' in spec) {
    return { hits: isObject(answer.hits) ? answer.hits : { total: { value: 0, relation: 'eq' }, hits: [] } };
  }
  if ('min' in spec || 'max' in spec) return { value: (answer.value as number | null | undefined) ?? null };
  return answer;
}

function pick(object: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => k in object).map((k) => [k, object[k]]));
}

function conformAggregations(specs: Json, answers: Json): Json {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, conformAggregation(spec as Json, answers[name])]),
  );
}

/** A fake response made to answer exactly what the request asked for (see conformAggregation). */
export function answerTo(request: SearchRequest, response: Json): Json {
  const aggs = request.body.aggs as Json | undefined;
  const { aggregations, ...rest } = response;
  return aggs
    ? { ...rest, aggregations: conformAggregations(aggs, isObject(aggregations) ? aggregations : {}) }
    : rest;
}

/** The check search or the template search, whichever the request is. */
export function fakeSearch(c: FakeCounts, request: SearchRequest): Record<string, unknown> {
  const window = (request.body.aggs as { window?: { aggs?: Record<string, unknown> } } | undefined)?.window;
  if (window?.aggs && 'unmatched' in window.aggs) return answerTo(request, fakeTemplateResponse(c, request));
  const response = fakeResponse(c);
  // The latest window errors, one hit per distinct message, when the search asks for hits.
  if (request.body.size) (response.hits as { hits: unknown[] }).hits = asHits(c.messages);
  return answerTo(request, response);
}

export const KEYWORD_CAPS = {
  '@timestamp': { date: { searchable: true, aggregatable: true } },
  'log.level': { keyword: { searchable: true, aggregatable: true } },
  message: { text: { searchable: true, aggregatable: false } },
  'message.keyword': { keyword: { searchable: true, aggregatable: true } },
  'service.name': { keyword: { searchable: true, aggregatable: true } },
  'service.environment': { keyword: { searchable: true, aggregatable: true } },
  'service.version': { keyword: { searchable: true, aggregatable: true } },
};

export const SERVER_8: ServerInfo = {
  version: '8.19.21',
  major: 8,
  distribution: 'elasticsearch',
  clientMajor: 8,
};

/** A LogStore answering each search with the next scripted response (or error). */
export function fakeStore(
  answers:
    | ((request: SearchRequest, n: number) => Record<string, unknown>)[]
    | ((request: SearchRequest, n: number) => Record<string, unknown>),
  caps: Record<string, unknown> = KEYWORD_CAPS,
): LogStore & { requests: SearchRequest[]; closed: boolean } {
  const requests: SearchRequest[] = [];
  const store = {
    server: SERVER_8,
    requests,
    closed: false,
    fieldCaps: async () => caps as never,
    closedIndices: async (): Promise<string[]> => [],
    search: async (request: SearchRequest) => {
      requests.push(request);
      const n = requests.length - 1;
      const answer = typeof answers === 'function' ? answers : answers[Math.min(n, answers.length - 1)]!;
      return answer(request, n);
    },
    close: async () => {
      store.closed = true;
    },
  };
  return store;
}

/** A clock whose sleep advances time instantly. */
export function fakeClock(start = NOW): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

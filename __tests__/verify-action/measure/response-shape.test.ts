// An HTTP 200 is not a measurement. A proxy in front of the cluster (an auth proxy's login page,
// a gateway that answers with an empty body, one that strips what it does not know) answered
// 200, and the missing aggregations read as no logs, or as zero errors: a pass. Every response
// is checked against the request it answers; what is missing is a measurement error (on-error).
import { describe, expect, it } from '@jest/globals';
import { checkResponseShape } from '../../../src/verify-action/measure/response-shape.js';
import type { SearchRequest } from '../../../src/verify-action/ports.js';
import { runVerification } from '../../../src/verify-action/run.js';
import { configFrom, fakeSearch, fakeStore, KEYWORD_CAPS, type FakeCounts } from '../helpers.js';
import { BURST, depsFor } from '../run-fixtures.js';

type Json = Record<string, unknown>;
const RULES = '- {name: timeouts, phrase: timeout, max: 10, action: rollback}';
const COUNTS: FakeCounts = { ...BURST, rules: [57] };

/** Removes the value at a dotted path of a response (a copy). */
function without(response: Json, path: string): Json {
  const copy = structuredClone(response);
  const keys = path.split('.');
  let at: Json = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Json;
  delete at[keys.at(-1)!];
  return copy;
}

/** Sets the value at a dotted path of a response (a copy). */
function withValue(response: Json, path: string, value: unknown): Json {
  const copy = structuredClone(response);
  const keys = path.split('.');
  let at: Json = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Json;
  at[keys.at(-1)!] = value;
  return copy;
}

/** What the check search's answer becomes, and what the decision's reason must name. */
const CHECK_SHAPES: [string, (r: Json) => unknown, RegExp][] = [
  ['an empty body', () => '', /not a JSON object \(an empty body\)/],
  [
    'an HTML login page',
    () => '<html><body><form>Sign in</form></body></html>',
    /not a JSON object \(HTML\)/,
  ],
  ['a JSON string', () => 'ok', /not a JSON object \(text\)/],
  ['null', () => null, /not a JSON object \(null\)/],
  ['an array', () => [], /not a JSON object \(an array\)/],
  ['an empty object', () => ({}), /no _shards/],
  ['no hits', (r) => without(r, 'hits'), /no hits \(the hits section\)/],
  ['hits without the sampled hits', (r) => without(r, 'hits.hits'), /no hits\.hits/],
  ['no hits.total', (r) => without(r, 'hits.total'), /no hits\.total/],
  ['hits.total not a number', (r) => withValue(r, 'hits.total', { value: 'many' }), /hits\.total/],
  ['no aggregations', (r) => without(r, 'aggregations'), /no aggregations\.window \(a filter aggregation\)/],
  ['aggregations null', (r) => withValue(r, 'aggregations', null), /aggregations\.window/],
  ['no window', (r) => without(r, 'aggregations.window'), /aggregations\.window /],
  [
    'window without doc_count',
    (r) => without(r, 'aggregations.window.doc_count'),
    /aggregations\.window\.doc_count/,
  ],
  [
    'window doc_count as text',
    (r) => withValue(r, 'aggregations.window.doc_count', '500'),
    /window\.doc_count/,
  ],
  ['the errors dropped', (r) => without(r, 'aggregations.window.errors'), /aggregations\.window\.errors/],
  ['a rule dropped', (r) => without(r, 'aggregations.window.rule_0'), /aggregations\.window\.rule_0/],
  ['no baseline', (r) => without(r, 'aggregations.baseline'), /aggregations\.baseline/],
  [
    'the baseline errors dropped',
    (r) => without(r, 'aggregations.baseline.errors'),
    /aggregations\.baseline\.errors/,
  ],
  ['no timeline', (r) => without(r, 'aggregations.timeline'), /aggregations\.timeline/],
  [
    'the timeline histogram dropped',
    (r) => without(r, 'aggregations.timeline.per_step'),
    /timeline\.per_step/,
  ],
  [
    'histogram buckets not a list',
    (r) => withValue(r, 'aggregations.timeline.per_step.buckets', {}),
    /per_step\.buckets/,
  ],
  [
    'no level values',
    (r) => without(r, 'aggregations.levels'),
    /aggregations\.levels \(a terms aggregation\)/,
  ],
  [
    'level buckets missing',
    (r) => without(r, 'aggregations.levels.buckets'),
    /aggregations\.levels\.buckets/,
  ],
  ['no _shards', (r) => without(r, '_shards'), /_shards/],
];

describe('a check answered with the wrong shape', () => {
  it.each(CHECK_SHAPES)(
    '%s is a measurement error (on-error), never zero errors',
    async (_name, change, why) => {
      for (const policy of ['fail', 'inconclusive'] as const) {
        const deps = depsFor(COUNTS);
        const store = fakeStore((request) => {
          const response = fakeSearch(COUNTS, request) as Json;
          const aggs = response.aggregations as Json;
          aggs.levels = { buckets: [{ key: 'error', doc_count: 412 }] };
          return change(response) as Json;
        });
        const report = await runVerification(
          configFrom({ rules: RULES, duration: '0', 'on-error': policy, 'max-increase': 'off' }),
          { ...deps, connect: async () => store },
        );
        expect(report.decision).toBe(policy);
        expect(report.gateFailed).toBe(true);
        expect(report.checks[0]!.status).toBe('error');
        expect(report.reasons[0]).toMatch(/^could not measure: /);
        expect(report.reasons[0]).toMatch(why);
      }
    },
  );

  it('the template search answered without its kinds is a measurement error too', async () => {
    const textCaps = { ...KEYWORD_CAPS } as Record<string, unknown>;
    delete textCaps['message.keyword'];
    const store = fakeStore((request) => {
      const response = fakeSearch(BURST, request) as Json;
      const win = (response.aggregations as Json).window as Json;
      if ('kinds' in win) delete win.kinds;
      return response;
    }, textCaps);
    const report = await runVerification(configFrom({ duration: '0', 'max-increase': 'off' }), {
      ...depsFor(BURST),
      connect: async () => store,
    });
    expect(report.decision).toBe('fail');
    expect(report.reasons[0]).toMatch(/aggregations\.window\.kinds \(a filters aggregation\)/);
  });

  it('a well-formed answer passes the check, empty buckets included', () => {
    const request: SearchRequest = {
      index: 'logs-*',
      params: { allow_no_indices: false, ignore_unavailable: false },
      body: {
        size: 0,
        track_total_hits: true,
        aggs: {
          w: {
            filter: { match_all: {} },
            aggs: { by: { terms: { field: 'v' }, aggs: { e: { filter: {} } } } },
          },
          t: { date_histogram: { field: '@timestamp', fixed_interval: '1m' } },
          f: { filters: { filters: { a: {}, b: {} } }, aggs: { first: { min: { field: 'x' } } } },
          g: { global: {}, aggs: { s: { filter: {} } } },
          h: { top_hits: { size: 1 } },
        },
      },
    };
    const response = {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { total: { value: 3, relation: 'eq' }, hits: [] },
      aggregations: {
        w: { doc_count: 3, by: { buckets: [{ key: '1.0', doc_count: 3, e: { doc_count: 1 } }] } },
        t: { buckets: [] },
        f: {
          buckets: { a: { doc_count: 0, first: { value: null } }, b: { doc_count: 2, first: { value: 5 } } },
        },
        g: { doc_count: 9, s: { doc_count: 2 } },
        h: { hits: { total: { value: 0 }, hits: [] } },
      },
    };
    expect(() => checkResponseShape(request, response)).not.toThrow();
    const broken = structuredClone(response);
    delete (broken.aggregations.w.by.buckets[0] as Record<string, unknown>).e;
    expect(() => checkResponseShape(request, broken)).toThrow(/aggregations\.w\.by\.buckets\[0\]\.e/);
    const noFilter = structuredClone(response);
    delete (noFilter.aggregations.f.buckets as Record<string, unknown>).b;
    expect(() => checkResponseShape(request, noFilter)).toThrow(/aggregations\.f\.buckets\.b/);
  });
});

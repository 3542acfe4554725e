import { describe, expect, it } from '@jest/globals';
import {
  buildCheckRequest,
  levelsQuery,
  parseCheckResponse,
  ruleQuery,
  timelineStepMinutes,
} from '../../../src/verify-action/measure/query.js';
import type { SearchPlan } from '../../../src/verify-action/measure/plan.js';
import { configFrom, DEPLOYED, fakeResponse } from '../helpers.js';

const PLAN: SearchPlan = {
  fields: {
    timestamp: '@timestamp',
    level: 'log.level',
    service: 'service.name',
    environment: 'service.environment',
    version: 'service.version',
  },
  messages: { kind: 'terms', field: 'message.keyword' },
};
const WINDOW = { baselineStart: DEPLOYED - 30 * 60_000, deployedAt: DEPLOYED, end: DEPLOYED + 5 * 60_000 };
type Agg = { filter?: unknown; aggs?: Record<string, Agg>; [key: string]: unknown };
type Body = {
  size: number;
  track_total_hits: boolean;
  timeout: string;
  query: { bool: { filter: unknown[] } };
  aggs: Record<string, Agg>;
};

describe('the check request', () => {
  it('is one exact-count search: size 0, tracked totals, no-index is an error', () => {
    const request = buildCheckRequest(configFrom({}), PLAN, WINDOW, { messages: false });
    const body = request.body as Body;
    expect(request.index).toBe('logs-*');
    expect(request.params).toEqual({ allow_no_indices: false, ignore_unavailable: false });
    expect(body.size).toBe(0);
    expect(body.track_total_hits).toBe(true);
    expect(body.timeout).toBe('24s');
    expect(body.query.bool.filter).toEqual([
      { range: { '@timestamp': { gte: WINDOW.baselineStart, lte: WINDOW.end, format: 'epoch_millis' } } },
    ]);
    expect(Object.keys(body.aggs).sort()).toEqual(['baseline', 'timeline', 'window']);
    expect(body.aggs.window!.filter).toEqual({
      range: { '@timestamp': { gte: DEPLOYED, lte: WINDOW.end, format: 'epoch_millis' } },
    });
    // The baseline ends where the window begins, exclusive, so no log counts twice.
    expect(body.aggs.baseline!.filter).toEqual({
      range: { '@timestamp': { gte: WINDOW.baselineStart, lt: DEPLOYED, format: 'epoch_millis' } },
    });
  });

  it('matches each level case-insensitively with term queries (a terms query cannot)', () => {
    expect(levelsQuery('log.level', ['error', 'FATAL'])).toEqual({
      bool: {
        should: [
          { term: { 'log.level': { value: 'error', case_insensitive: true } } },
          { term: { 'log.level': { value: 'FATAL', case_insensitive: true } } },
        ],
        minimum_should_match: 1,
      },
    });
    const body = buildCheckRequest(configFrom({ levels: 'error' }), PLAN, WINDOW).body as Body;
    expect(body.aggs.window!.aggs!.errors!.filter).toEqual(levelsQuery('log.level', ['error']));
    expect(body.aggs.timeline!.filter).toEqual(levelsQuery('log.level', ['error']));
  });

  it.each([
    [{ service: 'checkout' }, [{ term: { 'service.name': 'checkout' } }]],
    [
      { service: 'checkout', environment: 'prod', version: '1.4.2' },
      [
        { term: { 'service.name': 'checkout' } },
        { term: { 'service.environment': 'prod' } },
        { term: { 'service.version': '1.4.2' } },
      ],
    ],
    // Query syntax in a value stays data: no query_string anywhere.
    [{ service: 'a OR *:*' }, [{ term: { 'service.name': 'a OR *:*' } }]],
    [{ query: '{"term": {"host.name": "web-1"}}' }, [{ term: { 'host.name': 'web-1' } }]],
  ])('scopes to %j', (inputs, filters) => {
    const body = buildCheckRequest(configFrom(inputs), PLAN, WINDOW).body as Body;
    expect(body.query.bool.filter.slice(1)).toEqual(filters);
    expect(JSON.stringify(body)).not.toContain('query_string');
  });

  it.each([
    [
      {
        name: 'timeouts',
        phrase: 'timeout',
        field: 'message',
        levels: [],
        max: 1,
        consecutive: 1,
        action: 'rollback' as const,
        notify: [],
        labels: {},
      },
      { match_phrase: { message: 'timeout' } },
    ],
    [
      {
        name: 'auth',
        phrase: 'auth failed',
        field: 'message',
        levels: ['error'],
        max: 1,
        consecutive: 1,
        action: 'fail' as const,
        notify: [],
        labels: {},
      },
      {
        bool: { filter: [{ match_phrase: { message: 'auth failed' } }, levelsQuery('log.level', ['error'])] },
      },
    ],
    [
      {
        name: 'q',
        query: { exists: { field: 'error.stack_trace' } },
        field: 'message',
        levels: [],
        max: 1,
        consecutive: 1,
        action: 'warn' as const,
        notify: [],
        labels: {},
      },
      { exists: { field: 'error.stack_trace' } },
    ],
  ])('rule %#', (rule, query) => {
    expect(ruleQuery(rule, 'log.level')).toEqual(query);
  });

  it('counts every rule as a filter aggregation in the window', () => {
    const config = configFrom({
      rules: '- {name: a, phrase: timeout, max: 1}\n- {name: b, phrase: auth failed, max: 2}',
    });
    const aggs = (buildCheckRequest(config, PLAN, WINDOW).body as Body).aggs.window!.aggs!;
    expect(aggs.rule_0).toEqual({ filter: { match_phrase: { message: 'timeout' } } });
    expect(aggs.rule_1).toEqual({ filter: { match_phrase: { message: 'auth failed' } } });
  });

  it('zero-fills the timeline from the baseline start to the window end', () => {
    const body = buildCheckRequest(configFrom({}), PLAN, WINDOW).body as Body;
    expect(body.aggs.timeline!.aggs!.per_step).toEqual({
      date_histogram: {
        field: '@timestamp',
        fixed_interval: '1m',
        offset: '0ms',
        min_doc_count: 0,
        extended_bounds: { min: WINDOW.baselineStart, max: WINDOW.end },
      },
    });
  });

  it('puts a bucket edge on the deploy, so no bucket mixes minutes before and after it', () => {
    const window = { ...WINDOW, deployedAt: WINDOW.deployedAt + 25_500 };
    const body = buildCheckRequest(configFrom({}), PLAN, window).body as Body;
    const histogram = (body.aggs.timeline!.aggs!.per_step as { date_histogram: { offset: string } })
      .date_histogram;
    expect(histogram.offset).toBe(`${window.deployedAt % 60_000}ms`);
    expect((window.deployedAt - Number.parseInt(histogram.offset, 10)) % 60_000).toBe(0);
  });

  it.each([
    [35 * 60_000, 1],
    [120 * 60_000, 1],
    [121 * 60_000, 2],
    [6 * 3_600_000, 5],
    [24 * 3_600_000, 15],
  ])('timeline over %d ms uses %d-minute steps', (span, step) => {
    expect(timelineStepMinutes(span)).toBe(step);
  });

  const terms = { terms: { field: 'message.keyword', size: 500 } };
  const latest100 = {
    top_hits: { size: 100, _source: false, fields: ['message'], sort: [{ '@timestamp': 'desc' }] },
  };
  it.each([
    [{ kind: 'terms', field: 'message.keyword' }, terms, terms, true],
    [{ kind: 'sample', field: 'message' }, undefined, latest100, true],
  ] as const)('finds top messages with %j', (strategy, windowAgg, baselineAgg, hitsSample) => {
    const body = buildCheckRequest(configFrom({}), { ...PLAN, messages: strategy }, WINDOW).body as Body &
      Record<string, unknown>;
    expect(body.aggs.window!.aggs!.errors!.aggs?.messages).toEqual(windowAgg);
    expect(body.aggs.baseline!.aggs!.errors!.aggs!.messages).toEqual(baselineAgg);
    if (hitsSample) {
      // The latest 500 window errors come back as hits; post_filter leaves the aggregations whole.
      expect(body).toMatchObject({
        size: 500,
        sort: [{ '@timestamp': 'desc' }],
        _source: false,
        fields: ['message'],
        post_filter: {
          bool: {
            filter: [
              { range: { '@timestamp': { gte: DEPLOYED, lte: WINDOW.end, format: 'epoch_millis' } } },
              levelsQuery('log.level', ['error', 'fatal', 'critical']),
            ],
          },
        },
      });
    } else {
      expect(body.size).toBe(0);
    }
  });

  it('leaves the costly message aggregations out when asked', () => {
    const body = buildCheckRequest(configFrom({}), PLAN, WINDOW, { messages: false }).body as Body;
    expect(body.aggs.window!.aggs!.errors).toEqual({
      filter: levelsQuery('log.level', ['error', 'fatal', 'critical']),
    });
    expect(body.aggs.baseline!.aggs!.errors!.aggs).toBeUndefined();
    const m = parseCheckResponse(configFrom({}), PLAN, WINDOW, fakeResponse({ total: 1 }));
    expect(m.messagesIncluded).toBe(true);
  });

  it('counts the logs that carry the level field, in the window and the baseline (an exists filter)', () => {
    const body = buildCheckRequest(configFrom({}), PLAN, WINDOW, { messages: false }).body as Body;
    expect(body.aggs.window!.aggs!.leveled).toEqual({ filter: { exists: { field: 'log.level' } } });
    expect(body.aggs.baseline!.aggs!.leveled).toEqual({ filter: { exists: { field: 'log.level' } } });
    const m = parseCheckResponse(
      configFrom({}),
      PLAN,
      WINDOW,
      fakeResponse({ total: 100, leveled: 7, baselineTotal: 300, baselineLeveled: 290 }),
    );
    expect([m.leveled, m.baselineLeveled]).toEqual([7, 290]);
  });

  it('counts the logs stamped after the check time (a clock ahead), over the same scope', () => {
    const at = WINDOW.end + 30_000;
    const config = configFrom({ service: 'checkout' });
    const body = buildCheckRequest(config, PLAN, WINDOW, { messages: false, checkedAt: at }).body as Body;
    expect(body.aggs.future).toEqual({
      global: {},
      aggs: {
        scoped: {
          filter: {
            bool: {
              filter: [
                { range: { '@timestamp': { gt: at + 60_000, format: 'epoch_millis' } } },
                { term: { 'service.name': 'checkout' } },
              ],
            },
          },
          aggs: {
            errors: { filter: levelsQuery('log.level', ['error', 'fatal', 'critical']) },
            latest: { max: { field: '@timestamp' } },
          },
        },
      },
    });
    const response = fakeResponse({ total: 5 });
    (response.aggregations as Record<string, unknown>).future = {
      doc_count: 99,
      scoped: { doc_count: 40, errors: { doc_count: 30 }, latest: { value: at + 7_200_000 } },
    };
    const m = parseCheckResponse(config, PLAN, WINDOW, response, { checkedAt: at });
    expect(m.future).toEqual({ after: at + 60_000, total: 40, errors: 30, latest: at + 7_200_000 });
    // Without a check time (the messages fetched after an early verdict), nothing is asked.
    expect((buildCheckRequest(config, PLAN, WINDOW).body as Body).aggs.future).toBeUndefined();
  });

  it('leaves the baseline out when there is none', () => {
    const body = buildCheckRequest(configFrom({ 'baseline-window': '0', 'max-increase': 'off' }), PLAN, {
      ...WINDOW,
      baselineStart: DEPLOYED,
    }).body as Body;
    expect(body.aggs.baseline).toBeUndefined();
  });
});

describe('reading the response', () => {
  const config = configFrom({ rules: '- {name: timeouts, phrase: timeout, max: 1}' });

  it('takes counts from filter aggregations, beyond 10,000', () => {
    const m = parseCheckResponse(
      config,
      PLAN,
      WINDOW,
      fakeResponse({
        total: 250_000,
        errors: 12_345,
        baselineTotal: 900_000,
        baselineErrors: 20_000,
        rules: [10_001],
        buckets: [{ at: DEPLOYED, errors: 7 }],
        messages: [
          { key: 'timeout after 3021 ms calling payments', doc_count: 8000 },
          { key: 'timeout after 2950 ms calling payments', doc_count: 4000 },
          { key: 'auth failed for user 42', doc_count: 345 },
        ],
        baselineMessages: [{ key: 'auth failed for user 7', doc_count: 3 }],
      }),
    );
    expect(m).toMatchObject({
      total: 250_000,
      errors: 12_345,
      baselineTotal: 900_000,
      baselineErrors: 20_000,
      rules: [{ name: 'timeouts', count: 10_001 }],
      timeline: { stepMinutes: 1, buckets: [{ at: DEPLOYED, errors: 7 }] },
      window: { start: DEPLOYED, end: WINDOW.end },
      baseline: { start: WINDOW.baselineStart, end: DEPLOYED },
      incomplete: null,
      messageStrategy: 'terms',
      sampled: false,
    });
    expect(m.topMessages).toEqual([
      { message: 'timeout after 3021 ms calling payments', count: 12_000 },
      { message: 'auth failed for user 42', count: 345 },
    ]);
    expect(m.baselineMessages).toEqual(['auth failed for user 7']);
  });

  it.each([
    [{ timedOut: true }, { timedOut: true, failedShards: 0 }],
    [
      { failedShards: 1 },
      { timedOut: false, failedShards: 1, totalShards: 2, reasons: ['search_exception: shard failed'] },
    ],
  ])('marks %j as incomplete', (fault, incomplete) => {
    const m = parseCheckResponse(config, PLAN, WINDOW, fakeResponse({ total: 5, ...fault }));
    expect(m.incomplete).toMatchObject(incomplete);
  });

  it('reads the level values when the plan asks for them, in the same search', () => {
    const plan = { ...PLAN, levelValues: true };
    const body = buildCheckRequest(config, plan, WINDOW).body as Body;
    expect(body.aggs.levels).toEqual({ terms: { field: 'log.level', size: 10 } });
    expect((buildCheckRequest(config, PLAN, WINDOW).body as Body).aggs.levels).toBeUndefined();
    const response = fakeResponse({ total: 5 });
    (response.aggregations as Record<string, unknown>).levels = {
      buckets: [
        { key: 'INFO', doc_count: 4 },
        { key: 'WARN', doc_count: 1 },
      ],
    };
    expect(parseCheckResponse(config, plan, WINDOW, response).levelValues).toEqual(['INFO', 'WARN']);
  });

  it('marks a cross-cluster search with a skipped remote as incomplete', () => {
    const response = {
      ...fakeResponse({ total: 5 }),
      _clusters: { total: 2, successful: 1, skipped: 1, running: 0, partial: 0, failed: 0 },
    };
    const m = parseCheckResponse(config, PLAN, WINDOW, response);
    expect(m.incomplete).toMatchObject({
      timedOut: false,
      failedShards: 0,
      reasons: ['1 remote cluster(s) skipped, partial or failed (_clusters)'],
    });
    const clean = { ...fakeResponse({ total: 5 }), _clusters: { total: 2, successful: 2, skipped: 0 } };
    expect(parseCheckResponse(config, PLAN, WINDOW, clean).incomplete).toBeNull();
  });

  it('estimates message counts from the sample of hits', () => {
    const hit = (message: string) => ({ fields: { message: [message] } });
    const response = fakeResponse({ total: 30, errors: 30 });
    (response.hits as { hits: unknown[] }).hits = [
      hit('db down 10.0.0.1'),
      hit('db down 10.0.0.2'),
      hit('oom'),
    ];
    const m = parseCheckResponse(
      config,
      { ...PLAN, messages: { kind: 'sample', field: 'message' } },
      WINDOW,
      response,
    );
    expect(m.sampled).toBe(true);
    expect(m.topMessages).toEqual([
      { message: 'db down 10.0.0.1', count: 20 },
      { message: 'oom', count: 10 },
    ]);
  });
});

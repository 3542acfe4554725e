// One search request per check, and the reading of its response. Pure.
//
// Every count comes from a filter aggregation's doc_count, which is exact at any
// size (hits.total is capped at 10,000 unless track_total_hits is true, and we set
// that too). The user's values go into term / match_phrase clauses as data; none
// is pasted into query_string syntax.
import type { Rule, VerifyConfig } from '../config/config.js';
import { plainLogText, type LogText } from './log-text.js';
import { estimateTop, type MessageCount } from './messages.js';
import type { SearchRequest } from '../ports.js';
import type { Measurement, MessageStrategy, VersionCounts } from './measurement.js';
import type { SearchPlan } from './plan.js';
import type { CheckWindow } from './window.js';

export const TOP_MESSAGES = 20;
/** How far past the check time a log's timestamp may be before it counts as stamped in the future. */
export const FUTURE_TOLERANCE_MS = 60_000;
// Messages carry ids, so most exact strings occur once: ask for many distinct
// strings and merge them by shape, rather than trust a top 20 of near-ties.
const DISTINCT_MESSAGES = 500;
/** Latest window errors returned as hits (a sample whose shares estimate counts). */
const WINDOW_SAMPLE = 500;
/** top_hits cannot return more than index.max_inner_result_window (100 by default). */
const BASELINE_SAMPLE = 100;
const MAX_TIMELINE_BUCKETS = 120;
/**
 * Samples spread over a period: the earliest errors of each of STRATA equal
 * slices, so a kind that occurred only in one quiet stretch is still seen
 * (random_sampler would be the alternative, but it samples at a probability
 * below 0.5 or not at all, and loses exactly the rare kinds at low volume).
 */
const STRATA = 20;
const PER_STRATUM = 5;
const LEVEL_VALUES = 10;
const VERSIONS = 10;
const TIMELINE_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

type Query = Record<string, unknown>;

/** Matches any of the levels whatever their case (ERROR, Error, error). */
export function levelsQuery(field: string, levels: readonly string[]): Query {
  return {
    bool: {
      should: levels.map((level) => ({ term: { [field]: { value: level, case_insensitive: true } } })),
      minimum_should_match: 1,
    },
  };
}

/** The filters naming the service under test, shared by every aggregation. */
export function scopeFilters(
  config: Pick<VerifyConfig, 'scope'>,
  plan: SearchPlan,
  { version = true }: { version?: boolean } = {},
): Query[] {
  const { scope } = config;
  const filters: Query[] = [];
  if (scope.service !== undefined) filters.push({ term: { [plan.fields.service]: scope.service } });
  if (scope.environment !== undefined)
    filters.push({ term: { [plan.fields.environment]: scope.environment } });
  if (version && scope.version !== undefined)
    filters.push({ term: { [plan.fields.version]: scope.version } });
  if (scope.extraQuery !== undefined) filters.push(scope.extraQuery);
  return filters;
}

export function ruleQuery(rule: Rule, levelField: string): Query {
  const match: Query = rule.query ?? { match_phrase: { [rule.field]: rule.phrase } };
  if (rule.levels.length === 0) return match;
  return { bool: { filter: [match, levelsQuery(levelField, rule.levels)] } };
}

function range(field: string, gte: number, end: number, inclusiveEnd: boolean): Query {
  return { range: { [field]: { gte, [inclusiveEnd ? 'lte' : 'lt']: end, format: 'epoch_millis' } } };
}

/** Timeline step: one minute unless the span needs more than MAX_TIMELINE_BUCKETS of them. */
export function timelineStepMinutes(spanMs: number): number {
  const minutes = Math.max(1, spanMs / 60_000);
  return TIMELINE_STEPS_MIN.find((step) => minutes / step <= MAX_TIMELINE_BUCKETS) ?? 1440;
}

/** The histogram's offset that puts a bucket edge on the deploy (0 <= offset < step). */
function deployOffsetMs(window: CheckWindow): number {
  const stepMs = timelineStepMinutes(window.end - window.baselineStart) * 60_000;
  return ((window.deployedAt % stepMs) + stepMs) % stepMs;
}

/** Where the baseline is cut in two for the A/A check: its middle, to the millisecond. */
function baselineSplit(window: CheckWindow): number {
  return Math.floor((window.baselineStart + window.deployedAt) / 2);
}

/** Earliest errors of each slice of a period (see STRATA). */
function stratifiedSample(field: string, ts: string, start: number, end: number): Query {
  const sliceSeconds = Math.max(1, Math.ceil((end - start) / STRATA / 1000));
  return {
    date_histogram: { field: ts, fixed_interval: `${sliceSeconds}s`, min_doc_count: 1 },
    aggs: {
      first: { top_hits: { size: PER_STRATUM, _source: false, fields: [field], sort: [{ [ts]: 'asc' }] } },
    },
  };
}

/** Message aggregations; a text-only field has none in the window (the hits sample covers it). */
function messageAggs(
  strategy: MessageStrategy,
  ts: string,
  inWindow: boolean,
  period: { start: number; end: number },
): Query {
  switch (strategy.kind) {
    case 'templates': {
      const spread = { spread: stratifiedSample(strategy.field, ts, period.start, period.end) };
      if (inWindow) return spread;
      return {
        ...spread,
        messages: {
          top_hits: {
            size: BASELINE_SAMPLE,
            _source: false,
            fields: [strategy.field],
            sort: [{ [ts]: 'desc' }],
          },
        },
      };
    }
    case 'terms':
      return { messages: { terms: { field: strategy.field, size: DISTINCT_MESSAGES } } };
    case 'sample':
      if (inWindow) return {};
      return {
        messages: {
          top_hits: {
            size: BASELINE_SAMPLE,
            _source: false,
            fields: [strategy.field],
            sort: [{ [ts]: 'desc' }],
          },
        },
      };
  }
}

function withAggs(filter: Query, aggs: Query): Query {
  return Object.keys(aggs).length > 0 ? { filter, aggs } : { filter };
}

/**
 * The search for one check. `messages` adds the top error messages, the one
 * costly part (a terms aggregation over a high-cardinality field): the watch asks
 * for them only where they are used, not on every check.
 */
export function buildCheckRequest(
  config: Pick<VerifyConfig, 'connection' | 'scope' | 'judgement'>,
  plan: SearchPlan,
  window: CheckWindow,
  { messages = true, checkedAt }: { messages?: boolean; checkedAt?: number } = {},
): SearchRequest {
  const { scope, judgement } = config;
  const ts = plan.fields.timestamp;
  const errors = levelsQuery(plan.fields.level, scope.levels);
  const hasBaseline = window.baselineStart < window.deployedAt;

  // Logs that carry the level field at all: a new version that logs its level elsewhere has
  // errors no level filter counts (an exists query: doc values or the index, as with logsdb).
  const leveled = { filter: { exists: { field: plan.fields.level } } };
  const windowAggs: Query = {
    errors: withAggs(
      errors,
      messages ? messageAggs(plan.messages, ts, true, { start: window.deployedAt, end: window.end }) : {},
    ),
    leveled,
  };
  judgement.rules.forEach((rule, i) => {
    windowAggs[`rule_${i}`] = { filter: ruleQuery(rule, plan.fields.level) };
  });

  const aggs: Query = {
    window: { filter: range(ts, window.deployedAt, window.end, true), aggs: windowAggs },
    timeline: {
      filter: errors,
      aggs: {
        per_step: {
          date_histogram: {
            field: ts,
            fixed_interval: `${timelineStepMinutes(window.end - window.baselineStart)}m`,
            // Bucket edges on the deploy: no bucket mixes minutes before and after it, so the
            // chart's first bar after the deploy is the window's rate, not half the baseline's.
            offset: `${deployOffsetMs(window)}ms`,
            min_doc_count: 0,
            // Zero-filled from the baseline start to the window end, so quiet minutes show as 0.
            extended_bounds: { min: window.baselineStart, max: Math.max(window.end, window.baselineStart) },
          },
        },
      },
    },
  };
  if (checkedAt !== undefined) {
    // Logs stamped after the check time (a clock ahead) fall in no window, ever: counted apart,
    // outside the query's time range (`global`), in the same scope. A range on the timestamp:
    // cheap, and the same on data streams and logsdb.
    aggs.future = {
      global: {},
      aggs: {
        scoped: {
          filter: {
            bool: {
              filter: [
                { range: { [ts]: { gt: checkedAt + FUTURE_TOLERANCE_MS, format: 'epoch_millis' } } },
                ...scopeFilters(config, plan),
              ],
            },
          },
          aggs: { errors: { filter: errors }, latest: { max: { field: ts } } },
        },
      },
    };
  }
  if (plan.levelValues) aggs.levels = { terms: { field: plan.fields.level, size: LEVEL_VALUES } };
  if (plan.versionValues && judgement.thresholds.maxIncrease !== undefined) {
    // Every version in the same minutes, for the canary comparison: `global`
    // steps outside the query's version filter, then the same scope applies.
    const versions = { terms: { field: plan.fields.version, size: VERSIONS } };
    aggs.versions = {
      global: {},
      aggs: {
        scoped: {
          filter: {
            bool: {
              filter: [
                range(ts, window.baselineStart, Math.max(window.end, window.baselineStart), true),
                ...scopeFilters(config, plan, { version: false }),
              ],
            },
          },
          aggs: {
            window: {
              filter: range(ts, window.deployedAt, window.end, true),
              aggs: { by: { ...versions, aggs: { errors: { filter: errors } } } },
            },
            ...(hasBaseline
              ? {
                  baseline: {
                    filter: range(ts, window.baselineStart, window.deployedAt, false),
                    aggs: { by: versions },
                  },
                }
              : {}),
          },
        },
      },
    };
  }
  if (hasBaseline) {
    const splitAt = baselineSplit(window);
    aggs.baseline = {
      filter: range(ts, window.baselineStart, window.deployedAt, false),
      aggs: {
        // The baseline's two halves, for the A/A check (judge/aa-check.ts): the same rate test
        // between them as between the baseline and the window.
        halves: {
          range: {
            field: ts,
            ranges: [
              { from: window.baselineStart, to: splitAt },
              { from: splitAt, to: window.deployedAt },
            ],
          },
          aggs: { errors: { filter: errors } },
        },
        errors: withAggs(
          errors,
          messages
            ? messageAggs(plan.messages, ts, false, { start: window.baselineStart, end: window.deployedAt })
            : {},
        ),
        leveled,
      },
    };
  }

  // The hits are a sample of the latest errors in the window (post_filter narrows
  // the hits, not the aggregations).
  const sample = messages
    ? {
        size: WINDOW_SAMPLE,
        post_filter: { bool: { filter: [range(ts, window.deployedAt, window.end, true), errors] } },
        sort: [{ [ts]: 'desc' }],
        _source: false,
        fields: [scope.fields.message],
      }
    : { size: 0 };

  return {
    index: scope.index,
    params: { allow_no_indices: false, ignore_unavailable: false },
    body: {
      ...sample,
      track_total_hits: true,
      // Let the server stop before the client gives up, so a slow query comes back
      // as timed_out (inconclusive) rather than as a transport error.
      timeout: `${Math.max(1, Math.floor((config.connection.requestTimeoutMs * 0.8) / 1000))}s`,
      query: {
        bool: {
          filter: [
            range(ts, window.baselineStart, Math.max(window.end, window.baselineStart), true),
            ...scopeFilters(config, plan),
          ],
        },
      },
      aggs,
    },
  };
}

interface Bucket {
  doc_count?: number;
  [key: string]: unknown;
}

/**
 * Reads a check's response. Every text taken from it (messages, level and version values,
 * shard failure reasons) goes through `text` (log-text.ts: scrubbed and capped) on its way in.
 */
export function parseCheckResponse(
  config: Pick<VerifyConfig, 'scope' | 'judgement'>,
  plan: SearchPlan,
  window: CheckWindow,
  response: Record<string, unknown>,
  {
    messages = true,
    text = plainLogText,
    checkedAt,
  }: { messages?: boolean; text?: LogText; checkedAt?: number } = {},
): Measurement {
  const aggs = (response.aggregations ?? {}) as Record<string, Bucket>;
  const win = aggs.window ?? {};
  const base = aggs.baseline;
  const errorsBucket = (win.errors ?? {}) as Bucket;
  const baseErrors = (base?.errors ?? {}) as Bucket;
  const shards = (response._shards ?? {}) as {
    total?: number;
    failed?: number;
    failures?: { reason?: { reason?: string; type?: string } }[];
  };
  const timedOut = response.timed_out === true;
  const failedShards = shards.failed ?? 0;
  // A cross-cluster pattern (remote:logs-*) skips an unreachable remote with
  // skip_unavailable and reports it only here, with no shard failure.
  const clusters = (response._clusters ?? {}) as { skipped?: number; partial?: number; failed?: number };
  const missingClusters = (clusters.skipped ?? 0) + (clusters.partial ?? 0) + (clusters.failed ?? 0);
  const reasons = [
    ...new Set(
      (shards.failures ?? []).map((f) => text([f.reason?.type, f.reason?.reason].filter(Boolean).join(': '))),
    ),
    ...(missingClusters > 0
      ? [`${missingClusters} remote cluster(s) skipped, partial or failed (_clusters)`]
      : []),
  ].slice(0, 5);

  const closed = plan.closedIndices ?? [];
  const exact = readMessages(plan.messages, errorsBucket, text);
  const sample = readSample(response, config.scope.fields.message, text);
  const baseline_ = readMessages(plan.messages, baseErrors, text);
  const errorCount = errorsBucket.doc_count ?? 0;
  const stepMinutes = timelineStepMinutes(window.end - window.baselineStart);
  const histogram = ((aggs.timeline as Bucket | undefined)?.per_step ?? {}) as {
    buckets?: { key: number; doc_count: number }[];
  };

  return {
    window: { start: window.deployedAt, end: window.end },
    baseline:
      window.baselineStart < window.deployedAt
        ? { start: window.baselineStart, end: window.deployedAt }
        : null,
    total: win.doc_count ?? 0,
    errors: errorCount,
    baselineTotal: base?.doc_count ?? 0,
    baselineErrors: baseErrors.doc_count ?? 0,
    leveled: (win.leveled as Bucket | undefined)?.doc_count ?? 0,
    baselineLeveled: (base?.leveled as Bucket | undefined)?.doc_count ?? 0,
    ...(base?.halves ? { baselineHalves: readHalves(base.halves as Bucket, baselineSplit(window)) } : {}),
    rules: config.judgement.rules.map((rule, i) => {
      const unmeasured = plan.unmeasuredRules?.[rule.name];
      return {
        name: rule.name,
        count: (win[`rule_${i}`] as Bucket | undefined)?.doc_count ?? 0,
        ...(unmeasured ? { unmeasured } : {}),
      };
    }),
    timeline: {
      stepMinutes,
      buckets: (histogram.buckets ?? []).map((b) => ({ at: b.key, errors: b.doc_count })),
    },
    // Templates are counted by a second search (template-query.ts), which fills these in.
    topMessages:
      messages && plan.messages.kind !== 'templates'
        ? estimateTop(exact, sample, errorCount).slice(0, TOP_MESSAGES)
        : [],
    baselineMessages: baseline_.map((m) => m.message),
    samples:
      messages && plan.messages.kind === 'templates'
        ? {
            window: [...sample, ...readSpread(errorsBucket, plan.messages.field, text)],
            baseline: [
              ...baseline_.map((m) => m.message),
              ...readSpread(baseErrors, plan.messages.field, text),
            ],
            baselineHalves: readSpreadHalves(baseErrors, plan.messages.field, text, baselineSplit(window)),
          }
        : null,
    templates: null,
    messageStrategy: plan.messages.kind,
    messagesIncluded: messages,
    // Estimates from a sample, or from terms that left errors out; templates are then counted exactly.
    sampled: plan.messages.kind === 'sample' || (plan.messages.kind === 'terms' && coversPart(errorsBucket)),
    ...(checkedAt !== undefined && aggs.future ? { future: readFuture(aggs.future, checkedAt) } : {}),
    ...(aggs.levels ? { levelValues: readLevels(aggs.levels, text) } : {}),
    ...(aggs.versions ? { versions: readVersions(aggs.versions, text) } : {}),
    incomplete:
      timedOut || failedShards > 0 || missingClusters > 0 || closed.length > 0
        ? {
            timedOut,
            failedShards,
            totalShards: shards.total ?? 0,
            reasons,
            ...(closed.length > 0 ? { closedIndices: closed } : {}),
          }
        : null,
    tookMs: typeof response.took === 'number' ? response.took : 0,
  };
}

function readFuture(bucket: Bucket, checkedAt: number): NonNullable<Measurement['future']> {
  const scoped = (bucket.scoped ?? {}) as {
    doc_count?: number;
    errors?: { doc_count?: number };
    latest?: { value?: number | null };
  };
  const latest = scoped.latest?.value;
  return {
    after: checkedAt + FUTURE_TOLERANCE_MS,
    total: scoped.doc_count ?? 0,
    errors: scoped.errors?.doc_count ?? 0,
    latest: typeof latest === 'number' ? latest : null,
  };
}

function readVersions(bucket: Bucket, text: LogText): VersionCounts[] {
  type Terms = { buckets?: { key: unknown; doc_count: number; errors?: { doc_count?: number } }[] };
  const scoped = (bucket.scoped ?? {}) as Record<string, { by?: Terms }>;
  const before = new Set((scoped.baseline?.by?.buckets ?? []).map((b) => text(String(b.key))));
  return (scoped.window?.by?.buckets ?? []).map((b) => ({
    version: text(String(b.key)),
    total: b.doc_count,
    errors: b.errors?.doc_count ?? 0,
    inBaseline: before.has(text(String(b.key))),
  }));
}

function readLevels(bucket: Bucket, text: LogText): string[] {
  const buckets = (bucket as { buckets?: { key: unknown }[] }).buckets ?? [];
  return buckets.map((b) => text(String(b.key)));
}

/** Whether the message buckets left some errors out (terms' sum_other_doc_count). */
function coversPart(bucket: Bucket): boolean {
  const agg = bucket.messages as { sum_other_doc_count?: number } | undefined;
  return (agg?.sum_other_doc_count ?? 0) > 0;
}

type Hit = { fields?: Record<string, unknown[]> };

/** The field's (first) string value of each hit that has one, as kept (scrubbed, capped). */
function hitValues(hits: readonly Hit[], field: string, text: LogText): string[] {
  return hits.flatMap((hit) => {
    const v = hit.fields?.[field];
    return Array.isArray(v) && typeof v[0] === 'string' ? [text(v[0])] : [];
  });
}

/** The message of each hit (the latest window errors). */
function readSample(response: Record<string, unknown>, field: string, text: LogText): string[] {
  return hitValues((response.hits as { hits?: Hit[] } | undefined)?.hits ?? [], field, text);
}

/** The stratified sample's lines (see stratifiedSample). */
/** The baseline's spread sample cut at `splitAt`: each slice falls in the half its start is in. */
function readSpreadHalves(
  bucket: Bucket,
  field: string,
  text: LogText,
  splitAt: number,
): { first: string[]; second: string[] } {
  const slices =
    (bucket.spread as { buckets?: { key?: number; first?: { hits?: { hits?: Hit[] } } }[] } | undefined)
      ?.buckets ?? [];
  const lines = (half: typeof slices) =>
    half.flatMap((slice) => hitValues(slice.first?.hits?.hits ?? [], field, text));
  return {
    first: lines(slices.filter((s) => (s.key ?? 0) < splitAt)),
    second: lines(slices.filter((s) => (s.key ?? 0) >= splitAt)),
  };
}

function readHalves(agg: Bucket, splitAt: number): NonNullable<Measurement['baselineHalves']> {
  const [first, second] = ((agg as { buckets?: Bucket[] }).buckets ?? []).map((b) => ({
    total: b.doc_count ?? 0,
    errors: ((b.errors as Bucket | undefined)?.doc_count ?? 0) as number,
  }));
  return { splitAt, first: first ?? { total: 0, errors: 0 }, second: second ?? { total: 0, errors: 0 } };
}

function readSpread(bucket: Bucket, field: string, text: LogText): string[] {
  const slices = (bucket.spread as { buckets?: { first?: { hits?: { hits?: Hit[] } } }[] } | undefined)
    ?.buckets;
  return (slices ?? []).flatMap((slice) => hitValues(slice.first?.hits?.hits ?? [], field, text));
}

function readMessages(strategy: MessageStrategy, bucket: Bucket, text: LogText): MessageCount[] {
  const agg = bucket.messages as
    | {
        buckets?: { key: unknown; doc_count: number }[];
        hits?: { hits?: Hit[] };
      }
    | undefined;
  if (!agg) return [];
  if (strategy.kind === 'sample' || strategy.kind === 'templates') {
    return hitValues(agg.hits?.hits ?? [], strategy.field, text).map((message) => ({ message, count: 1 }));
  }
  return (agg.buckets ?? []).map((b) => ({ message: text(String(b.key)), count: b.doc_count }));
}

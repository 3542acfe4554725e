// The second round trip of a check with messages: each mined window kind counted
// exactly (filters of match_phrase on its constant runs over every error of the
// window, not the sample), and each candidate new kind confirmed against the
// whole baseline period and the lookback before it (new-kind-evidence.ts). One
// search for all of them. Pure.
import type { VerifyConfig } from '../config/config.js';
import { containsPhrases } from '../../log-templates/index.js';
import {
  isNew,
  mineErrorTemplates,
  type ErrorTemplate,
  type MinedErrors,
  type NewCandidate,
} from './error-templates.js';
import { judgeNewKind } from './new-kind-evidence.js';
import { miningText } from './log-text.js';
import { levelsQuery, scopeFilters, TOP_MESSAGES } from './query.js';
import type { SearchRequest } from '../ports.js';
import type { Measurement, NewError, TemplateFindings } from './measurement.js';
import type { SearchPlan } from './plan.js';
import type { CheckWindow } from './window.js';

type Query = Record<string, unknown>;

function phrasesQuery(field: string, phrases: readonly string[]): Query {
  return { bool: { filter: phrases.map((p) => ({ match_phrase: { [field]: p } })) } };
}

const range = (field: string, gte: number, end: number, inclusiveEnd: boolean): Query => ({
  range: { [field]: { gte, [inclusiveEnd ? 'lte' : 'lt']: end, format: 'epoch_millis' } },
});

/**
 * The query for one kind: its phrases, less the kinds shown whose lines also
 * hold them (a longer template of the same words), so the counts do not overlap.
 */
function kindQueries(field: string, kinds: readonly ErrorTemplate[]): (Query | null)[] {
  return kinds.map((kind, i) => {
    if (kind.phrases.length === 0) return null;
    const narrower = kinds.filter(
      (other, j) =>
        j !== i &&
        other.phrases.length > 0 &&
        other.template !== kind.template &&
        containsPhrases(other.example, kind.phrases) &&
        !containsPhrases(kind.example, other.phrases),
    );
    const query = phrasesQuery(field, kind.phrases);
    if (narrower.length === 0) return query;
    return {
      bool: {
        filter: (query.bool as { filter: Query[] }).filter,
        must_not: narrower.map((o) => phrasesQuery(field, o.phrases)),
      },
    };
  });
}

const keyed = (queries: readonly (Query | null)[], prefix: string): Record<string, Query> =>
  Object.fromEntries(queries.flatMap((q, i) => (q ? [[`${prefix}${i}`, q]] : [])));

/** Where the lookback before the baseline starts (== baselineStart: no lookback). */
function lookbackStart(config: Pick<VerifyConfig, 'judgement'>, window: CheckWindow): number {
  return window.baselineStart - config.judgement.thresholds.newErrorLookbackMs;
}

/** The counting and confirming search, or null when the samples held no error. */
function buildTemplateRequest(
  config: Pick<VerifyConfig, 'connection' | 'scope' | 'judgement'>,
  plan: SearchPlan,
  window: CheckWindow,
  mined: MinedErrors,
): SearchRequest | null {
  if (mined.kinds.length === 0 && mined.candidates.length === 0) return null;
  const ts = plan.fields.timestamp;
  const field = config.scope.fields.message;
  const kinds = kindQueries(field, mined.kinds);
  const candidates = mined.candidates.map((c) => (c.phrases.length ? phrasesQuery(field, c.phrases) : null));
  const windowAggs: Query = {
    unmatched: {
      filter: {
        bool: { must_not: kinds.filter((q): q is Query => q !== null).map((q) => stripNarrower(q)) },
      },
    },
  };
  if (Object.keys(keyed(kinds, 'k')).length) windowAggs.kinds = { filters: { filters: keyed(kinds, 'k') } };
  if (Object.keys(keyed(candidates, 'c')).length) {
    windowAggs.candidates = {
      filters: { filters: keyed(candidates, 'c') },
      aggs: { first: { min: { field: ts } } },
    };
  }
  const aggs: Query = {
    window: { filter: range(ts, window.deployedAt, window.end, true), aggs: windowAggs },
  };
  const hasBaseline = window.baselineStart < window.deployedAt;
  if (hasBaseline && mined.candidates.length > 0) {
    const variant = (pick: (v: NonNullable<NewCandidate['variant']>) => string[]) =>
      keyed(
        mined.candidates.map((c) =>
          c.variant && pick(c.variant).length ? phrasesQuery(field, pick(c.variant)) : null,
        ),
        'c',
      );
    const baselineAggs: Query = {};
    if (Object.keys(keyed(candidates, 'c')).length)
      baselineAggs.own = { filters: { filters: keyed(candidates, 'c') } };
    const base = variant((v) => v.basePhrases);
    const general = variant((v) => v.generalPhrases);
    if (Object.keys(base).length) baselineAggs.base = { filters: { filters: base } };
    if (Object.keys(general).length) baselineAggs.general = { filters: { filters: general } };
    aggs.baseline = { filter: range(ts, window.baselineStart, window.deployedAt, false), aggs: baselineAggs };
  }
  // The lookback: candidates logged there are known kinds, and its oldest error says how much
  // quiet before the deploy the chance test may count (the index may hold less than asked).
  const lookback = lookbackStart(config, window);
  const withLookback = hasBaseline && mined.candidates.length > 0 && lookback < window.baselineStart;
  if (withLookback) {
    const lookbackAggs: Query = { earliest: { min: { field: ts } } };
    if (Object.keys(keyed(candidates, 'c')).length)
      lookbackAggs.own = { filters: { filters: keyed(candidates, 'c') } };
    aggs.lookback = { filter: range(ts, lookback, window.baselineStart, false), aggs: lookbackAggs };
  }
  return {
    index: config.scope.index,
    params: { allow_no_indices: false, ignore_unavailable: false },
    body: {
      size: 0,
      track_total_hits: false,
      timeout: `${Math.max(1, Math.floor((config.connection.requestTimeoutMs * 0.8) / 1000))}s`,
      query: {
        bool: {
          filter: [
            range(
              ts,
              withLookback ? lookback : hasBaseline ? window.baselineStart : window.deployedAt,
              Math.max(window.end, window.baselineStart),
              true,
            ),
            ...scopeFilters(config, plan),
            levelsQuery(plan.fields.level, config.scope.levels),
          ],
        },
      },
      aggs,
    },
  };
}

/** A kind's own phrases (for "matches no kind", the narrower kinds must not be excluded). */
function stripNarrower(query: Query): Query {
  const bool = query.bool as { filter: Query[]; must_not?: Query[] };
  return bool.must_not ? { bool: { filter: bool.filter } } : query;
}

type Buckets = Record<string, { doc_count?: number; first?: { value?: number | null } }>;

function buckets(agg: unknown): Buckets {
  return ((agg as { buckets?: Buckets } | undefined)?.buckets ?? {}) as Buckets;
}

/** Reads the counting search; without one (no errors sampled) everything is empty. */
function readTemplateResponse(
  config: Pick<VerifyConfig, 'judgement'>,
  window: CheckWindow,
  m: Pick<Measurement, 'baselineTotal'>,
  mined: MinedErrors,
  response: Record<string, unknown> | null,
): TemplateFindings {
  const aggs = (response?.aggregations ?? {}) as Record<string, Record<string, unknown>>;
  const win = aggs.window ?? {};
  const base = aggs.baseline ?? {};
  const kinds = buckets(win.kinds);
  const inWindow = buckets(win.candidates);
  const own = buckets(base.own);
  const baseOf = buckets(base.base);
  const generalOf = buckets(base.general);
  const earlier = aggs.lookback ?? {};
  const ownEarlier = buckets(earlier.own);
  const earliest = (earlier.earliest as { value?: number | null } | undefined)?.value;
  // Time observed before the deploy: the baseline when it held logs, and the lookback back to its
  // oldest error (none there: no credit, so a quiet history never makes a kind look rarer).
  const priorMs =
    (m.baselineTotal > 0 ? window.deployedAt - window.baselineStart : 0) +
    (typeof earliest === 'number'
      ? Math.max(0, window.baselineStart - Math.max(earliest, lookbackStart(config, window)))
      : 0);
  const unjudged: NewError[] = [];
  const top = mined.kinds
    .map((k, i) => ({
      template: k.template,
      message: k.example,
      count: kinds[`k${i}`]?.doc_count ?? k.windowSample,
    }))
    .sort((a, b) => b.count - a.count);
  const newErrors: NewError[] = [];
  if (response && aggs.baseline) {
    mined.candidates.forEach((c, i) => {
      const key = `c${i}`;
      const counts = {
        own: own[key]?.doc_count ?? 1,
        ...(c.variant ? { base: baseOf[key]?.doc_count, general: generalOf[key]?.doc_count } : {}),
      } as { own: number; base?: number; general?: number };
      if (!isNew(c, counts)) return;
      const first = inWindow[key]?.first?.value;
      const count = inWindow[key]?.doc_count ?? c.windowSample;
      const verdict = judgeNewKind({
        windowCount: count,
        lookbackCount: ownEarlier[key]?.doc_count ?? 0,
        windowMs: Math.max(0, window.end - window.deployedAt),
        priorMs,
        confidence: config.judgement.thresholds.confidence,
      });
      if (verdict.kind === 'seen-before') return;
      (verdict.kind === 'new' ? newErrors : unjudged).push({
        template: c.template,
        message: c.example,
        count,
        firstSeen: typeof first === 'number' ? first : null,
        variantOf: c.variant ? c.variant.baseTemplate : null,
        chance: verdict.pValue,
      });
    });
  }
  return {
    top,
    newErrors: newErrors.sort((a, b) => b.count - a.count),
    unjudged: unjudged.sort((a, b) => b.count - a.count),
    unmatched: (win.unmatched as { doc_count?: number } | undefined)?.doc_count ?? 0,
    uncountable: mined.kinds.filter((k) => k.phrases.length === 0).length,
  };
}

/**
 * Mines the measurement's samples and counts the kinds in one more search,
 * filling in its top messages and template findings. Returns the searches made
 * (0 when no error was sampled). A search error propagates: the caller decides
 * what an unmeasured check means.
 */
export async function countTemplates(
  search: (request: SearchRequest) => Promise<Record<string, unknown>>,
  config: Pick<VerifyConfig, 'connection' | 'scope' | 'judgement'>,
  plan: SearchPlan,
  window: CheckWindow,
  m: Measurement,
): Promise<number> {
  if (!m.samples) return 0;
  // The miner reads the kept lines without cap marks and with scrubbed parts as wildcards, so
  // the phrases match the lines as the index holds them; the kinds show the kept lines.
  const kept = new Map<string, string>();
  const view = (lines: readonly string[]) =>
    lines.map((line) => {
      const seen = miningText(line);
      if (!kept.has(seen)) kept.set(seen, line);
      return seen;
    });
  const mined = mineErrorTemplates(view(m.samples.baseline), view(m.samples.window));
  const request = buildTemplateRequest(config, plan, window, mined);
  const response = request ? await search(request) : null;
  const read = readTemplateResponse(config, window, m, mined, response);
  const shown = (line: string) => kept.get(line) ?? line;
  const findings: TemplateFindings = {
    ...read,
    top: read.top.map((t) => ({ ...t, message: shown(t.message) })),
    newErrors: read.newErrors.map((e) => ({ ...e, message: shown(e.message) })),
    unjudged: read.unjudged.map((e) => ({ ...e, message: shown(e.message) })),
  };
  m.templates = findings;
  m.topMessages = findings.top.slice(0, TOP_MESSAGES).map((t) => ({
    message: t.message,
    count: t.count,
    template: t.template,
  }));
  m.sampled = false;
  if (
    response &&
    (response.timed_out === true || ((response._shards as { failed?: number })?.failed ?? 0) > 0)
  ) {
    m.incomplete ??= {
      timedOut: response.timed_out === true,
      failedShards: 0,
      totalShards: 0,
      reasons: ['the template counts are incomplete'],
    };
  }
  return request ? 1 : 0;
}

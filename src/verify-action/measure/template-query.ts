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
import { judgeNewKinds } from './new-kind-evidence.js';
import { miningText } from './log-text.js';
import { levelsQuery, scopeFilters, TOP_MESSAGES } from './query.js';
import type { SearchRequest } from '../ports.js';
import type { Measurement, NewError, TemplateFindings } from './measurement.js';
import type { SearchPlan } from './plan.js';
import type { CheckWindow } from './window.js';

type Query = Record<string, unknown>;

/** How a kind's constant parts are searched for: the strategy's field and way of matching. */
interface Matcher {
  field: string;
  match: 'phrase' | 'words-in-order';
}

/** `*`, `?` and `\` are the wildcard query's own syntax: escaped, they match themselves. */
const escapeWildcard = (text: string) => text.replace(/[\\*?]/g, (c) => `\\${c}`);

/**
 * Every phrase, as match_phrase on a text field; on a keyword the whole value is one term, so a
 * phrase becomes a wildcard query of its words in order (`*could*not*connect*`), which also
 * holds where the line had other spaces between them. A leading wildcard scans the field's terms:
 * a cluster with search.allow_expensive_queries false refuses it, and the check says so.
 */
function phrasesQuery(matcher: Matcher, phrases: readonly string[]): Query {
  const { field, match } = matcher;
  return {
    bool: {
      filter: phrases.map((p) =>
        match === 'phrase'
          ? { match_phrase: { [field]: p } }
          : {
              wildcard: {
                [field]: { value: `*${p.split(/\s+/).filter(Boolean).map(escapeWildcard).join('*')}*` },
              },
            },
      ),
    },
  };
}

const range = (field: string, gte: number, end: number, inclusiveEnd: boolean): Query => ({
  range: { [field]: { gte, [inclusiveEnd ? 'lte' : 'lt']: end, format: 'epoch_millis' } },
});

/**
 * The query for one kind: its phrases, less the kinds shown whose lines also
 * hold them (a longer template of the same words), so the counts do not overlap.
 */
function kindQueries(field: Matcher, kinds: readonly ErrorTemplate[]): (Query | null)[] {
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

/** A filters aggregation over keyed queries, or nothing when there are none. */
function filtersOf(queries: Record<string, Query>, aggs?: Query): Query | null {
  if (Object.keys(queries).length === 0) return null;
  return { filters: { filters: queries }, ...(aggs ? { aggs } : {}) };
}

/** Non-empty aggregations only. */
function present(aggs: Record<string, Query | null>): Query {
  return Object.fromEntries(Object.entries(aggs).filter(([, a]) => a !== null));
}

/**
 * The candidates' queries, keyed by `prefix` and index: their own phrases, and for a variant the
 * phrases of the known kind it joined and of that kind generalized where it differs.
 */
function candidateQueries(field: Matcher, candidates: readonly NewCandidate[], prefix: string) {
  const variant = (pick: (v: NonNullable<NewCandidate['variant']>) => string[]) =>
    keyed(
      candidates.map((c) =>
        c.variant && pick(c.variant).length ? phrasesQuery(field, pick(c.variant)) : null,
      ),
      prefix,
    );
  return {
    own: keyed(
      candidates.map((c) => (c.phrases.length ? phrasesQuery(field, c.phrases) : null)),
      prefix,
    ),
    base: variant((v) => v.basePhrases),
    general: variant((v) => v.generalPhrases),
  };
}

/** Where candidates are counted ("after" the cut), with their first time. */
function afterAggs(
  field: Matcher,
  ts: string,
  candidates: readonly NewCandidate[],
  prefix: string,
  after: Query,
): Query {
  const { own } = candidateQueries(field, candidates, prefix);
  return { filter: after, aggs: present({ candidates: filtersOf(own, { first: { min: { field: ts } } }) }) };
}

/**
 * Where candidates must be absent ("before" the cut), with the variant counts. The real judgement
 * is the window against the baseline; the A/A one is the baseline's second half against its first.
 */
function beforeAggs(
  field: Matcher,
  candidates: readonly NewCandidate[],
  prefix: string,
  before: Query,
): Query {
  const q = candidateQueries(field, candidates, prefix);
  return {
    filter: before,
    aggs: present({ own: filtersOf(q.own), base: filtersOf(q.base), general: filtersOf(q.general) }),
  };
}

/** The counting and confirming search, or null when the samples held no error. */
function buildTemplateRequest(
  config: Pick<VerifyConfig, 'connection' | 'scope' | 'judgement'>,
  plan: SearchPlan,
  window: CheckWindow,
  mined: MinedErrors,
  aa: { mined: MinedErrors; splitAt: number } | null,
): SearchRequest | null {
  if (mined.kinds.length === 0 && mined.candidates.length === 0) return null;
  const ts = plan.fields.timestamp;
  const field: Matcher =
    plan.messages.kind === 'templates'
      ? { field: plan.messages.field, match: plan.messages.match }
      : { field: config.scope.fields.message, match: 'phrase' };
  const kinds = kindQueries(field, mined.kinds);
  const own = candidateQueries(field, mined.candidates, 'c').own;
  const windowAggs: Query = present({
    unmatched: {
      filter: {
        bool: { must_not: kinds.filter((q): q is Query => q !== null).map((q) => stripNarrower(q)) },
      },
    },
    kinds: filtersOf(keyed(kinds, 'k')),
    candidates: filtersOf(own, { first: { min: { field: ts } } }),
  });
  const aggs: Query = {
    window: { filter: range(ts, window.deployedAt, window.end, true), aggs: windowAggs },
  };
  const hasBaseline = window.baselineStart < window.deployedAt;
  if (hasBaseline && mined.candidates.length > 0)
    aggs.baseline = beforeAggs(
      field,
      mined.candidates,
      'c',
      range(ts, window.baselineStart, window.deployedAt, false),
    );
  // A/A: the same judgement between the baseline's halves, in the same search.
  const aaCandidates = hasBaseline && aa ? aa.mined.candidates : [];
  if (aa && aaCandidates.length > 0) {
    aggs.aa_after = afterAggs(field, ts, aaCandidates, 'a', range(ts, aa.splitAt, window.deployedAt, false));
    aggs.aa_before = beforeAggs(field, aaCandidates, 'a', range(ts, window.baselineStart, aa.splitAt, false));
  }
  // The lookback: candidates logged there are known kinds, and its oldest error says how much
  // quiet before the deploy the chance test may count (the index may hold less than asked).
  const lookback = lookbackStart(config, window);
  const withLookback =
    hasBaseline && mined.candidates.length + aaCandidates.length > 0 && lookback < window.baselineStart;
  if (withLookback) {
    aggs.lookback = {
      filter: range(ts, lookback, window.baselineStart, false),
      aggs: present({
        earliest: { min: { field: ts } },
        own: filtersOf(own),
        aa_own: filtersOf(candidateQueries(field, aaCandidates, 'a').own),
      }),
    };
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

/** Where one judgement's counts are in the response. */
interface JudgementCounts {
  after: Buckets;
  own: Buckets;
  base: Buckets;
  general: Buckets;
  lookback: Buckets;
}

/**
 * The candidates that are new, and those never logged before but too few to tell from chance:
 * (a) and (b) by isNew on the "before" counts, (c) and (d) by judgeNewKind.
 */
function confirm(
  candidates: readonly NewCandidate[],
  /** Every window kind the judgement looked at: the family of hypotheses (Holm). */
  family: number,
  prefix: string,
  counts: JudgementCounts,
  exposure: { afterMs: number; priorMs: number; confidence: number },
): { newErrors: NewError[]; unjudged: NewError[] } {
  const newErrors: NewError[] = [];
  const unjudged: NewError[] = [];
  // (a) and (b) first; the rest are judged together (Holm), so first gather their evidence.
  const open = candidates.flatMap((c, i) => {
    const key = `${prefix}${i}`;
    const before = {
      own: counts.own[key]?.doc_count ?? 1,
      ...(c.variant ? { base: counts.base[key]?.doc_count, general: counts.general[key]?.doc_count } : {}),
    } as { own: number; base?: number; general?: number };
    if (!isNew(c, before)) return [];
    const first = counts.after[key]?.first?.value;
    const count = counts.after[key]?.doc_count ?? c.windowSample;
    return [{ c, key, count, first: typeof first === 'number' ? first : null }];
  });
  const verdicts = judgeNewKinds(
    open.map(({ key, count }) => ({
      windowCount: count,
      lookbackCount: counts.lookback[key]?.doc_count ?? 0,
      windowMs: exposure.afterMs,
      priorMs: exposure.priorMs,
      confidence: exposure.confidence,
    })),
    family,
  );
  open.forEach(({ c, count, first }, i) => {
    const verdict = verdicts[i]!;
    if (verdict.kind === 'seen-before') return;
    (verdict.kind === 'new' ? newErrors : unjudged).push({
      template: c.template,
      message: c.example,
      count,
      firstSeen: first,
      variantOf: c.variant ? c.variant.baseTemplate : null,
      chance: verdict.pValue,
    });
  });
  const byCount = (a: NewError, b: NewError) => b.count - a.count;
  return { newErrors: newErrors.sort(byCount), unjudged: unjudged.sort(byCount) };
}

/** Reads the counting search; without one (no errors sampled) everything is empty. */
function readTemplateResponse(
  config: Pick<VerifyConfig, 'judgement'>,
  window: CheckWindow,
  m: Pick<Measurement, 'baselineTotal' | 'baselineHalves'>,
  mined: MinedErrors,
  aa: { mined: MinedErrors; splitAt: number } | null,
  response: Record<string, unknown> | null,
): TemplateFindings {
  const aggs = (response?.aggregations ?? {}) as Record<string, Record<string, unknown>>;
  const win = aggs.window ?? {};
  const base = aggs.baseline ?? {};
  const earlier = aggs.lookback ?? {};
  const kinds = buckets(win.kinds);
  const earliest = (earlier.earliest as { value?: number | null } | undefined)?.value;
  // The lookback observed: back to its oldest error (none there: no credit, so a quiet history
  // never makes a kind look rarer than the index can show).
  const lookbackMs =
    typeof earliest === 'number'
      ? Math.max(0, window.baselineStart - Math.max(earliest, lookbackStart(config, window)))
      : 0;
  const { confidence } = config.judgement.thresholds;
  const top = mined.kinds
    .map((k, i) => ({
      template: k.template,
      message: k.example,
      count: kinds[`k${i}`]?.doc_count ?? k.windowSample,
    }))
    .sort((a, b) => b.count - a.count);
  const judged =
    response && aggs.baseline
      ? confirm(
          mined.candidates,
          Math.max(mined.kinds.length, mined.candidates.length),
          'c',
          {
            after: buckets(win.candidates),
            own: buckets(base.own),
            base: buckets(base.base),
            general: buckets(base.general),
            lookback: buckets(earlier.own),
          },
          {
            afterMs: Math.max(0, window.end - window.deployedAt),
            // The baseline when it held logs, and the lookback observed.
            priorMs: (m.baselineTotal > 0 ? window.deployedAt - window.baselineStart : 0) + lookbackMs,
            confidence,
          },
        )
      : { newErrors: [], unjudged: [] };
  const aaJudged =
    response && aa && m.baselineHalves
      ? confirm(
          aa.mined.candidates,
          Math.max(aa.mined.kinds.length, aa.mined.candidates.length),
          'a',
          {
            after: buckets((aggs.aa_after ?? {}).candidates),
            own: buckets((aggs.aa_before ?? {}).own),
            base: buckets((aggs.aa_before ?? {}).base),
            general: buckets((aggs.aa_before ?? {}).general),
            lookback: buckets(earlier.aa_own),
          },
          {
            afterMs: window.deployedAt - aa.splitAt,
            priorMs: (m.baselineHalves.first.total > 0 ? aa.splitAt - window.baselineStart : 0) + lookbackMs,
            confidence,
          },
        )
      : null;
  return {
    top,
    newErrors: judged.newErrors,
    unjudged: judged.unjudged,
    unmatched: (win.unmatched as { doc_count?: number } | undefined)?.doc_count ?? 0,
    uncountable: mined.kinds.filter((k) => k.phrases.length === 0).length,
    aa: aaJudged ? { newKinds: aaJudged.newErrors, splitAt: aa!.splitAt } : null,
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
  const halves = m.samples.baselineHalves;
  const aa =
    halves && m.baselineHalves
      ? {
          mined: mineErrorTemplates(view(halves.first), view(halves.second)),
          splitAt: m.baselineHalves.splitAt,
        }
      : null;
  const request = buildTemplateRequest(config, plan, window, mined, aa);
  const response = request ? await search(request) : null;
  const read = readTemplateResponse(config, window, m, mined, aa, response);
  const shown = (line: string) => kept.get(line) ?? line;
  const findings: TemplateFindings = {
    ...read,
    top: read.top.map((t) => ({ ...t, message: shown(t.message) })),
    newErrors: read.newErrors.map((e) => ({ ...e, message: shown(e.message) })),
    unjudged: read.unjudged.map((e) => ({ ...e, message: shown(e.message) })),
    aa: read.aa
      ? { ...read.aa, newKinds: read.aa.newKinds.map((e) => ({ ...e, message: shown(e.message) })) }
      : null,
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

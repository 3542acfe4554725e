// Error messages by kind: templates mined from bounded samples of the window and
// the baseline, and which window kinds may be new. Pure: the search that counts
// each kind exactly and confirms "new" against the whole baseline is in
// template-query.ts; here only the samples are read.
import {
  covers,
  generalize,
  queryPhrases,
  similarityOf,
  TemplateMiner,
  tokenize,
  WILDCARD,
  type Template,
} from '../../log-templates/index.js';

const BASELINE = 'baseline';
const WINDOW = 'window';

/** Window kinds shown and counted at most (each costs one filter in the counting search). */
const MAX_TEMPLATES = 40;

export interface ErrorTemplate {
  /** The template, variable parts as <*>. */
  template: string;
  /** Its constant runs, as match_phrase queries (empty: nothing constant to search for). */
  phrases: string[];
  /** One real window line of the kind, as logged (untrusted text: escape before rendering). */
  example: string;
  /** Lines of the kind in the window and baseline samples. */
  windowSample: number;
  baselineSample: number;
}

/**
 * A window kind the samples did not know. `variant` is set when its lines joined
 * a baseline kind but differ from it where the baseline's lines all agreed
 * ("session opened" next to "session closed"): then it is new only if that
 * position never varies in the baseline either, which the search tells by
 * comparing the baseline count of the baseline kind with that of its
 * generalization at those positions.
 */
export interface NewCandidate extends ErrorTemplate {
  variant: {
    baseTemplate: string;
    basePhrases: string[];
    generalPhrases: string[];
    /** Positions where the variant's words differ from the known kind's. */
    differing: number;
  } | null;
}

export interface MinedErrors {
  /** Window kinds, most sampled lines first, at most MAX_TEMPLATES. */
  kinds: ErrorTemplate[];
  /** Window kinds or variants that may be new, at most MAX_TEMPLATES. */
  candidates: NewCandidate[];
}

interface Kind {
  tokens: string[];
  baseline: string[][];
  window: { line: string; tokens: string[] }[];
  first: number;
}

/** Mines the two samples together, so a window line of a known kind joins the template its baseline lines made. */
export function mineErrorTemplates(
  baseline: readonly string[],
  window: readonly string[],
  max = MAX_TEMPLATES,
): MinedErrors {
  const miner = new TemplateMiner();
  const joined: { template: Template; tokens: string[]; line: string; label: string }[] = [];
  for (const line of baseline)
    joined.push({ template: miner.add(line, BASELINE), tokens: tokenize(line), line, label: BASELINE });
  for (const line of window)
    joined.push({ template: miner.add(line, WINDOW), tokens: tokenize(line), line, label: WINDOW });
  // Templates that ended equal are one kind.
  const kinds = new Map<string, Kind>();
  joined.forEach(({ template, tokens, line, label }, i) => {
    const key = template.tokens.join(' ');
    let kind = kinds.get(key);
    if (!kind) kinds.set(key, (kind = { tokens: template.tokens, baseline: [], window: [], first: i }));
    if (label === BASELINE) kind.baseline.push(tokens);
    else kind.window.push({ line, tokens });
  });
  const all = [...kinds.values()];
  const knownKinds = all.filter((k) => k.baseline.length > 0);
  const known = knownKinds.map((k) => k.tokens);
  const inWindow = all
    .filter((k) => k.window.length > 0)
    .sort((a, b) => b.window.length - a.window.length || a.first - b.first);

  const candidates: NewCandidate[] = [];
  for (const kind of inWindow) {
    if (kind.baseline.length === 0) {
      const example = kind.window[0]!.line;
      if (known.some((k) => covers(k, example))) continue;
      // The tree routes by the first words, so a kind whose first word varies
      // ("com.apple.X: ... isn't for <*> seconds") may miss its baseline kind:
      // the nearest one of the same length, as similar as the miner requires,
      // makes it a variant, judged like one.
      const nearest = nearestKind(knownKinds, kind.tokens);
      if (nearest) candidates.push(...variants(nearest, kind.window));
      else candidates.push({ ...describe(kind.tokens, kind.window, 0), variant: null });
      continue;
    }
    candidates.push(...variants(kind, kind.window));
  }
  return {
    kinds: inWindow.slice(0, max).map((k) => describe(k.tokens, k.window, k.baseline.length)),
    candidates: candidates.sort((a, b) => b.windowSample - a.windowSample).slice(0, max),
  };
}

function describe(tokens: readonly string[], window: Kind['window'], baselineSample: number): ErrorTemplate {
  return {
    template: tokens.join(' '),
    phrases: queryPhrases(tokens),
    example: window[0]!.line,
    windowSample: window.length,
    baselineSample,
  };
}

function nearestKind(kinds: readonly Kind[], tokens: readonly string[]): Kind | null {
  let best: Kind | null = null;
  let bestSimilarity = SIMILARITY;
  for (const k of kinds) {
    const [similarity] = similarityOf(k.tokens, tokens);
    // A pairing rests on words: "boot (command <*>)" is not "halt (command <*>)" with a value changed.
    const shared = k.tokens.filter((t, i) => t !== WILDCARD && t === tokens[i]).length;
    if (shared < SHARED_WORDS) continue;
    if (similarity >= bestSimilarity && (best === null || similarity > bestSimilarity)) {
      best = k;
      bestSimilarity = similarity;
    }
  }
  return best;
}

/** Window lines of a known kind that differ from it where all its baseline lines agree, grouped by how they differ. */
function variants(kind: Kind, window: Kind['window']): NewCandidate[] {
  const base = kind.baseline.reduce((t, line) => generalize(t, line));
  const groups = new Map<string, Kind['window']>();
  for (const w of window) {
    const differs = base.map((t, i) => (t !== WILDCARD && w.tokens[i] !== t ? w.tokens[i]! : ''));
    if (differs.every((d) => d === '')) continue;
    const key = differs.join('\u0000');
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(w);
  }
  return [...groups.values()].map((lines) => {
    const first = lines[0]!.tokens;
    const tokens = base.map((t, i) => (t === WILDCARD ? WILDCARD : first[i]!));
    const general = base.map((t, i) => (t !== WILDCARD && first[i] !== t ? WILDCARD : t));
    return {
      ...describe(tokens, lines, 0),
      variant: {
        baseTemplate: base.join(' '),
        basePhrases: queryPhrases(base),
        generalPhrases: queryPhrases(general),
        differing: general.filter((t, i) => t !== base[i]).length,
      },
    };
  });
}

/**
 * Baseline lines of a kind needed before a one-word difference from it counts:
 * a variable seen a few times may just not have varied yet ("hive: DEFAULT"
 * after "hive: COMPONENTS"). A difference of two words or more is wording, not
 * a value ("Could not resolve" after "connection attempt failed"), and one
 * baseline line suffices.
 */
const CONSTANT_EVIDENCE = 10;

/** The miner's similarity threshold (its default), also for pairing a window kind with a baseline kind. */
const SIMILARITY = 0.5;
/** Words a window kind must share with a baseline kind to be paired with it as a variant. */
const SHARED_WORDS = 3;

/** The baseline counts a candidate's verdict needs, from the whole baseline period. */
export interface BaselineCounts {
  /** Baseline lines with the candidate's phrases. */
  own: number;
  /** For a variant: baseline lines of the kind it joined, and of that kind generalized where the variant differs. */
  base?: number;
  general?: number;
}

/**
 * New only when the whole baseline holds no line with the candidate's constant
 * phrases and, for a variant, the positions where it differs never varied in the
 * baseline. A candidate with no constant phrase cannot be confirmed, so it is
 * not called new.
 */
export function isNew(c: NewCandidate, counts: BaselineCounts): boolean {
  if (c.phrases.length === 0 || counts.own > 0) return false;
  if (!c.variant) return true;
  if (c.variant.generalPhrases.length === 0 || c.variant.basePhrases.length === 0) return false;
  return (
    counts.general !== undefined &&
    counts.base !== undefined &&
    counts.base >= (c.variant.differing >= 2 ? 1 : CONSTANT_EVIDENCE) &&
    counts.general <= counts.base
  );
}

/** The new kinds among the window's, for the offline evaluation (bench/templates.mjs, bundled by path: knip cannot see it). @public */
export function detectNew(
  baseline: readonly string[],
  window: readonly string[],
  baselineCount: (phrases: readonly string[]) => number,
): NewCandidate[] {
  const count = (phrases: readonly string[]) => (phrases.length ? baselineCount(phrases) : 0);
  return mineErrorTemplates(baseline, window, Number.POSITIVE_INFINITY).candidates.filter((c) =>
    isNew(c, {
      own: count(c.phrases),
      ...(c.variant ? { base: count(c.variant.basePhrases), general: count(c.variant.generalPhrases) } : {}),
    }),
  );
}

// What one check measured, the measure phase's product: the counts, the error
// kinds (templates) and per-version counts, or why nothing was measured, and how
// the messages were found. The judge reads these; the searches that fill them in
// are in query.ts and template-query.ts.
import type { MessageCount } from './messages.js';

/** How the top error messages are found; chosen once from _field_caps. */
export type MessageStrategy =
  | { kind: 'terms'; field: string }
  | { kind: 'sample'; field: string }
  /**
   * Templates mined from samples of both periods, each counted exactly by its constant parts
   * (template-query.ts): with match_phrase on a text field, with a wildcard query of its words in
   * order on a keyword-only one (the whole value is one term there, so a phrase matches nothing).
   */
  | { kind: 'templates'; field: string; match: 'phrase' | 'words-in-order' };

/** What one check measured. */
export interface Measurement {
  window: { start: number; end: number };
  baseline: { start: number; end: number } | null;
  total: number;
  errors: number;
  baselineTotal: number;
  baselineErrors: number;
  /**
   * Logs (and errors) in scope stamped more than FUTURE_TOLERANCE_MS after the check time, and
   * the latest such timestamp: a clock ahead puts them outside every window. Absent: not asked.
   */
  future?: { after: number; total: number; errors: number; latest: number | null };
  /** Logs in the window and the baseline that carry the level field at all (absent: not counted). */
  leveled?: number;
  baselineLeveled?: number;
  /** Each rule's matches; `unmeasured` says why a rule could not be counted (its count is then 0, and means nothing). */
  rules: { name: string; count: number; unmeasured?: string }[];
  timeline: { stepMinutes: number; buckets: { at: number; errors: number }[] };
  /** Top error messages in the window, merged by shape; counts are estimates when `sampled`. */
  topMessages: MessageCount[];
  baselineMessages: string[];
  /** The baseline's two halves, cut at `splitAt` (absent: no baseline), for the A/A check. */
  baselineHalves?: {
    splitAt: number;
    first: { total: number; errors: number };
    second: { total: number; errors: number };
  };
  /**
   * The error lines sampled from each period, for template mining (the templates strategy with
   * messages only); `baselineHalves` is the baseline's spread sample cut in two, for the A/A check.
   */
  samples?: {
    window: string[];
    baseline: string[];
    baselineHalves?: { first: string[]; second: string[] };
  } | null;
  /** The kinds counted exactly and the new ones confirmed (template-query.ts); null until then or without templates. */
  templates?: TemplateFindings | null;
  messageStrategy: MessageStrategy['kind'];
  /** Whether this search asked for the messages (see buildCheckRequest). */
  messagesIncluded: boolean;
  sampled: boolean;
  /** Versions logging in the window, with their logs and errors (a keyword version field only). */
  versions?: VersionCounts[];
  /** The most frequent values of the level field over the baseline and window (a keyword level field only). */
  levelValues?: string[];
  /** Timed out, shards failed, or closed indices skipped: the counts may be short, so the check cannot pass. */
  incomplete: {
    timedOut: boolean;
    failedShards: number;
    totalShards: number;
    reasons: string[];
    /** Closed indices the pattern matches, which the search skipped. */
    closedIndices?: string[];
  } | null;
  tookMs: number;
}

/** One check's observation: what it measured, or why it could not. */
export type Observation =
  { kind: 'measured'; at: number; measurement: Measurement } | { kind: 'error'; at: number; message: string };

/** A window kind with its exact count. */
interface TemplateCount {
  template: string;
  /** One real line of the kind (untrusted: escape before rendering). */
  message: string;
  /** Window errors matching the kind's phrases, less those of more specific kinds shown. */
  count: number;
}

/** A kind seen only since the deploy. */
export interface NewError extends TemplateCount {
  /** First occurrence in the window (epoch ms), null when the search did not say. */
  firstSeen: number | null;
  /** A variant of a known kind (differs where the baseline never varied), or a kind of its own. */
  variantOf: string | null;
  /** The chance of its window lines all falling after the deploy were nothing changed (new-kind-evidence.ts). */
  chance?: number;
}

export interface TemplateFindings {
  top: TemplateCount[];
  newErrors: NewError[];
  /** Kinds the baseline and lookback never held, but with too few lines to tell from chance ("seen once, not judged"). */
  unjudged: NewError[];
  /** Window errors matching none of the shown kinds (a kind the samples missed, or lines too varied to template). */
  unmatched: number;
  /** Kinds without a constant phrase: shown with their sample count, never called new. */
  uncountable: number;
  /**
   * The same judgement between the baseline's two halves (cut at `splitAt`): kinds it calls new
   * there are noise on a service that changed nothing. Null: no baseline, or a half without errors.
   */
  aa: { newKinds: NewError[]; splitAt: number } | null;
}

/** Errors and log lines of one service.version in the window (and whether it logged before the deploy). */
export interface VersionCounts {
  version: string;
  total: number;
  errors: number;
  inBaseline: boolean;
}

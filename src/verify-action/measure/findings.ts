// What a check found beyond its counts: error kinds (templates) and per-version counts. The
// types live apart from the modules that compute them (template-query.ts, comparison.ts) so that
// query.ts can carry them in a Measurement without an import cycle.

/** A window kind with its exact count. */
export interface TemplateCount {
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
}

export interface TemplateFindings {
  top: TemplateCount[];
  newErrors: NewError[];
  /** Window errors matching none of the shown kinds (a kind the samples missed, or lines too varied to template). */
  unmatched: number;
  /** Kinds without a constant phrase: shown with their sample count, never called new. */
  uncountable: number;
}

/** Errors and log lines of one service.version in the window (and whether it logged before the deploy). */
export interface VersionCounts {
  version: string;
  total: number;
  errors: number;
  inBaseline: boolean;
}

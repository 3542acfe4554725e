// "Did errors increase?" as a test, not a ratio: the conditional binomial test
// of the window's error rate against the baseline's (per minute, or per log
// line under normalize-by-volume), one-sided against H0 "the rate rose at most
// max-increase times", at the configured confidence. max-increase stays the
// smallest rise that matters; the test adds "and it is not noise". Where the
// window holds the new version next to the previous one, the two are compared
// in the same minutes too (per log line), free of time-of-day and traffic
// effects: a canary worse than the stable version decides; a rise over the
// baseline that the stable version shares still decides (no storm passes
// because every version has it). The result says which comparison decided. Pure.
import { rateRatioTest } from '../../stats/rate-ratio.js';
import type { VerifyConfig } from '../config/config.js';
import { formatDuration } from '../../shared/units.js';
import type { Measurement } from '../measure/measurement.js';

interface RateSide {
  errors: number;
  /** Minutes, or log lines when per log line. */
  exposure: number;
  /** Errors per minute, or per log line. */
  rate: number;
}

export interface RateComparison {
  /** baseline: the window against the period before the deploy; canary: the new version against the previous one in the window. */
  kind: 'baseline' | 'canary';
  unit: 'per-minute' | 'per-log-line';
  /** For canary: the versions compared. */
  versions?: { canary: string; stable: string[] };
  after: RateSide;
  before: RateSide;
  /** after.rate / before.rate; null when before had no error. */
  ratio: number | null;
  maxIncrease: number;
  confidence: number;
  /** P(at least this many errors after | H0: ratio <= maxIncrease). */
  pValue: number;
  /** pValue < 1 - confidence. */
  significant: boolean;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const significantDigits = (n: number) => (n === 0 ? 0 : Number(n.toPrecision(3)));

function compare(
  kind: RateComparison['kind'],
  unit: RateComparison['unit'],
  after: Omit<RateSide, 'rate'>,
  before: Omit<RateSide, 'rate'>,
  maxIncrease: number,
  confidence: number,
): RateComparison {
  const test = rateRatioTest({
    after: after.errors,
    before: before.errors,
    afterExposure: after.exposure,
    beforeExposure: before.exposure,
    ratio: maxIncrease,
    confidence,
  });
  const side = (s: Omit<RateSide, 'rate'>): RateSide => ({
    ...s,
    rate: unit === 'per-minute' ? round(s.errors / s.exposure) : significantDigits(s.errors / s.exposure),
  });
  return {
    kind,
    unit,
    after: side(after),
    before: side(before),
    ratio: test.observedRatio === null ? null : round(test.observedRatio),
    maxIncrease,
    confidence,
    pValue: significantDigits(test.pValue),
    significant: test.significant,
  };
}

/** One period's counts: its errors, its logs and its length. */
interface Period {
  errors: number;
  total: number;
  ms: number;
}

/** The rate test of `after` against `before`, per log line or per minute as the thresholds say. */
function periodsComparison(
  t: VerifyConfig['judgement']['thresholds'],
  after: Period,
  before: Period,
): RateComparison | null {
  if (t.maxIncrease === undefined) return null;
  if (t.normalizeByVolume) {
    if (after.total === 0) return null;
    return compare(
      'baseline',
      'per-log-line',
      { errors: after.errors, exposure: after.total },
      { errors: before.errors, exposure: before.total },
      t.maxIncrease,
      t.confidence,
    );
  }
  return compare(
    'baseline',
    'per-minute',
    // At least a minute, as errorRate does: a few seconds of window is not a rate.
    { errors: after.errors, exposure: Math.max(1, after.ms / 60_000) },
    { errors: before.errors, exposure: before.ms / 60_000 },
    t.maxIncrease,
    t.confidence,
  );
}

/**
 * The baseline's second half against its first (A/A): the baseline test on a split where nothing
 * changed, so a significant rise there is noise the gate would report on any deploy. Null when a
 * half is empty or the baseline test is off.
 */
export function halvesComparison(
  config: Pick<VerifyConfig, 'judgement'>,
  m: Measurement,
): RateComparison | null {
  const halves = m.baselineHalves;
  if (!m.baseline || !halves) return null;
  const { first, second, splitAt } = halves;
  if (first.total === 0 || second.total === 0) return null;
  return periodsComparison(
    config.judgement.thresholds,
    { ...second, ms: m.baseline.end - splitAt },
    { ...first, ms: splitAt - m.baseline.start },
  );
}

/** The window against the baseline, or null when there is nothing to compare (no baseline, no logs in it, an empty window). */
function baselineComparison(config: Pick<VerifyConfig, 'judgement'>, m: Measurement): RateComparison | null {
  if (!m.baseline || m.baselineTotal === 0) return null;
  const spanMs = m.window.end - m.window.start;
  if (spanMs <= 0) return null;
  return periodsComparison(
    config.judgement.thresholds,
    { errors: m.errors, total: m.total, ms: spanMs },
    { errors: m.baselineErrors, total: m.baselineTotal, ms: m.baseline.end - m.baseline.start },
  );
}

/**
 * The new version against the previous one(s) in the same window, per log line,
 * when both logged: the deployed version (the version input, or the one version
 * that did not log before the deploy) against the versions that did.
 */
function canaryComparison(
  config: Pick<VerifyConfig, 'scope' | 'judgement'>,
  m: Measurement,
): RateComparison | null {
  const t = config.judgement.thresholds;
  const deployed = config.scope.version;
  const versions = m.versions;
  if (!versions || t.maxIncrease === undefined) return null;
  const canary =
    deployed !== undefined
      ? versions.find((v) => v.version === deployed)
      : onlyOne(versions.filter((v) => !v.inBaseline));
  if (!canary || canary.total === 0) return null;
  const stable = versions.filter((v) => v !== canary && v.inBaseline && v.total > 0);
  if (stable.length === 0) return null;
  const sum = (key: 'total' | 'errors') => stable.reduce((s, v) => s + v[key], 0);
  return {
    ...compare(
      'canary',
      'per-log-line',
      { errors: canary.errors, exposure: canary.total },
      { errors: sum('errors'), exposure: sum('total') },
      t.maxIncrease,
      t.confidence,
    ),
    versions: { canary: canary.version, stable: stable.map((v) => v.version) },
  };
}

function onlyOne<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** How a comparison reads in the summary, the breach reason and the log. */
function describeComparison(c: RateComparison): string {
  const show = (s: RateSide) =>
    c.unit === 'per-minute'
      ? `${s.rate} errors/min (${s.errors} in ${round(s.exposure, 1)} min)`
      : `${round(s.rate * 100, 3)}% of logs (${s.errors} of ${s.exposure})`;
  const what =
    c.kind === 'canary'
      ? `version ${c.versions!.canary} ${show(c.after)} vs ${c.versions!.stable.join(', ')} ${show(c.before)} in the same window`
      : `errors ${show(c.after)} vs ${show(c.before)} before the deploy`;
  const ratio = c.ratio === null ? (c.after.errors > 0 ? 'up from none' : 'none') : `${c.ratio}x`;
  const verdict = c.significant
    ? `more than ${c.maxIncrease}x at ${c.confidence * 100}% confidence`
    : `not significantly more than ${c.maxIncrease}x at ${c.confidence * 100}% confidence`;
  return `${what}: ${ratio}, ${verdict} (p = ${c.pValue})`;
}

/** What the comparisons found for one check. */
export interface IncreaseFindings {
  /** Window metric over baseline metric (the figure the report always had); null when not comparable. */
  increase: number | null;
  /** The comparison that decided (canary where there is one, else baseline); null when none applied. */
  decidedBy: RateComparison | null;
  /** Every comparison made (baseline and/or canary). */
  comparisons: RateComparison[];
  /** Set when the decider is significant and the window has min-errors: the breach's reason. */
  breach: string | null;
  warnings: string[];
}

export function judgeIncrease(
  config: Pick<VerifyConfig, 'scope' | 'judgement'>,
  m: Measurement,
): IncreaseFindings {
  const t = config.judgement.thresholds;
  const warnings: string[] = [];
  if (m.baseline && m.baselineTotal === 0) {
    const span = formatDuration(m.baseline.end - m.baseline.start);
    warnings.push(`no logs in the baseline window (${span} before the deploy): baseline comparison skipped`);
  }
  const baseline = baselineComparison(config, m);
  const canary = canaryComparison(config, m);
  const comparisons = [canary, baseline].filter((c): c is RateComparison => c !== null);
  // The canary decides where it shows a rise; a rise over the baseline that the
  // stable version shares (a storm of all versions) still decides, so no storm
  // passes because both versions have it.
  const decidedBy = comparisons.find((c) => c.significant) ?? comparisons[0] ?? null;
  const increase = baseline ? (baseline.ratio ?? (baseline.after.errors > 0 ? null : 0)) : null;
  if (!decidedBy) return { increase, decidedBy, comparisons, breach: null, warnings };
  const text = describeComparison(decidedBy);
  const which =
    decidedBy.kind === 'canary'
      ? ' (decided by canary vs stable)'
      : canary
        ? ` (decided by the baseline: canary vs stable ${canary.ratio === null ? 'n/a' : `${canary.ratio}x`}, the stable version shares the rise)`
        : '';
  let breach: string | null = null;
  if (decidedBy.significant) {
    if (decidedBy.after.errors >= t.minErrors) breach = `${text}${which}`;
    else warnings.push(`${text}${which}, but ${decidedBy.after.errors} errors < min-errors ${t.minErrors}`);
  } else if (
    decidedBy.ratio === null ? decidedBy.after.errors > 0 : decidedBy.ratio > decidedBy.maxIncrease
  ) {
    warnings.push(`${text}${which}: within noise`);
  }
  return { increase, decidedBy, comparisons, breach, warnings };
}

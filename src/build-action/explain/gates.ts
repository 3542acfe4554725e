// Thresholds the user asked for, checked against the build report. Pure. Every
// gate is off unless its input is set: the action never fails a build that
// buildx passed on its own initiative. A gate with nothing to measure (no
// instruction steps for the ratio, no context transfer) passes and says so.
import type { BuildReport } from '../../engine/index.js';
import { formatBytes, formatDuration, formatRatio } from '../../shared/units.js';
import { cachedStepsText } from './cache-figure.js';
import { contextSize, type ContextSize } from './context-size.js';

export interface GateSettings {
  minCacheHitRatio: number | null;
  maxDurationMs: number | null;
  maxContextBytes: number | null;
  failOnWarnings: boolean;
}

type GateName = 'min-cache-hit-ratio' | 'max-duration' | 'max-context-size' | 'fail-on-warnings';

export interface GateResult {
  gate: GateName;
  passed: boolean;
  /** What was measured and the limit, e.g. `cache hit ratio 40% < 80%`. */
  message: string;
  /** How far over the limit, e.g. `40 points short`, `2 m 05 s over`; null when passed. */
  excess: string | null;
}

/**
 * `context` is the build context as the action measured it (context-size.ts); without it, the
 * log's transferred figure stands in, and the message says so.
 */
export function evaluateGates(
  report: BuildReport,
  settings: GateSettings,
  buildDurationMs: number | null,
  context: ContextSize = contextSize(report.totals.contextBytes, null),
  /**
   * Whether the build had nothing to hit: build history found no earlier record of this leg, this
   * branch or the default branch (a repository's first build). Read from the record store, keyed
   * by the workflow's own branch names, never from the build's output: a pull request cannot claim
   * a cold cache while the default branch has a record.
   */
  coldCache = false,
): GateResult[] {
  const results: GateResult[] = [];
  if (settings.minCacheHitRatio !== null) {
    const min = settings.minCacheHitRatio;
    const ratio = report.totals.cacheHitRatio;
    if (ratio !== null && coldCache && ratio < min) {
      results.push({
        gate: 'min-cache-hit-ratio',
        passed: true,
        message: `no cache yet: no earlier build to hit (cache hit ratio ${formatRatio(ratio)}, minimum ${formatRatio(min)}); the gate applies from the next build`,
        excess: null,
      });
    } else if (ratio === null) {
      results.push({
        gate: 'min-cache-hit-ratio',
        passed: true,
        message: `no cacheable steps ran, nothing to measure (minimum ${formatRatio(min)})`,
        excess: null,
      });
    } else {
      const passed = ratio >= min;
      // Whole percents hide a miss of less than half a point (79.8% < 80% would read `80% < 80%`).
      const digits = Math.round(ratio * 100) === Math.round(min * 100) ? 1 : 0;
      const percent = (r: number) => `${(r * 100).toFixed(digits)}%`;
      const points = ((min - ratio) * 100).toFixed(digits);
      results.push({
        gate: 'min-cache-hit-ratio',
        passed,
        message: `cache hit ratio ${percent(ratio)} (${cachedStepsText(report)}) ${passed ? '>=' : '<'} minimum ${percent(min)}`,
        excess: passed ? null : `${points} percentage point${points === '1' ? '' : 's'} short`,
      });
    }
  }
  if (settings.maxDurationMs !== null) {
    // The wall time the action measured around buildx is what the user waits for; the log's own total is the fallback.
    results.push(
      upperLimit('max-duration', buildDurationMs ?? report.totals.durationMs, settings.maxDurationMs, {
        format: formatDuration,
        measured: 'build took',
        unmeasured: 'duration unknown',
      }),
    );
  }
  if (settings.maxContextBytes !== null) {
    const where = context.measured === 'context-directory' ? 'the context directory' : 'sent to the builder';
    results.push(
      upperLimit('max-context-size', context.bytes, settings.maxContextBytes, {
        format: (n) => formatBytes(n),
        measured: `build context${context.incomplete ? ' at least' : ''}`,
        note: ` (${where})`,
        unmeasured: 'no build context was transferred',
      }),
    );
  }
  if (settings.failOnWarnings) {
    const count = report.warnings.length;
    results.push({
      gate: 'fail-on-warnings',
      passed: count === 0,
      message:
        count === 0
          ? 'no build warnings'
          : `${count} build warning${count === 1 ? '' : 's'} (${[...new Set(report.warnings.map((w) => w.rule))].join(', ')})`,
      excess: count === 0 ? null : `${count} warning${count === 1 ? '' : 's'}`,
    });
  }
  return results;
}

/** A gate that fails when the measured value is over the maximum; passes when nothing was measured. */
function upperLimit(
  gate: GateName,
  value: number | null,
  max: number,
  text: { format: (n: number) => string; measured: string; unmeasured: string; note?: string },
): GateResult {
  if (value === null) {
    return { gate, passed: true, message: `${text.unmeasured} (maximum ${text.format(max)})`, excess: null };
  }
  const passed = value <= max;
  return {
    gate,
    passed,
    message: `${text.measured} ${text.format(value)}${text.note ?? ''} ${passed ? '<=' : '>'} maximum ${text.format(max)}`,
    excess: passed ? null : `${text.format(value - max)} over`,
  };
}

export function breaches(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => !r.passed);
}

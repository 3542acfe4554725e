// Regression against the default branch: this build's record next to the latest record of the
// default branch, the deltas a reviewer wants (duration, cache ratio, context size, cache
// export time, the slowest steps) and the gates the user set on them. Pure. A gate with no
// baseline, or nothing measured on either side, passes and says why: it never fails a pull
// request on a number it does not have.
import { formatBytes, formatDuration } from '../../../shared/units.js';
import type { Limit } from '../../../shared/growth-limits.js';
import type { BuildRecord } from './record.js';

export interface RegressionSettings {
  maxDurationIncrease: Limit | null;
  /** Percentage points the cache hit ratio may fall. */
  maxCacheRatioDrop: number | null;
  maxContextGrowth: Limit | null;
  maxCacheExport: Limit | null;
}

type RegressionGateName =
  'max-duration-increase' | 'max-cache-ratio-drop' | 'max-context-growth' | 'max-cache-export';

interface RegressionGate {
  gate: RegressionGateName;
  passed: boolean;
  message: string;
  excess: string | null;
}

export interface Delta {
  before: number | null;
  after: number | null;
}

interface StepDelta {
  name: string;
  before: number | null;
  after: number | null;
}

export interface Regression {
  /** The baseline build: branch and commit. */
  baseline: { branch: string | null; commit: string | null; createdAt: string } | null;
  duration: Delta;
  cacheRatio: Delta;
  contextBytes: Delta;
  cacheExportMs: Delta;
  slowestSteps: StepDelta[];
  gates: RegressionGate[];
}

const SLOWEST_STEPS = 5;

export function compareWithBaseline(
  current: BuildRecord,
  baseline: BuildRecord | null,
  settings: RegressionSettings,
): Regression {
  const pick = <T>(f: (r: BuildRecord) => T | null | undefined): Delta => ({
    before: baseline === null ? null : ((f(baseline) as number | null | undefined) ?? null),
    after: (f(current) as number | null | undefined) ?? null,
  });
  const duration = pick((r) => r.durationMs);
  const cacheRatio = pick((r) => r.cacheHitRatio);
  // A context measured on disk and one BuildKit transferred are not the same figure: compared
  // only when both records measured it the same way (older records hold the transferred one).
  const measuredAlike =
    baseline === null ||
    (baseline.contextMeasured ?? 'transferred') === (current.contextMeasured ?? 'transferred');
  const contextBytes = measuredAlike
    ? pick((r) => r.contextBytes)
    : { before: null, after: current.contextBytes ?? null };
  const cacheExportMs = pick((r) => r.phases?.cacheExportMs);
  const baselineSteps = new Map((baseline?.steps ?? []).map((s) => [s.key, s.durationMs]));
  const slowestSteps = current.steps
    .filter((s) => s.durationMs !== null && s.status !== 'cached' && /^\[/.test(s.name))
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
    .slice(0, SLOWEST_STEPS)
    .map((s) => ({ name: s.name, before: baselineSteps.get(s.key) ?? null, after: s.durationMs }));

  const gates: RegressionGate[] = [];
  const noBaseline = baseline === null ? 'no record of the default branch yet, nothing to compare' : null;
  if (settings.maxDurationIncrease !== null)
    gates.push(
      growthGate(
        'max-duration-increase',
        'build duration',
        duration,
        settings.maxDurationIncrease,
        formatDuration,
        noBaseline,
      ),
    );
  if (settings.maxCacheRatioDrop !== null)
    gates.push(ratioGate(cacheRatio, settings.maxCacheRatioDrop, noBaseline));
  if (settings.maxContextGrowth !== null)
    gates.push(
      growthGate(
        'max-context-growth',
        'build context',
        contextBytes,
        settings.maxContextGrowth,
        formatBytes,
        noBaseline,
      ),
    );
  if (settings.maxCacheExport !== null)
    gates.push(
      growthGate(
        'max-cache-export',
        'cache export',
        cacheExportMs,
        settings.maxCacheExport,
        formatDuration,
        noBaseline,
      ),
    );
  return {
    baseline:
      baseline === null
        ? null
        : { branch: baseline.branch, commit: baseline.commit, createdAt: baseline.createdAt },
    duration,
    cacheRatio,
    contextBytes,
    cacheExportMs,
    slowestSteps,
    gates,
  };
}

function growthGate(
  gate: RegressionGateName,
  what: string,
  delta: Delta,
  limit: Limit,
  format: (n: number) => string,
  noBaseline: string | null,
): RegressionGate {
  const { before, after } = delta;
  if (limit.kind === 'ceiling') {
    if (after === null)
      return {
        gate,
        passed: true,
        message: `no ${what} in this build (maximum ${format(limit.value)})`,
        excess: null,
      };
    const passed = after <= limit.value;
    return {
      gate,
      passed,
      message: `${what} ${format(after)} ${passed ? '<=' : '>'} maximum ${format(limit.value)}`,
      excess: passed ? null : `${format(after - limit.value)} over`,
    };
  }
  const limitText = limit.kind === 'percent' ? `+${limit.value}%` : `+${format(limit.value)}`;
  if (noBaseline !== null)
    return { gate, passed: true, message: `${noBaseline} (limit ${limitText})`, excess: null };
  if (before === null || after === null)
    return {
      gate,
      passed: true,
      message: `${what} not measured ${after === null ? 'in this build' : 'in the baseline'} (limit ${limitText})`,
      excess: null,
    };
  const allowed = limit.kind === 'percent' ? before * (1 + limit.value / 100) : before + limit.value;
  const passed = after <= allowed;
  const growth = after - before;
  const percent =
    before > 0 && Math.abs(growth / before) < 10
      ? ` (${growth >= 0 ? '+' : ''}${Math.round((growth / before) * 100)}%)`
      : '';
  return {
    gate,
    passed,
    message: `${what} ${format(before)} -> ${format(after)}, ${growth >= 0 ? '+' : '-'}${format(Math.abs(growth))}${percent} ${passed ? 'within' : 'over'} the limit ${limitText}`,
    excess: passed ? null : `${format(after - allowed)} over`,
  };
}

function ratioGate(delta: Delta, maxDropPoints: number, noBaseline: string | null): RegressionGate {
  const gate = 'max-cache-ratio-drop';
  const limitText = `${maxDropPoints} point${maxDropPoints === 1 ? '' : 's'}`;
  if (noBaseline !== null)
    return { gate, passed: true, message: `${noBaseline} (limit ${limitText})`, excess: null };
  const { before, after } = delta;
  if (before === null || after === null)
    return {
      gate,
      passed: true,
      message: `no cacheable steps ${after === null ? 'in this build' : 'in the baseline'} (limit ${limitText})`,
      excess: null,
    };
  const drop = (before - after) * 100;
  const passed = drop <= maxDropPoints + 1e-9;
  const pct = (r: number) => `${Math.round(r * 100)}%`;
  return {
    gate,
    passed,
    message: `cache hit ratio ${pct(before)} -> ${pct(after)} (${drop > 0 ? `-${drop.toFixed(0)}` : `+${(-drop).toFixed(0)}`} points) ${passed ? 'within' : 'over'} the limit of ${limitText}`,
    excess: passed ? null : `${(drop - maxDropPoints).toFixed(0)} points over`,
  };
}

// Where a build's time went, by phase: the context transfer, resolving and pulling base images,
// importing cache, the Dockerfile steps, exporting the image, pushing it and exporting cache.
// Read off the vertices BuildKit names for each phase, so "the build is slow" can be read as
// "cache export took 300 s". Pure: the steps of a report plus the push times the readers saw.
import type { PhaseTimes, StepReport } from './report.js';

type PhaseName = keyof PhaseTimes;

/** The phase a step belongs to, from its name; null for phases computed otherwise (push). */
function phaseOfStep(step: Pick<StepReport, 'name' | 'kind' | 'instruction' | 'status'>): PhaseName | null {
  const name = step.name;
  if (step.kind === 'instruction') {
    if (step.instruction !== 'FROM') return 'stepsMs';
    // A cached FROM pulled nothing; its time (zero) says nothing about pulling.
    return step.status === 'cached' ? null : 'baseImagePullMs';
  }
  if (step.kind === 'internal') {
    if (name.endsWith('] load build context')) return 'contextTransferMs';
    if (name.includes('] load metadata for ')) return 'baseImageResolveMs';
    return null;
  }
  if (name.startsWith('importing cache manifest from ')) return 'cacheImportMs';
  if (
    name.startsWith('exporting cache') ||
    name.startsWith('preparing build cache for export') ||
    name.startsWith('writing cache manifest')
  )
    return 'cacheExportMs';
  if (name.startsWith('exporting to ') || name === 'copying files' || name.startsWith('sending tarball'))
    return 'exportMs';
  return null;
}

function emptyPhases(): PhaseTimes {
  return {
    contextTransferMs: null,
    baseImageResolveMs: null,
    baseImagePullMs: null,
    cacheImportMs: null,
    stepsMs: null,
    exportMs: null,
    pushMs: null,
    cacheExportMs: null,
  };
}

/**
 * Time per phase. With start offsets (rawjson) a phase is the union of its steps' intervals
 * (parallel stages are not counted twice); without them (plain, tty) the sum of their durations.
 * A phase that no step showed stays null: absent is not the same as instantaneous.
 */
export function computePhases(steps: readonly StepReport[], pushMs: number | null): PhaseTimes {
  const phases = emptyPhases();
  const intervals = new Map<PhaseName, Array<[number, number]>>();
  const sums = new Map<PhaseName, number>();
  const timed = new Set<PhaseName>();
  const untimed = new Set<PhaseName>();
  for (const step of steps) {
    const phase = phaseOfStep(step);
    if (phase === null || step.durationMs === null) continue;
    sums.set(phase, (sums.get(phase) ?? 0) + step.durationMs);
    if (step.startOffsetMs !== null) {
      timed.add(phase);
      const list = intervals.get(phase) ?? [];
      list.push([step.startOffsetMs, step.startOffsetMs + step.durationMs]);
      intervals.set(phase, list);
    } else {
      untimed.add(phase);
    }
  }
  for (const [phase, sum] of sums) {
    phases[phase] = timed.has(phase) && !untimed.has(phase) ? unionLength(intervals.get(phase)!) : sum;
  }
  phases.pushMs = pushMs;
  return phases;
}

function unionLength(intervals: Array<[number, number]>): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const [s, e] of intervals) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else if (e > end) {
      end = e;
    }
  }
  if (end > start) total += end - start;
  return Math.round(total);
}

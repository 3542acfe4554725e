// When each build step started and ended, as seen by the action while buildx runs. Plain
// logs carry durations but no start times, so without this every timeline would lay parallel
// stages end to end; and BuildKit v0.8 (Docker 20.10) prints no duration for a cancelled step,
// nor one that covers the time before its first line, so a bar from its duration alone would
// not show when the step really ran. The caller samples the engine's report on a timer; a
// step's start is the first sample that contains it, its end the first that has it settled
// (DONE, CACHED, ERROR or CANCELED).
import type { BuildReport, StepReport } from '../../engine/index.js';

const SETTLED: ReadonlySet<StepReport['status']> = new Set(['done', 'cached', 'error', 'cancelled']);

export class StepClock {
  private readonly starts = new Map<string, number>();
  private readonly ends = new Map<string, number>();

  observe(report: BuildReport, elapsedMs: number): void {
    for (const step of report.steps) {
      if (!this.starts.has(step.name)) this.starts.set(step.name, elapsedMs);
      if (!this.ends.has(step.name) && SETTLED.has(step.status)) this.ends.set(step.name, elapsedMs);
    }
  }

  get startTimes(): ReadonlyMap<string, number> {
    return this.starts;
  }

  get endTimes(): ReadonlyMap<string, number> {
    return this.ends;
  }
}

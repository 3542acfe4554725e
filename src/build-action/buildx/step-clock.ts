// When each build step started, as seen by the action while buildx runs. Plain
// logs carry durations but no start times, so without this every timeline would
// lay parallel stages end to end. The caller samples the engine's report on a
// timer; a step's start is the first sample that contains it.
import type { BuildReport } from '../../engine/index.js';

export class StepClock {
  private readonly starts = new Map<string, number>();

  observe(report: BuildReport, elapsedMs: number): void {
    for (const step of report.steps) {
      if (!this.starts.has(step.name)) this.starts.set(step.name, elapsedMs);
    }
  }

  get startTimes(): ReadonlyMap<string, number> {
    return this.starts;
  }
}

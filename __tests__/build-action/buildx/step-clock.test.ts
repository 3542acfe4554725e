import { describe, expect, it } from '@jest/globals';
import { StepClock } from '../../../src/build-action/buildx/step-clock.js';
import type { BuildReport } from '../../../src/engine/index.js';

/** A report that holds just these steps, as the engine's snapshots name them. */
const snapshot = (...names: string[]) =>
  ({ steps: names.map((name) => ({ name })) }) as unknown as BuildReport;

describe('StepClock', () => {
  it("takes a step's start from the first sample that holds it, and keeps it", () => {
    const clock = new StepClock();
    clock.observe(snapshot(), 0);
    clock.observe(snapshot('[base 1/2] FROM alpine'), 250);
    clock.observe(snapshot('[base 1/2] FROM alpine', '[app 1/3] COPY . .'), 500);
    clock.observe(snapshot('[base 1/2] FROM alpine', '[app 1/3] COPY . .', '[app 2/3] RUN make'), 1500);
    expect([...clock.startTimes]).toEqual([
      ['[base 1/2] FROM alpine', 250],
      ['[app 1/3] COPY . .', 500],
      ['[app 2/3] RUN make', 1500],
    ]);
  });

  it('knows no step before a sample shows it', () => {
    const clock = new StepClock();
    expect(clock.startTimes.size).toBe(0);
    clock.observe(snapshot('[1/1] RUN true'), 42);
    expect(clock.startTimes.get('[1/1] RUN true')).toBe(42);
    expect(clock.startTimes.has('[2/2] RUN false')).toBe(false);
  });

  it("takes a step's end from the first sample that has it settled: done, cached, failed or cancelled", () => {
    const clock = new StepClock();
    const steps = (...list: [string, string][]) =>
      ({ steps: list.map(([name, status]) => ({ name, status })) }) as unknown as BuildReport;
    clock.observe(steps(['[1/3] RUN make', 'incomplete']), 100);
    clock.observe(steps(['[1/3] RUN make', 'incomplete'], ['[2/3] RUN test', 'incomplete']), 200);
    clock.observe(steps(['[1/3] RUN make', 'done'], ['[2/3] RUN test', 'incomplete']), 60_100);
    clock.observe(steps(['[1/3] RUN make', 'done'], ['[2/3] RUN test', 'cancelled']), 61_000);
    expect([...clock.endTimes]).toEqual([
      ['[1/3] RUN make', 60_100],
      ['[2/3] RUN test', 61_000],
    ]);
  });
});

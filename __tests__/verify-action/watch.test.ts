// covers: src/verify-action/watch.ts, src/verify-action/measure/window.ts
import { describe, expect, it } from '@jest/globals';
import { checkOffsets, watch } from '../../src/verify-action/watch.js';
import { checkJudge } from '../../src/verify-action/judge/decision.js';
import type { Observation } from '../../src/verify-action/measure/measurement.js';
import { windowAt, type CheckWindow } from '../../src/verify-action/measure/window.js';
import { configFrom, DEPLOYED, fakeClock, NOW } from './helpers.js';

describe('the check schedule', () => {
  it.each([
    [30_000, 0, [0]],
    [30_000, 120_000, [30_000, 60_000, 90_000, 120_000]],
    [60_000, 150_000, [60_000, 120_000, 150_000]],
    [300_000, 300_000, [300_000]],
  ])('interval %d for %d checks at %j', (interval, duration, offsets) => {
    expect(checkOffsets(interval, duration)).toEqual(offsets);
  });

  it('ends each window the ingest delay before the check', () => {
    const config = configFrom({ 'ingest-delay': '45s', 'baseline-window': '1h' });
    expect(windowAt(config, NOW)).toEqual({
      baselineStart: DEPLOYED - 3_600_000,
      deployedAt: DEPLOYED,
      end: NOW - 45_000,
    });
  });
});

describe('watching', () => {
  const fine = (window: CheckWindow, at: number): Observation => ({
    kind: 'measured',
    at,
    measurement: {
      window: { start: window.deployedAt, end: window.end },
      baseline: null,
      total: 100,
      errors: 0,
      baselineTotal: 0,
      baselineErrors: 0,
      rules: [],
      timeline: { stepMinutes: 1, buckets: [] },
      topMessages: [],
      baselineMessages: [],
      messageStrategy: 'terms',
      messagesIncluded: true,
      sampled: false,
      incomplete: null,
      tookMs: 1,
    },
  });

  it('checks every interval with a growing window, then decides', async () => {
    const clock = fakeClock(NOW);
    const config = configFrom({
      'deployed-at': new Date(NOW).toISOString(),
      interval: '1m',
      duration: '3m',
      'max-increase': 'off',
    });
    const windows: CheckWindow[] = [];
    const result = await watch(config, clock, checkJudge(config), async (w, at) => {
      windows.push(w);
      return fine(w, at);
    });
    expect(clock.sleeps).toEqual([60_000, 60_000, 60_000]);
    expect(windows.map((w) => w.end - NOW)).toEqual([30_000, 90_000, 150_000]);
    expect(result.checks).toHaveLength(3);
    expect(result.verdict.decision).toBe('pass');
    expect(result.stoppedEarly).toBe(false);
  });

  it('does not check before the ingest delay has passed since the deploy', async () => {
    const clock = fakeClock(NOW);
    const config = configFrom({
      'deployed-at': new Date(NOW).toISOString(),
      interval: '30s',
      duration: '2m',
      'ingest-delay': '30s',
      'max-increase': 'off',
    });
    const windows: CheckWindow[] = [];
    const result = await watch(
      config,
      clock,
      checkJudge(config),
      async (w, at) => (windows.push(w), fine(w, at)),
    );
    expect(windows.map((w) => w.end - NOW)).toEqual([30_000, 60_000, 90_000]);
    expect(result.checks.map((c) => c.check)).toEqual([1, 2, 3]);
    expect(result.checks.flatMap((c) => c.warnings)).toEqual([]);
  });

  it('runs once, at once, with duration 0', async () => {
    const clock = fakeClock(NOW);
    const config = configFrom({ duration: '0' });
    const result = await watch(config, clock, checkJudge(config), async (w, at) => fine(w, at));
    expect(clock.sleeps).toEqual([]);
    expect(result.checks).toHaveLength(1);
  });

  it('stops at the first settled verdict', async () => {
    const clock = fakeClock(NOW);
    const config = configFrom({ interval: '30s', duration: '5m', 'max-errors': '0' });
    let calls = 0;
    const result = await watch(config, clock, checkJudge(config), async (w, at) => {
      calls++;
      const o = fine(w, at);
      if (o.kind === 'measured') o.measurement.errors = calls === 2 ? 3 : 0;
      return o;
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ stoppedEarly: true, verdict: { decision: 'fail' } });
  });

  it('says so when the window is still empty', async () => {
    const clock = fakeClock(NOW);
    const config = configFrom({ 'deployed-at': new Date(NOW).toISOString(), duration: '0' });
    const result = await watch(config, clock, checkJudge(config), async (w, at) => fine(w, at));
    expect(result.checks[0]!.warnings).toContain(
      'the window is empty: the deploy is more recent than the ingest delay',
    );
    expect(result.verdict.decision).toBe('inconclusive');
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  compareWithBaseline,
  type RegressionSettings,
} from '../../../../src/build-action/history/record/regression.js';
import type { BuildRecord } from '../../../../src/build-action/history/record/record.js';
import {
  parseCacheExportLimit,
  parseContextGrowth,
  parseDurationIncrease,
  parseRatioDrop,
} from '../../../../src/shared/growth-limits.js';

function record(over: Partial<BuildRecord> & { cacheExportMs?: number | null } = {}): BuildRecord {
  const { cacheExportMs = 10_000, ...rest } = over;
  return {
    schema: 1,
    createdAt: '2026-12-01T00:00:00Z',
    commit: 'abc1234567',
    branch: 'main',
    dockerfile: 'Dockerfile',
    target: null,
    platforms: [],
    outcome: 'success',
    durationMs: 100_000,
    phases: {
      contextTransferMs: 1000,
      baseImageResolveMs: 100,
      baseImagePullMs: null,
      cacheImportMs: null,
      stepsMs: 80_000,
      exportMs: 5000,
      pushMs: null,
      cacheExportMs,
    },
    cacheHitRatio: 0.9,
    contextBytes: 10_000_000,
    steps: [{ key: '|build|RUN make', name: '[build 2/2] RUN make', status: 'done', durationMs: 60_000 }],
    stages: [],
    buildArgs: {},
    sources: [],
    ...rest,
  };
}

const off: RegressionSettings = {
  maxDurationIncrease: null,
  maxCacheRatioDrop: null,
  maxContextGrowth: null,
  maxCacheExport: null,
};

describe('regression gates', () => {
  it.each([
    [
      '+20% passes at +19%',
      { maxDurationIncrease: parseDurationIncrease('+20%') },
      { durationMs: 119_000 },
      true,
    ],
    [
      '+20% fails at +21%',
      { maxDurationIncrease: parseDurationIncrease('+20%') },
      { durationMs: 121_000 },
      false,
    ],
    [
      '+60s fails at +61 s',
      { maxDurationIncrease: parseDurationIncrease('+60s') },
      { durationMs: 161_000 },
      false,
    ],
    ['10 points passes at -10', { maxCacheRatioDrop: parseRatioDrop('10') }, { cacheHitRatio: 0.8 }, true],
    ['10 points fails at -20', { maxCacheRatioDrop: parseRatioDrop('10') }, { cacheHitRatio: 0.7 }, false],
    [
      '+50MB fails at +60 MB',
      { maxContextGrowth: parseContextGrowth('+50MB') },
      { contextBytes: 70_000_000 },
      false,
    ],
    [
      '+10% passes at +5%',
      { maxContextGrowth: parseContextGrowth('+10%') },
      { contextBytes: 10_500_000 },
      true,
    ],
    [
      'cache export ceiling 2m fails at 3 m',
      { maxCacheExport: parseCacheExportLimit('2m') },
      { cacheExportMs: 180_000 },
      false,
    ],
    [
      'cache export +30s passes at +20 s',
      { maxCacheExport: parseCacheExportLimit('+30s') },
      { cacheExportMs: 30_000 },
      true,
    ],
  ] as const)('%s', (_name, settings, current, passed) => {
    const result = compareWithBaseline(record(current as Partial<BuildRecord>), record(), {
      ...off,
      ...settings,
    });
    expect(result.gates).toHaveLength(1);
    expect(result.gates[0]!.passed).toBe(passed);
    expect(result.gates[0]!.excess === null).toBe(passed);
  });

  it('passes and says so without a baseline', () => {
    const result = compareWithBaseline(record({ durationMs: 999_000 }), null, {
      ...off,
      maxDurationIncrease: parseDurationIncrease('+1%'),
    });
    expect(result.gates[0]).toMatchObject({
      passed: true,
      message: expect.stringMatching(/no record of the default branch/),
    });
  });

  it('a ceiling applies without a baseline', () => {
    const result = compareWithBaseline(record({ cacheExportMs: 300_000 }), null, {
      ...off,
      maxCacheExport: parseCacheExportLimit('2m'),
    });
    expect(result.gates[0]!.passed).toBe(false);
  });

  it('shows the deltas and the slowest steps with their baseline time', () => {
    const result = compareWithBaseline(
      record({
        durationMs: 130_000,
        steps: [{ key: '|build|RUN make', name: '[build 2/2] RUN make', status: 'done', durationMs: 90_000 }],
      }),
      record(),
      off,
    );
    expect(result.duration).toEqual({ before: 100_000, after: 130_000 });
    expect(result.slowestSteps).toEqual([{ name: '[build 2/2] RUN make', before: 60_000, after: 90_000 }]);
  });
});

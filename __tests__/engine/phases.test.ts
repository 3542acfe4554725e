// Phase times read off real logs: the recorded fixtures (no cache export or push there: no
// registry) and a recording of a build with --cache-from/--cache-to type=local on Engine 26.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLog, computePhases, type StepReport } from '../../src/engine/index.js';
import { FIXTURES } from './real-logs.js';

const read = (...parts: string[]) => readFileSync(join(FIXTURES, ...parts));
const phasesOf = (...parts: string[]) => analyzeLog(read(...parts)).phases!;

function step(name: string, over: Partial<StepReport> = {}): StepReport {
  return {
    name,
    stage: null,
    platform: null,
    instruction: null,
    index: null,
    total: null,
    kind: name.startsWith('[internal]') ? 'internal' : 'other',
    status: 'done',
    durationMs: 100,
    startOffsetMs: null,
    outputLines: 0,
    outputTail: [],
    error: null,
    ...over,
  };
}

describe('phase times on recorded logs', () => {
  it.each(['plain', 'rawjson'])('cache import and export on Engine 26 (%s)', (format) => {
    const phases = phasesOf('phases', `engine26-cache-local.${format}.log`);
    expect(phases.cacheImportMs).not.toBeNull();
    expect(phases.cacheExportMs).toBeGreaterThan(0);
    expect(phases.exportMs).toBeGreaterThan(0);
    expect(phases.contextTransferMs).not.toBeNull();
    expect(phases.baseImageResolveMs).not.toBeNull();
    expect(phases.pushMs).toBeNull();
  });

  it('rawjson phases are the wall time of their steps', () => {
    const report = analyzeLog(read('phases', 'engine26-cache-local.rawjson.log'));
    const exporting = report.steps.find((s) => s.name === 'exporting cache to client directory')!;
    expect(report.phases!.cacheExportMs).toBe(exporting.durationMs);
    const context = report.steps.find((s) => s.name === '[internal] load build context')!;
    expect(report.phases!.contextTransferMs).toBe(context.durationMs);
  });

  it.each(['engine20', 'engine26', 'modern'])('%s multistage-clean: every phase the log shows', (engine) => {
    for (const format of ['plain.log', 'rawjson.log']) {
      const phases = phasesOf('buildlogs', engine, 'multistage-clean', format);
      expect(phases.contextTransferMs).not.toBeNull();
      expect(phases.baseImageResolveMs).not.toBeNull();
      expect(phases.stepsMs).toBeGreaterThan(0);
      expect(phases.cacheExportMs).toBeNull();
      expect(phases.cacheImportMs).toBeNull();
      // The modern builder runs with --output type=cacheonly: there is no image export.
      if (engine === 'modern') expect(phases.exportMs).toBeNull();
      else expect(phases.exportMs).not.toBeNull();
    }
  });

  it('a fully cached build pulls nothing and runs no step', () => {
    const phases = phasesOf('buildlogs', 'engine26', 'multistage-cached', 'plain.log');
    expect(phases.stepsMs).toBe(0);
    expect(phases.baseImagePullMs).toBe(0);
  });
});

describe('push times', () => {
  it('plain: the `pushing ... done` items of the export', () => {
    const log = [
      '#9 exporting to image',
      '#9 exporting layers 0.2s done',
      '#9 pushing layers',
      '#9 pushing layers 2.5s done',
      '#9 pushing manifest for registry.example/app:1@sha256:abc',
      '#9 pushing manifest for registry.example/app:1@sha256:abc 0.5s done',
      '#9 DONE 3.3s',
      '',
    ].join('\n');
    const phases = analyzeLog(log).phases!;
    expect(phases.pushMs).toBe(3000);
    expect(phases.exportMs).toBe(3300);
  });

  it('rawjson: statuses named `pushing ...` with their start and end', () => {
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const lines = [
      { vertexes: [{ digest: 'sha256:e', name: 'exporting to image', started: t(0) }] },
      { statuses: [{ id: 'pushing layers', vertex: 'sha256:e', started: t(1) }] },
      { statuses: [{ id: 'pushing layers', vertex: 'sha256:e', started: t(1), completed: t(4) }] },
      { vertexes: [{ digest: 'sha256:e', name: 'exporting to image', started: t(0), completed: t(5) }] },
    ];
    const phases = analyzeLog(lines.map((l) => JSON.stringify(l)).join('\n') + '\n').phases!;
    expect(phases.pushMs).toBe(3000);
    expect(phases.exportMs).toBe(5000);
  });
});

describe('computePhases', () => {
  it('counts parallel steps once when their start is known', () => {
    const steps = [
      step('[a 2/2] RUN x', { kind: 'instruction', instruction: 'RUN', startOffsetMs: 0, durationMs: 1000 }),
      step('[b 2/2] RUN y', {
        kind: 'instruction',
        instruction: 'RUN',
        startOffsetMs: 500,
        durationMs: 1000,
      }),
    ];
    expect(computePhases(steps, null).stepsMs).toBe(1500);
  });

  it('sums durations when the log has no timestamps', () => {
    const steps = [
      step('[a 2/2] RUN x', { kind: 'instruction', instruction: 'RUN', durationMs: 1000 }),
      step('[b 2/2] RUN y', { kind: 'instruction', instruction: 'RUN', durationMs: 1000 }),
    ];
    expect(computePhases(steps, null).stepsMs).toBe(2000);
  });

  it('a cached FROM is no pull; absent phases stay null', () => {
    const steps = [
      step('[1/2] FROM docker.io/library/alpine:3', {
        kind: 'instruction',
        instruction: 'FROM',
        status: 'cached',
      }),
    ];
    const phases = computePhases(steps, null);
    expect(phases.baseImagePullMs).toBeNull();
    expect(phases.cacheExportMs).toBeNull();
  });

  it.each([
    ['exporting cache to registry', 'cacheExportMs'],
    ['exporting cache to GitHub Actions Cache', 'cacheExportMs'],
    ['preparing build cache for export', 'cacheExportMs'],
    ['importing cache manifest from gha:123', 'cacheImportMs'],
    ['exporting to oci image format', 'exportMs'],
    ['[internal] load metadata for docker.io/library/node:20', 'baseImageResolveMs'],
  ])('%s -> %s', (name, phase) => {
    const phases = computePhases([step(name)], null) as unknown as Record<string, number | null>;
    expect(phases[phase]).toBe(100);
  });
});

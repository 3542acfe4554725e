// Reports and records for the history tests, made the way the engine and makeRecord make them.
import { analyzeLog, parseDockerfile, type BuildReport, type Dockerfile } from '../../../src/engine/index.js';
import { sourceKey } from '../../../src/build-action/history/record/blame.js';
import {
  makeFingerprint,
  type SourceFingerprint,
} from '../../../src/build-action/history/record/fingerprint.js';
import { makeRecord, type BuildRecord } from '../../../src/build-action/history/record/record.js';

export interface StepSpec {
  /** `[build 3/4] COPY . .` as buildx names it. */
  name: string;
  status: 'done' | 'cached';
  seconds?: number;
}

/** A plain-progress log of the steps, analysed by the real engine. */
export function reportOf(steps: StepSpec[]): BuildReport {
  const lines = ['#0 building with "default" instance using docker driver', ''];
  steps.forEach((s, i) => {
    lines.push(`#${i + 1} ${s.name}`);
    lines.push(s.status === 'cached' ? `#${i + 1} CACHED` : `#${i + 1} DONE ${(s.seconds ?? 1).toFixed(1)}s`);
    lines.push('');
  });
  lines.push(`#${steps.length + 1} exporting to image`, `#${steps.length + 1} DONE 0.1s`, '');
  return analyzeLog(lines.join('\n'), { exitCode: 0 });
}

export function fingerprint(
  dockerfile: Dockerfile,
  line: number,
  files: Record<string, string>,
): SourceFingerprint {
  const stage = dockerfile.stages.find((s) => s.instructions.some((i) => i.line === line))!;
  const instruction = stage.instructions.find((i) => i.line === line)!;
  return makeFingerprint(
    sourceKey(stage, instruction),
    line,
    ['.'],
    Object.entries(files).map(([path, hash]) => ({ path, size: 10, hash })),
  );
}

export function recordOf(
  dockerfileText: string,
  report: BuildReport,
  options: { buildArgs?: string[]; sources?: SourceFingerprint[]; commit?: string; branch?: string } = {},
): { record: BuildRecord; dockerfile: Dockerfile } {
  const dockerfile = parseDockerfile(dockerfileText);
  const record = makeRecord(report, dockerfile, {
    commit: options.commit ?? 'c0ffee0000',
    branch: options.branch ?? 'main',
    dockerfileRepoPath: 'Dockerfile',
    target: null,
    platforms: [],
    durationMs: report.totals.durationMs,
    buildArgs: options.buildArgs ?? [],
    sources: options.sources ?? [],
    now: new Date('2026-12-01T00:00:00Z'),
  });
  return { record, dockerfile };
}

// Every labelled real log, in every format it was recorded in, must give the labelled facts;
// plain and rawjson recordings of the same build must agree on them and on the steps.
// covers: src/engine/report-builder.ts, src/engine/plain-reader.ts, src/engine/rawjson-reader.ts
// covers: src/engine/tty-reader.ts
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { analyzeLog, type BuildReport } from '../../src/engine/index.js';
import { discoverCases, labelChecks, labelFor, uncheckable } from './real-logs.js';

const cases = discoverCases();

function analyzeFile(path: string): BuildReport {
  return analyzeLog(readFileSync(path));
}

/**
 * Steps of a recording in comparable form. Stages that start FROM the same image share one
 * vertex, which BuildKit names after whichever stage it meets first, so FROM steps are compared
 * by image (and so are bake's `[target internal] load metadata`). When a build fails, BuildKit cancels what runs beside the failing step, and whether
 * such a step had completed, come from the cache, or was cancelled first differs between two
 * recordings (plain prints only the state it sees last): in a failed build only the error
 * status is compared exactly, the others count as "ended".
 */
function comparableSteps(report: BuildReport): string[] {
  const racy = report.outcome === 'failure' || report.outcome === 'cancelled';
  const steps = report.steps
    .map((s) => {
      const status = racy && s.status !== 'error' ? 'ended' : s.status;
      // bake targets and compose services share identical vertices too, named after either.
      const shared = s.instruction === 'FROM' || /^\[[^\]]* internal\] load metadata for /.test(s.name);
      const name = shared ? s.name.replace(/^\[[^\]]*\]/, '[*]') : s.name;
      return `${status} ${name}`;
    })
    .sort();
  return [...new Set(steps)];
}

describe('real buildx logs', () => {
  it('finds the shared corpus', () => {
    expect(cases.filter((c) => c.id.startsWith('corpus/')).length).toBeGreaterThanOrEqual(6);
  });

  const runs = cases.flatMap((c) => c.logs.map((log) => ({ ...c, log })));
  it.each(runs.map((run) => [`${run.id} ${run.log.file}`, run] as const))(
    '%s gives the labelled facts',
    (_title, run) => {
      const report = analyzeFile(run.log.path);
      const format = run.log.file.replace('.log', '');
      const label = labelFor(run.label, format);
      expect(report.format).toBe(format);
      // Logs pasted with text around buildx's own (a CI runner's preamble) label how much.
      expect(report.unrecognizedLines).toBe(
        typeof label.unrecognizedLines === 'number' ? label.unrecognizedLines : 0,
      );
      for (const [key, expected, actual] of labelChecks(label, report, uncheckable(format, report))) {
        expect({ [key]: actual }).toEqual({ [key]: expected });
      }
    },
  );

  const pairs = cases.filter(
    (c) => c.logs.some((l) => l.file === 'plain.log') && c.logs.some((l) => l.file === 'rawjson.log'),
  );
  it.each(pairs.map((c) => [c.id, c] as const))('%s: plain and rawjson agree', (_title, c) => {
    const plain = analyzeFile(c.logs.find((l) => l.file === 'plain.log')!.path);
    const rawjson = analyzeFile(c.logs.find((l) => l.file === 'rawjson.log')!.path);
    const skip = uncheckable('rawjson', rawjson);
    const facts = (r: BuildReport) => labelChecks(c.label, r, skip).map(([key, , actual]) => [key, actual]);
    expect(facts(rawjson)).toEqual(facts(plain));
    expect(comparableSteps(rawjson)).toEqual(comparableSteps(plain));
    expect(rawjson.error?.category ?? null).toBe(plain.error?.category ?? null);
    expect(rawjson.warnings.map((w) => `${w.rule}@${w.line}`).sort()).toEqual(
      plain.warnings.map((w) => `${w.rule}@${w.line}`).sort(),
    );
  });
});

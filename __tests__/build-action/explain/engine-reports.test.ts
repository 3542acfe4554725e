// The rendering tests use reports written by hand (reports.ts) so they do not
// move with the engine. This checks that the engine makes the same facts of the
// same real logs, and renders the annotation and summary from the engine's own
// reports, plain and rawjson, end to end.
// covers: src/build-action/explain/annotations.ts, src/build-action/explain/cache-bust.ts
// covers: src/build-action/explain/summary.ts
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildAnnotations } from '../../../src/build-action/explain/annotations.js';
import { findCacheBusts } from '../../../src/build-action/explain/cache-bust.js';
import { renderSummary } from '../../../src/build-action/explain/summary.js';
import { parseDockerfile } from '../../../src/engine/dockerfile.js';
import { analyzeLog } from '../../../src/engine/index.js';
import type { BuildReport } from '../../../src/engine/report.js';
import { CORPUS, clean01, copyMissing08, parse09, partial03, runFail06 } from '../reports.js';

const CASES: Array<[string, BuildReport, number]> = [
  ['01-multistage-clean', clean01, 0],
  ['03-multistage-partial-late-copy', partial03, 0],
  ['06-run-fail-exit1', runFail06, 1],
  ['08-copy-missing-file', copyMissing08, 1],
  ['09-parse-unknown-instruction', parse09, 1],
];

const instructionSteps = (report: BuildReport) =>
  report.steps
    .filter((s) => s.kind === 'instruction')
    .map((s) => [s.name.replace(/\s+/g, ' '), s.status, s.stage, s.index])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe.each(CASES)('engine report of %s', (name, handMade, exitCode) => {
  const report = analyzeLog(readFileSync(`${CORPUS}/${name}/plain.log`), { exitCode });

  it('has the facts the hand-made report gives the rendering tests', () => {
    expect(report.outcome).toBe(handMade.outcome);
    const { durationMs: _d, outputLines: _o, cachedSteps: _c, ...totals } = report.totals;
    const { durationMs: _hd, outputLines: _ho, cachedSteps: _hc, ...expected } = handMade.totals;
    expect(totals).toEqual(expected);
    expect(
      report.error && {
        step: report.error.step,
        exitCode: report.error.exitCode,
        line: report.error.line,
        category: report.error.category,
      },
    ).toEqual(
      handMade.error && {
        step: handMade.error.step,
        exitCode: handMade.error.exitCode,
        line: handMade.error.line,
        category: handMade.error.category,
      },
    );
    // Names are compared with whitespace collapsed: the hand-made ones of corpus 01 and 03 are abbreviated the same way.
    expect(instructionSteps(report)).toEqual(instructionSteps(handMade));
  });

  it('renders the same annotation and summary headline from the plain and the rawjson log', () => {
    const dockerfile = parseDockerfile(readFileSync(`${CORPUS}/${name}/Dockerfile`, 'utf8'));
    const rawjson = analyzeLog(readFileSync(`${CORPUS}/${name}/rawjson.log`), { exitCode });
    const facts = { hasDockerignore: true, noCache: false, noCacheStages: [] };
    const render = (r: BuildReport) => {
      const findings = findCacheBusts(dockerfile, r, facts);
      const annotations = buildAnnotations(r, dockerfile, findings, { dockerfileRepoPath: 'Dockerfile' }).map(
        (a) => [a.level, a.title, a.line],
      );
      const summary = renderSummary({
        report: r,
        durationMs: 1000,
        dockerfile,
        dockerfileRepoPath: 'Dockerfile',
        findings,
        gates: [],
        imageId: null,
        digest: null,
        tags: [],
      });
      // rawjson logs have no `#0 building with ...` line, so the builder cell is left out.
      const lines = summary.split('\n');
      return { annotations, heading: lines[0], overview: lines[4].replace(/\| [^|]*\|$/, '') };
    };
    expect(render(rawjson)).toEqual(render(report));
  });
});

it('the failing cases are annotated at the Dockerfile lines from the engine reports', () => {
  const lines = CASES.filter(([, , code]) => code !== 0).map(([name, , exitCode]) => {
    const report = analyzeLog(readFileSync(`${CORPUS}/${name}/plain.log`), { exitCode });
    const dockerfile = parseDockerfile(readFileSync(`${CORPUS}/${name}/Dockerfile`, 'utf8'));
    return buildAnnotations(report, dockerfile, [], { dockerfileRepoPath: 'Dockerfile' })[0]?.line;
  });
  expect(lines).toEqual([6, 3, 5]);
});

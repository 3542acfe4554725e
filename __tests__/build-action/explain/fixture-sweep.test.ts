// Every build the project recorded (scripts/fixtures, engines 20.10, 26.1 and a
// modern buildx/BuildKit) through the engine and the action's rendering: the
// error annotation lands on the right Dockerfile line, also where the old
// BuildKit log names none (the same case on a newer engine names it), and the
// summary and its chart stay well-formed for every case.
// covers: src/build-action/explain/annotations.ts, src/build-action/explain/cache-bust.ts
// covers: src/build-action/explain/summary.ts, src/build-action/explain/timeline.ts
import { describe, it, expect } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAnnotations } from '../../../src/build-action/explain/annotations.js';
import { findCacheBusts } from '../../../src/build-action/explain/cache-bust.js';
import { renderSummary } from '../../../src/build-action/explain/summary.js';
import { GANTT_DIRECTIVE } from '../../../src/build-action/explain/timeline.js';
import { parseDockerfile } from '../../../src/engine/dockerfile.js';
import { analyzeLog } from '../../../src/engine/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/buildlogs');

interface Label {
  case: string;
  outcome: string;
  exitCode: number;
  failedStep: string | null;
  dockerfileLine: number | null;
  warnings?: number;
}

const cases = existsSync(FIXTURES)
  ? readdirSync(FIXTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((engine) =>
        readdirSync(path.join(FIXTURES, engine.name))
          .map((name) => path.join(FIXTURES, engine.name, name))
          .filter(
            (dir) =>
              existsSync(path.join(dir, 'label.json')) &&
              existsSync(path.join(dir, 'plain.log')) &&
              existsSync(path.join(dir, 'Dockerfile')),
          ),
      )
  : [];

const label = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'label.json'), 'utf8')) as Label;

/** The line the same case names on any engine whose log carries one. */
function lineFromAnyEngine(caseName: string): number | null {
  for (const dir of cases.filter((d) => path.basename(d) === caseName)) {
    const line = label(dir).dockerfileLine;
    if (line !== null) return line;
  }
  return null;
}

const TASK_OR_STATEMENT =
  /^(gantt| {2}(dateFormat x|axisFormat \S.*|todayMarker off|section [A-Za-z0-9 _./@=+,…-]+)| {2}[A-Za-z0-9 _./@=+,…-]+ :(crit, |done, |active, )?s\d+, \d+, \d+)$/;

it('finds the recorded fixtures', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

describe.each(cases.map((dir) => [path.relative(FIXTURES, dir), dir]))('%s', (_name, dir) => {
  const facts = label(dir);
  // Computed inside the tests, so a failure is reported against its case.
  const analyzed = () => {
    const report = analyzeLog(readFileSync(path.join(dir, 'plain.log')), {
      exitCode: facts.exitCode,
      cancelled: facts.outcome === 'cancelled',
    });
    const dockerfile = parseDockerfile(readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
    const findings = findCacheBusts(dockerfile, report, {
      hasDockerignore: true,
      noCache: false,
      noCacheStages: [],
    });
    const annotations = buildAnnotations(report, dockerfile, findings, { dockerfileRepoPath: 'Dockerfile' });
    return { report, dockerfile, findings, annotations };
  };

  it('annotates a failed instruction at its Dockerfile line, named in the log or matched from the step', () => {
    const { annotations } = analyzed();
    const error = annotations.find((a) => a.level === 'error');
    if (facts.outcome !== 'failure') {
      expect(error).toBeUndefined();
      return;
    }
    expect(error).toBeDefined();
    const expected =
      facts.dockerfileLine ??
      // A failed step (an instruction, or the metadata load of a base image) has a line, printed or not.
      (facts.failedStep && /^(\[[^\]]*\d+\/\d+\]|\[internal\] load metadata for )/.test(facts.failedStep)
        ? lineFromAnyEngine(facts.case)
        : null);
    if (expected !== null) expect(error!.line).toBe(expected);
  });

  it('annotates each build-check warning', () => {
    const { report, annotations } = analyzed();
    expect(annotations.filter((a) => a.level === 'warning' && a.title.startsWith('Build'))).toHaveLength(
      Math.min(report.warnings.length, 20),
    );
    if (typeof facts.warnings === 'number') expect(report.warnings.length).toBe(facts.warnings);
    if (Array.isArray(facts.warnings)) expect(report.warnings.length).toBe(facts.warnings.length);
  });

  it('renders a summary with a well-formed chart', () => {
    const { report, dockerfile, findings } = analyzed();
    const summary = renderSummary({
      report,
      durationMs: 1000,
      dockerfile,
      dockerfileRepoPath: 'Dockerfile',
      findings,
      gates: [],
      imageId: null,
      digest: null,
      tags: [],
    });
    expect(summary.split('\n')[0]).toMatch(/^## (✅|❌|⏹️|❔) Docker build/);
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(summary)?.[1];
    const [directive, ...lines] = chart?.split('\n') ?? [];
    expect(directive).toBe(GANTT_DIRECTIVE);
    for (const line of lines) expect(line).toMatch(TASK_OR_STATEMENT);
  });
});

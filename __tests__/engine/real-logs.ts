// Finds the real buildx logs the tests run on: the shared corpus copied into
// __tests__/fixtures/corpus/<case>/ and the logs scripts/fixtures/generate.sh records into
// __tests__/fixtures/buildlogs/<engine>/<case>/, each with a label.json of expected facts.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildReport } from '../../src/engine/index.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const LOG_FILES = ['plain.log', 'rawjson.log', 'tty.log'] as const;

export interface Label {
  case: string;
  [key: string]: unknown;
}

export interface LabelledCase {
  /** `corpus/06-run-fail-exit1`, `buildlogs/engine-26/12-oom`. */
  id: string;
  dir: string;
  label: Label;
  logs: { file: string; path: string }[];
}

function subdirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

function labelledCase(id: string, dir: string): LabelledCase | null {
  const labelPath = join(dir, 'label.json');
  if (!existsSync(labelPath)) return null;
  const label = JSON.parse(readFileSync(labelPath, 'utf8')) as Label;
  const logs = LOG_FILES.filter((file) => existsSync(join(dir, file))).map((file) => ({
    file,
    path: join(dir, file),
  }));
  return { id, dir, label, logs };
}

export function discoverCases(): LabelledCase[] {
  const cases: LabelledCase[] = [];
  for (const name of subdirectories(join(FIXTURES, 'corpus'))) {
    const found = labelledCase(`corpus/${name}`, join(FIXTURES, 'corpus', name));
    if (found !== null) cases.push(found);
  }
  const generated = join(FIXTURES, 'buildlogs');
  for (const engine of subdirectories(generated)) {
    for (const name of subdirectories(join(generated, engine))) {
      const found = labelledCase(`buildlogs/${engine}/${name}`, join(generated, engine, name));
      if (found !== null) cases.push(found);
    }
  }
  return cases;
}

/**
 * The label of one recording: each format of a case is a build of its own, and where their facts
 * differ (a race in BuildKit), `byFormat.<format>` states that recording's.
 */
export function labelFor(label: Label, format: string): Label {
  const byFormat = label.byFormat as Record<string, Record<string, unknown>> | undefined;
  return { ...label, ...(byFormat?.[format] ?? {}) };
}

/** Label key -> the report value it states (see the corpus README). */
export const LABEL_FIELDS: Record<string, (report: BuildReport) => unknown> = {
  outcome: (r) => r.outcome,
  instructionSteps: (r) => r.totals.instructionSteps,
  cachedInstructionSteps: (r) => r.totals.cachedInstructionSteps,
  fromSteps: (r) => r.totals.fromSteps,
  failedStep: (r) => r.error?.step ?? null,
  failedExitCode: (r) => r.error?.exitCode ?? null,
  dockerfileLine: (r) => r.error?.line ?? null,
  contextBytes: (r) => r.totals.contextBytes,
  stepOutputLines: (r) => r.totals.outputLines,
  category: (r) => r.error?.category ?? null,
  platforms: (r) => r.platforms,
};

/** BuildKit names cache refs with random ids (`ref r5rw...::ndxa...`) that differ per recording. */
function withoutRandomRefs(text: string): string {
  return text.replace(/\bref [a-z0-9]+::[a-z0-9]+/g, 'ref <id>');
}

/**
 * Label keys a recording in this format cannot be held to. The tty display shows only a window
 * of each running step's output, so it cannot give the number of lines printed. When BuildKit
 * clipped a step's output (its rate limit, 200KiB/s), the plain and rawjson recordings of the
 * same build clipped at different lines, and the label counts the plain one.
 */
export function uncheckable(format: string, report: BuildReport): Set<string> {
  const skip = new Set<string>();
  if (format === 'tty' || (format !== 'plain' && report.outputClipped)) skip.add('stepOutputLines');
  return skip;
}

/**
 * Cases whose true cause (their label's category) only the failing command's own output shows
 * (`exec /usr/local/bin/prog: exec format error`, printed in the step's output stream, exit 1).
 * The command's output is written by the code being built, so the engine never takes its category
 * from there (issue 17): it reports buildx's `command-failed` and offers the label's category as
 * `outputSuggests`, which is what is checked.
 */
const CAUSE_ONLY_IN_OUTPUT = new Set(['env-exec-format']);

/** How each labelled fact compares with the report: [label key, expected, actual] triples. */
export function labelChecks(
  label: Label,
  report: BuildReport,
  skip: ReadonlySet<string> = new Set(),
): [string, unknown, unknown][] {
  const checks: [string, unknown, unknown][] = [];
  for (const [key, read] of Object.entries(LABEL_FIELDS)) {
    if (!(key in label) || skip.has(key)) continue;
    let expected = label[key];
    let actual = read(report);
    if (key === 'category' && CAUSE_ONLY_IN_OUTPUT.has(label.case)) {
      expected = `command-failed, its output suggesting ${String(expected)}`;
      actual = `${String(actual)}, its output suggesting ${String(report.error?.outputSuggests)}`;
    }
    // Platforms are a set: the log order of two parallel platforms is not stable.
    if (key === 'platforms' && Array.isArray(expected) && Array.isArray(actual)) {
      checks.push([key, [...expected].sort(), [...actual].sort()]);
    } else checks.push([key, expected, actual]);
  }
  if (typeof label.errorContains === 'string') {
    const expected = withoutRandomRefs(label.errorContains);
    const message = withoutRandomRefs(report.error?.message ?? '');
    checks.push(['errorContains', expected, message.includes(expected) ? expected : message]);
  } else if (label.errorContains === null && 'errorContains' in label) {
    checks.push(['errorContains', null, report.error === null ? null : report.error.message]);
  }
  if ('warnings' in label) checks.push(warningCheck(label.warnings, report));
  return checks;
}

function warningCheck(expected: unknown, report: BuildReport): [string, unknown, unknown] {
  if (typeof expected === 'number') return ['warnings', expected, report.warnings.length];
  if (Array.isArray(expected)) {
    const describe = (w: unknown): string => {
      if (typeof w === 'string') return w;
      const { rule, line } = (w ?? {}) as { rule?: unknown; line?: unknown };
      return line === undefined ? String(rule) : `${String(rule)}@${String(line)}`;
    };
    const wanted = expected.map(describe).sort();
    const withLines = expected.some((w) => typeof w === 'object' && w !== null && 'line' in w);
    const got = report.warnings
      .filter((w) => w.rule !== 'WARNING')
      .map((w) => (withLines ? `${w.rule}@${String(w.line)}` : w.rule))
      .sort();
    return ['warnings', wanted, got];
  }
  return ['warnings', expected, report.warnings];
}

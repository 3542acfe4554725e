// PR annotations for a build: the error at its Dockerfile line, build-check
// warnings at theirs, cache findings at the instruction that caused them. Pure:
// returns the list; main.ts hands it to the workflow-command writer, which escapes
// the command syntax. Messages are plain text (GitHub does not render markdown in
// annotations), stripped of control characters and bounded.
import type { Dockerfile, BuildReport } from '../../engine/index.js';
import { truncate } from '../../github/escape.js';
import type { RunnerAnnotation } from '../../github/runner-port.js';
import { stripControl } from '../../shared/text.js';
import type { CacheFinding } from './cache-bust.js';
import type { GateResult } from './gates.js';
import { locateError } from './error-location.js';

export interface AnnotationFacts {
  /** Repository-relative path of the Dockerfile that was built (`Dockerfile`, `docker/app.Dockerfile`), null when outside the repository. */
  dockerfileRepoPath: string | null;
}

/** Most annotations GitHub shows per step and type is 10; a few more than that are kept for the log. */
const MAX_WARNINGS = 20;
const MAX_MESSAGE_CHARS = 4000;
const LOG_TAIL_LINES = 10;

const CATEGORY_LABELS: Record<string, string> = {
  'dockerfile-syntax': 'Dockerfile syntax error',
  'missing-file': 'file missing from the build context',
  'command-failed': 'command failed',
  'command-not-found': 'command not found',
  'killed-oom': 'killed (out of memory?)',
  network: 'network error',
  'registry-auth': 'registry authentication failed',
  'image-not-found': 'image not found',
  platform: 'wrong platform / exec format',
  'disk-full': 'disk full',
  'builder-environment': 'the builder could not run the step',
  'build-check': 'build checks failed',
  cancelled: 'cancelled',
  unknown: 'unknown error',
};

function clean(text: string): string {
  return truncate(stripControl(text), MAX_MESSAGE_CHARS);
}

function at(
  facts: AnnotationFacts,
  line: number | null | undefined,
): Pick<RunnerAnnotation, 'file' | 'line'> {
  if (facts.dockerfileRepoPath === null) return {};
  return line ? { file: facts.dockerfileRepoPath, line } : { file: facts.dockerfileRepoPath };
}

export function errorTitle(report: BuildReport): string {
  const error = report.error;
  // A cancelled build did not fail: buildx reports the cancel as an error (`context canceled`).
  if (report.outcome === 'cancelled' || error?.category === 'cancelled') return 'Build cancelled';
  if (!error) return 'Build failed';
  const exit = error.exitCode !== null ? ` (exit code ${error.exitCode})` : '';
  return `Build failed: ${CATEGORY_LABELS[error.category] ?? error.category}${exit}`;
}

export function buildAnnotations(
  report: BuildReport,
  dockerfile: Dockerfile | null,
  findings: readonly CacheFinding[],
  facts: AnnotationFacts,
): RunnerAnnotation[] {
  const annotations: RunnerAnnotation[] = [];
  const error = report.error;
  if (error && report.outcome !== 'cancelled') {
    const location = locateError(report, dockerfile);
    const parts = [error.message];
    if (error.step) parts.push(`Step: ${error.step}`);
    const tail = error.logTail.slice(-LOG_TAIL_LINES);
    if (tail.length > 0) parts.push(`Last output:\n${tail.join('\n')}`);
    if (error.hint) parts.push(`Hint: ${error.hint}`);
    annotations.push({
      level: 'error',
      title: errorTitle(report),
      message: clean(parts.join('\n\n')),
      ...at(facts, location?.line),
    });
  }
  for (const warning of report.warnings.slice(0, MAX_WARNINGS)) {
    const sameFile =
      warning.file === null ||
      facts.dockerfileRepoPath === null ||
      facts.dockerfileRepoPath.endsWith(warning.file);
    annotations.push({
      level: 'warning',
      title: clean(warning.rule === 'WARN' ? 'Build warning' : `Build check: ${warning.rule}`),
      message: clean(warning.message),
      ...(sameFile ? at(facts, warning.line) : {}),
    });
  }
  for (const finding of findings) {
    annotations.push({
      level: finding.level,
      title: finding.title,
      message: clean(finding.message),
      ...at(facts, finding.line),
    });
  }
  return annotations;
}

/** One error annotation per breached gate: which threshold, and by how much. */
export function gateAnnotations(results: readonly GateResult[]): RunnerAnnotation[] {
  return results
    .filter((r) => !r.passed)
    .map((r) => ({
      level: 'error' as const,
      title: `Gate ${r.gate} failed`,
      message: `${r.message}: ${r.excess}.`,
    }));
}

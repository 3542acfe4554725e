// The human form of a build report, for a terminal: an aligned table of steps, the totals, the
// error with its hint, the warnings. Build output is untrusted, so every text that came from
// the log loses its control characters (a RUN step could otherwise print escape sequences
// that rewrite the reader's terminal).
import { terminalLine as clean } from '../shared/text.js';
import { formatBytes, formatDuration } from '../shared/units.js';
import type { BuildReport, StepReport } from './report.js';

const STATUS_WIDTH = 'incomplete'.length;

export function renderReportText(report: BuildReport): string {
  const out: string[] = [];
  const outcome = report.outcome.toUpperCase();
  const builder =
    report.builder !== null
      ? `, builder ${clean(report.builder.name)} (${clean(report.builder.driver)})`
      : '';
  out.push(`Build ${outcome} — ${report.format} log${builder}`);
  if (report.platforms.length > 0) out.push(`Platforms: ${report.platforms.map(clean).join(', ')}`);
  out.push('');
  out.push(...stepTable(report.steps));
  out.push('');
  out.push(...totals(report));
  if (report.error !== null) out.push('', ...errorSection(report));
  if (report.warnings.length > 0) {
    out.push('', `Warnings (${report.warnings.length}):`);
    for (const w of report.warnings) {
      const where = w.line !== null ? ` (${w.file !== null ? `${clean(w.file)}:` : 'line '}${w.line})` : '';
      out.push(`  ${clean(w.rule)}${where}: ${clean(w.message)}`);
    }
  }
  const notes: string[] = [];
  if (report.legacyBuilder === true)
    notes.push(
      "this is the legacy builder's output (`Step N/M :`), which is not analysed: rerun with BuildKit (docker buildx build, --progress=plain)",
    );
  if (report.outputClipped) notes.push('some step output was clipped by buildx (log limit)');
  if (report.unrecognizedLines > 0) notes.push(`${report.unrecognizedLines} unrecognised line(s) skipped`);
  if (report.truncatedLines > 0) notes.push(`${report.truncatedLines} over-long line(s) cut`);
  if (notes.length > 0) out.push('', `Note: ${notes.join('; ')}.`);
  return `${out.join('\n')}\n`;
}

function stepTable(steps: StepReport[]): string[] {
  if (steps.length === 0) return ['No build steps found in the log.'];
  const durations = steps.map((s) => (s.durationMs === null ? '-' : formatDuration(s.durationMs)));
  const outputs = steps.map((s) => String(s.outputLines));
  const durationWidth = Math.max('TIME'.length, ...durations.map((d) => d.length));
  const outputWidth = Math.max('LINES'.length, ...outputs.map((o) => o.length));
  const row = (status: string, duration: string, output: string, name: string) =>
    `${status.padEnd(STATUS_WIDTH)}  ${duration.padStart(durationWidth)}  ${output.padStart(outputWidth)}  ${name}`;
  return [
    row('STATUS', 'TIME', 'LINES', 'STEP'),
    ...steps.map((s, i) => row(s.status, durations[i]!, outputs[i]!, clean(s.name))),
  ];
}

function totals(report: BuildReport): string[] {
  const t = report.totals;
  const ratio = t.cacheHitRatio === null ? 'n/a' : `${Math.round(t.cacheHitRatio * 100)}%`;
  return [
    `Steps:    ${t.instructionSteps} instruction steps (${t.fromSteps} FROM), ${t.cachedInstructionSteps} cached; cache hit ratio ${ratio} (FROM excluded)`,
    `Duration: ${t.durationMs === null ? '-' : formatDuration(t.durationMs)}`,
    `Context:  ${t.contextBytes === null ? 'n/a' : formatBytes(t.contextBytes)}`,
    `Output:   ${t.outputLines} line(s)`,
  ];
}

function errorSection(report: BuildReport): string[] {
  const e = report.error!;
  const out: string[] = [];
  const where =
    e.file !== null && e.line !== null
      ? ` at ${clean(e.file)}:${e.line}`
      : e.line !== null
        ? ` at line ${e.line}`
        : '';
  const exit = e.exitCode !== null ? ` (exit code ${e.exitCode})` : '';
  out.push(`Error${e.step !== null ? ` in ${clean(e.step)}` : ''}${exit}${where}:`);
  out.push(`  ${clean(e.message)}`);
  out.push(`  Cause: ${e.category}. ${e.hint}`);
  // Printed by the failing command itself (the code being built): a lead, never the cause.
  if (e.outputSuggests) out.push(`  Its output suggests: ${e.outputSuggests} (as the command printed it).`);
  if (e.excerpt.length > 0) out.push('  Dockerfile:', ...e.excerpt.map((l) => `    ${clean(l)}`));
  if (e.logTail.length > 0) out.push('  Last output:', ...e.logTail.map((l) => `    ${clean(l)}`));
  return out;
}

// The job summary of a build, as markdown. Pure. Everything that came from the
// build (step names, output, error text, Dockerfile lines) is untrusted and goes
// through src/github/escape.ts; tables and blocks are bounded so the summary
// stays far below GitHub's 1 MiB limit whatever the build printed.
import type { Dockerfile, BuildReport, StepReport } from '../../engine/index.js';
import { escapeMarkdownInline, inlineCode, preBlock } from '../../github/escape.js';
import { table } from '../../github/markdown.js';
import { errorTitle } from './annotations.js';
import type { CacheFinding } from './cache-bust.js';
import { cachedStepsText } from './cache-figure.js';
import { dockerfileExcerpt, locateError } from './error-location.js';
import type { GateResult } from './gates.js';
import { contextSizeText, type ContextSize } from './context-size.js';
import type { SetupError } from './setup-errors.js';
import { renderTimeline } from './timeline.js';
import { formatBytes, formatDuration, formatRatio } from '../../shared/units.js';

export interface SummaryInput {
  report: BuildReport;
  /** Wall time the action measured around buildx, preferred over the log's own total. */
  durationMs: number | null;
  dockerfile: Dockerfile | null;
  /** Repository-relative Dockerfile path, for links in the text. */
  dockerfileRepoPath: string | null;
  findings: readonly CacheFinding[];
  gates: readonly GateResult[];
  /** The build context as the action measured it; the log's transferred figure when absent. */
  context?: ContextSize;
  imageId: string | null;
  digest: string | null;
  tags: readonly string[];
  observedStartMs?: ReadonlyMap<string, number>;
  observedEndMs?: ReadonlyMap<string, number>;
  /** History gates (regression against the last record) that failed: their section follows the summary, the headline counts them. */
  failedHistoryGates?: number;
}

const MAX_SLOWEST_STEPS = 15;
const MAX_WARNINGS_LISTED = 30;
const MAX_ALL_STEPS = 200;
const MAX_SUMMARY_CHARS = 512 * 1024;

const OUTCOME_HEADINGS: Record<BuildReport['outcome'], string> = {
  success: '✅ Docker build succeeded',
  failure: '❌ Docker build failed',
  cancelled: '⏹️ Docker build cancelled',
  unknown: '❔ Docker build finished (outcome unknown)',
};

const STATUS_LABELS: Record<StepReport['status'], string> = {
  done: 'ran',
  cached: 'cached',
  error: '❌ failed',
  cancelled: 'cancelled',
  incomplete: 'incomplete',
};

function stepCell(step: StepReport): string {
  return inlineCode(step.name.length > 120 ? `${step.name.slice(0, 119)}…` : step.name);
}

function overview(input: SummaryInput): string[] {
  const { report } = input;
  const t = report.totals;
  const ratio =
    t.cacheHitRatio === null ? 'n/a' : `${formatRatio(t.cacheHitRatio)} (${cachedStepsText(report)})`;
  const builder = report.builder ? `${report.builder.name} (${report.builder.driver})` : 'n/a';
  const lines = table(
    ['Duration', 'Cache hit ratio', 'Steps', 'Build context', 'Builder'],
    [],
    [
      [
        formatDuration(input.durationMs ?? t.durationMs),
        ratio,
        String(t.instructionSteps),
        input.context ? escapeMarkdownInline(contextCell(input.context)) : formatBytes(t.contextBytes),
        escapeMarkdownInline(builder),
      ],
    ],
  );
  const image: string[] = [];
  if (input.tags.length > 0) image.push(`Tags: ${input.tags.slice(0, 10).map(inlineCode).join(' ')}`);
  if (input.digest) image.push(`Digest: ${inlineCode(input.digest)}`);
  else if (input.imageId) image.push(`Image ID: ${inlineCode(input.imageId)}`);
  if (report.platforms.length > 0) image.push(`Platforms: ${report.platforms.map(inlineCode).join(' ')}`);
  if (image.length > 0) lines.push('', image.join(' · '));
  return lines;
}

/** The measured size, and what was sent when that differs (the builder had the rest already). */
function contextCell(context: ContextSize): string {
  const text = contextSizeText(context);
  if (context.measured !== 'context-directory' || context.transferredBytes === null) return text;
  return context.transferredBytes === context.bytes
    ? text
    : `${text}, ${formatBytes(context.transferredBytes)} sent`;
}

function errorSection(input: SummaryInput): string[] {
  const { report } = input;
  const error = report.error;
  if (!error || report.outcome === 'success') return [];
  const location = locateError(report, input.dockerfile);
  const where: string[] = [];
  if (error.step) where.push(`in ${inlineCode(error.step)}`);
  if (location) {
    const file = input.dockerfileRepoPath ?? error.file ?? 'Dockerfile';
    where.push(
      `at ${inlineCode(`${file}:${location.line}`)}${location.source === 'step' ? ' (matched from the step; the log names no line)' : ''}`,
    );
  }
  const lines = [
    '### Error',
    '',
    [`**${escapeMarkdownInline(errorTitle(report))}**`, ...where].join(' '),
    '',
    preBlock([error.message]),
  ];
  const excerpt =
    error.excerpt.length > 0
      ? error.excerpt
      : input.dockerfile && location
        ? dockerfileExcerpt(input.dockerfile, location)
        : [];
  if (excerpt.length > 0) lines.push('', `Dockerfile:`, '', preBlock(excerpt.slice(0, 20)));
  if (error.logTail.length > 0) lines.push('', 'Last output lines:', '', preBlock(error.logTail.slice(-20)));
  if (error.hint) lines.push('', `> 💡 ${escapeMarkdownInline(error.hint)}`);
  return lines;
}

/** A build buildx passed but a gate failed still fails the step: the heading says both. */
/** The headline carries the worst result: a build that succeeded with a failed gate is a ❌. */
function heading(input: SummaryInput): string {
  const breached = input.gates.filter((g) => !g.passed).length + (input.failedHistoryGates ?? 0);
  const base = OUTCOME_HEADINGS[input.report.outcome];
  if (breached === 0) return base;
  const worst = input.report.outcome === 'success' ? base.replace(/^✅/u, '❌') : base;
  return `${worst}, but ${breached} gate${breached === 1 ? '' : 's'} failed`;
}

function gateSection(gates: readonly GateResult[]): string[] {
  if (gates.length === 0) return [];
  return [
    '### Gates',
    '',
    ...table(
      ['Gate', 'Result', 'Measured'],
      [],
      gates.map((g) => [
        inlineCode(g.gate),
        g.passed ? '✅ passed' : `❌ failed: ${escapeMarkdownInline(g.excess ?? '')}`,
        escapeMarkdownInline(g.message),
      ]),
    ),
  ];
}

function findingsSection(findings: readonly CacheFinding[], dockerfileRepoPath: string | null): string[] {
  if (findings.length === 0) return [];
  const file = dockerfileRepoPath ?? 'Dockerfile';
  return [
    '### Cache and Dockerfile hints',
    '',
    ...findings.map((f) => {
      const where = f.line !== null ? ` (${inlineCode(`${file}:${f.line}`)})` : '';
      return `- **${escapeMarkdownInline(f.title)}**${where}: ${markdownWithCode(f.message)}`;
    }),
  ];
}

/**
 * Finding messages quote Dockerfile text between backticks. Each quoted part
 * becomes an escaped <code>, the rest escaped inline markdown, so the quoting
 * survives without trusting the Dockerfile.
 */
function markdownWithCode(text: string): string {
  return text
    .split(/`([^`]*)`/)
    .map((part, i) => (i % 2 === 1 ? inlineCode(part) : escapeMarkdownInline(part)))
    .join('');
}

function slowestSection(report: BuildReport): string[] {
  const steps = report.steps.filter((s) => s.kind === 'instruction' || s.durationMs !== null);
  if (steps.length === 0) return [];
  const slowest = [...steps]
    .filter((s) => s.kind === 'instruction')
    .sort((a, b) => (b.durationMs ?? -1) - (a.durationMs ?? -1))
    .slice(0, MAX_SLOWEST_STEPS);
  if (slowest.length === 0) return [];
  return [
    '### Slowest steps',
    '',
    ...table(
      ['Step', 'Status', 'Duration', 'Output lines'],
      ['left', 'left', 'right', 'right'],
      slowest.map((s) => [
        stepCell(s),
        STATUS_LABELS[s.status],
        formatDuration(s.durationMs),
        String(s.outputLines),
      ]),
    ),
  ];
}

function timelineSection(input: SummaryInput): string[] {
  const chart = renderTimeline(input.report, {
    ...(input.observedStartMs ? { observedStartMs: input.observedStartMs } : {}),
    ...(input.observedEndMs ? { observedEndMs: input.observedEndMs } : {}),
  });
  if (chart === null) return [];
  return ['### Timeline', '', 'Grey: cached · blue: ran · red: failed.', '', '```mermaid', chart, '```'];
}

function warningsSection(report: BuildReport, dockerfileRepoPath: string | null): string[] {
  if (report.warnings.length === 0) return [];
  const listed = report.warnings.slice(0, MAX_WARNINGS_LISTED).map((w) => {
    const where =
      w.line !== null ? ` (${inlineCode(`${w.file ?? dockerfileRepoPath ?? 'Dockerfile'}:${w.line}`)})` : '';
    return `- ${inlineCode(w.rule)}${where}: ${escapeMarkdownInline(w.message)}`;
  });
  const more =
    report.warnings.length > MAX_WARNINGS_LISTED
      ? [`- … and ${report.warnings.length - MAX_WARNINGS_LISTED} more`]
      : [];
  return [`### Warnings (${report.warnings.length})`, '', ...listed, ...more];
}

function allStepsSection(report: BuildReport): string[] {
  if (report.steps.length === 0) return [];
  const rows = report.steps
    .slice(0, MAX_ALL_STEPS)
    .map((s) => [stepCell(s), STATUS_LABELS[s.status], formatDuration(s.durationMs)]);
  const more =
    report.steps.length > MAX_ALL_STEPS
      ? [``, `${report.steps.length - MAX_ALL_STEPS} more steps not shown.`]
      : [];
  return [
    `<details><summary>All steps (${report.steps.length})</summary>`,
    '',
    ...table(['Step', 'Status', 'Duration'], ['left', 'left', 'right'], rows),
    ...more,
    '',
    '</details>',
  ];
}

export function renderSummary(input: SummaryInput): string {
  const notes: string[] = [];
  if (input.report.outputClipped)
    notes.push(
      '> ⚠️ buildx clipped some step output (log limit reached); counts of output lines are lower bounds.',
    );
  if (input.report.unrecognizedLines > 0)
    notes.push(`> ${input.report.unrecognizedLines} log lines were not recognised.`);
  const sections = [
    [`## ${heading(input)}`, '', ...overview(input)],
    errorSection(input),
    gateSection(input.gates),
    findingsSection(input.findings, input.dockerfileRepoPath),
    warningsSection(input.report, input.dockerfileRepoPath),
    slowestSection(input.report),
    timelineSection(input),
    allStepsSection(input.report),
    notes,
  ].filter((s) => s.length > 0);
  const markdown = `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
  // Every part is bounded already; this is the last line of defence for the 1 MiB limit.
  return markdown.length <= MAX_SUMMARY_CHARS
    ? markdown
    : `${markdown.slice(0, MAX_SUMMARY_CHARS)}\n\n… summary cut at ${MAX_SUMMARY_CHARS} characters.\n`;
}

/** The summary when buildx could not start: nothing was built, so the cause is the whole story. */
export function renderSetupErrorSummary(error: SetupError, lastLines: readonly string[]): string {
  return [
    `## ❌ ${escapeMarkdownInline(error.title)}`,
    '',
    escapeMarkdownInline(error.message),
    '',
    'buildx printed:',
    '',
    `${preBlock(lastLines.slice(-10))}\n`,
  ].join('\n');
}

// History in words: the cache-miss blame, .dockerignore proposals and the comparison with the
// default branch, as a job-summary section and as annotations at the instructions. Pure; every
// piece of repository or build text is escaped here (summary) or kept as plain text for the
// annotation writer, which escapes the command syntax.
import { escapeMarkdownInline, inlineCode, preBlock, truncate } from '../../github/escape.js';
import { stripControl } from '../../shared/text.js';
import { table } from '../../github/markdown.js';
import type { RunnerAnnotation } from '../../github/runner-port.js';
import { formatBytes, formatDuration, formatRatio } from '../../shared/units.js';
import type { Blame, BlameCause } from './record/blame.js';
import type { Delta, Regression } from './record/regression.js';
import type { HistoryResult } from './session.js';

const short = (commit: string | null) => (commit === null ? 'unknown commit' : commit.slice(0, 7));

/** The cause in one plain-text sentence (no trailing period). */
export function describeCause(cause: BlameCause): string {
  switch (cause.kind) {
    case 'no-record':
      return 'no cache record yet: this is the first recorded build of this target, nothing to compare with';
    case 'no-cache-requested':
      return 'the cache was turned off for it (no-cache or no-cache-filters)';
    case 'base-image':
      return `the base image ${cause.image} moved: its digest was ${cause.before.slice(0, 19)}…, now ${cause.after.slice(0, 19)}…`;
    case 'instruction':
      if (cause.before === null) return `the instruction on line ${cause.line} is new: ${cause.after ?? ''}`;
      return `the instruction on line ${cause.line} changed: was ${cause.before}, now ${cause.after ?? '(removed)'}`;
    case 'env':
      return `the value of ENV ${cause.names.join(', ')} (line ${cause.line}) changed`;
    case 'build-arg':
      return `the value of build-arg ${cause.names.join(', ')} changed`;
    case 'build-arg-not-recorded':
      return cause.names.length === 1
        ? `build-arg ${cause.names[0]} may have changed: its value is not recorded because its name looks like a secret (pass secrets with the secrets input, not as build-args)`
        : `build-args ${cause.names.join(', ')} may have changed: their values are not recorded because their names look like secrets (pass secrets with the secrets input, not as build-args)`;
    case 'files': {
      const listed = cause.changes.map((c) => `${c.path}${c.change === 'modified' ? '' : ` (${c.change})`}`);
      const more = cause.total > listed.length ? ` and ${cause.total - listed.length} more` : '';
      const word = cause.total === 1 ? 'file' : 'files';
      return `${cause.total}${cause.incomplete ? '+' : ''} ${word} it copies changed: ${listed.join(', ')}${more}`;
    }
    case 'stage':
      return `stage ${cause.stage}, which it builds on or copies from, was rebuilt`;
    case 'nothing-changed':
      return (
        `nothing it depends on changed since the recorded build (${short(cause.since)}): the builder had no cache for it. ` +
        'On a fresh runner, import the cache (cache-from/cache-to, e.g. type=gha or a registry cache)'
      );
  }
}

function costText(blame: Blame): string {
  const own = `${formatDuration(blame.costMs)} (${blame.rerunSteps} step${blame.rerunSteps === 1 ? '' : 's'})`;
  const forced = blame.totalCostMs - blame.costMs;
  return forced > 0 ? `${own} + ${formatDuration(forced)} in stages that depend on it` : own;
}

const stageName = (b: Blame) =>
  `${b.stage ?? (b.stageIndex === 0 ? 'the build' : `stage-${b.stageIndex}`)}${b.platform === null ? '' : ` (${b.platform})`}`;

/** Causes precise enough to point at an instruction. */
const ANNOTATED: ReadonlySet<BlameCause['kind']> = new Set([
  'base-image',
  'instruction',
  'env',
  'build-arg',
  'build-arg-not-recorded',
  'files',
]);

export function historyAnnotations(
  result: HistoryResult,
  dockerfileRepoPath: string | null,
): RunnerAnnotation[] {
  const annotations: RunnerAnnotation[] = [];
  for (const blame of result.blames) {
    if (!ANNOTATED.has(blame.cause.kind)) continue;
    annotations.push({
      level: 'notice',
      title: `Cache miss in ${stageName(blame)}`,
      message: truncate(
        stripControl(
          `${describeCause(blame.cause)}. Cost: ${costText(blame)}.${proposalHint(result, blame)}`,
        ),
        4000,
      ),
      ...(dockerfileRepoPath !== null ? { file: dockerfileRepoPath, line: blame.line } : {}),
    });
  }
  for (const gate of result.regression.gates.filter((g) => !g.passed)) {
    annotations.push({
      level: 'error',
      title: `Gate ${gate.gate} failed`,
      message: `${gate.message}${gate.excess ? ` (${gate.excess})` : ''}; baseline: ${baselineText(result.regression)}.`,
    });
  }
  return annotations;
}

function proposalHint(result: HistoryResult, blame: Blame): string {
  if (blame.cause.kind !== 'files') return '';
  const files = new Set(blame.cause.changes.map((c) => c.path));
  const lines = result.proposals.filter((p) => p.files.some((f) => files.has(f))).map((p) => p.pattern);
  return lines.length > 0
    ? ` The image does not seem to need them: add to .dockerignore: ${lines.join(', ')}`
    : '';
}

function baselineText(regression: Regression): string {
  const b = regression.baseline;
  return b === null ? 'none' : `${b.branch ?? 'unknown branch'} at ${short(b.commit)}`;
}

function change(delta: Delta, format: (n: number) => string): string {
  if (delta.before === null || delta.after === null) return '';
  const diff = delta.after - delta.before;
  if (diff === 0) return 'same';
  const percent =
    delta.before !== 0 && Math.abs(diff / delta.before) < 10
      ? ` (${diff > 0 ? '+' : '−'}${Math.abs(Math.round((diff / delta.before) * 100))}%)`
      : '';
  return `${diff > 0 ? '+' : '−'}${format(Math.abs(diff))}${percent}`;
}

function ratioChange(delta: Delta): string {
  if (delta.before === null || delta.after === null) return '';
  const points = Math.round((delta.after - delta.before) * 100);
  return points === 0 ? 'same' : `${points > 0 ? '+' : '−'}${Math.abs(points)} points`;
}

export interface JobRow {
  label: string;
  regression: Regression;
}

export function renderHistorySection(
  result: HistoryResult,
  dockerfileRepoPath: string | null,
  jobRows: readonly JobRow[] = [],
): string[] {
  const out: string[] = [];
  if (result.blames.length > 0) {
    const rows = result.blames.map((b) => [
      escapeMarkdownInline(stageName(b)),
      `${inlineCode(truncate(b.instruction, 80))} (line ${b.line})`,
      escapeMarkdownInline(describeCause(b.cause)),
      escapeMarkdownInline(costText(b)),
    ]);
    out.push(
      '### Why the cache missed',
      '',
      ...table(['Stage', 'First step that ran', 'Cause', 'Cost'], ['left', 'left', 'left', 'right'], rows),
    );
  }
  if (result.proposals.length > 0) {
    out.push(
      '',
      `These changed files broke the cache and the image does not seem to need them. Add to ${inlineCode('.dockerignore')}:`,
      '',
      preBlock(result.proposals.map((p) => p.pattern)),
      '',
      ...result.proposals.map((p) => `- ${inlineCode(p.pattern)}: ${escapeMarkdownInline(p.reason)}`),
    );
  }
  const r = result.regression;
  if (r.baseline !== null) {
    if (out.length > 0) out.push('');
    const against = result.gated ? 'the default branch' : 'the previous build';
    out.push(
      `### Compared with ${against} (${escapeMarkdownInline(r.baseline.branch ?? '?')} at ${inlineCode(short(r.baseline.commit))})`,
      '',
    );
    if (jobRows.length > 1) {
      out.push(...jobTable(jobRows));
    } else {
      const cell = (d: Delta, f: (n: number) => string) => [
        d.before === null ? 'n/a' : f(d.before),
        d.after === null ? 'n/a' : f(d.after),
      ];
      out.push(
        ...table(
          ['', escapeMarkdownInline(r.baseline.branch ?? 'baseline'), 'this build', 'change'],
          ['left', 'right', 'right', 'right'],
          [
            ['Duration', ...cell(r.duration, formatDuration), change(r.duration, formatDuration)],
            ['Cache hit ratio', ...cell(r.cacheRatio, formatRatio), ratioChange(r.cacheRatio)],
            ['Build context', ...cell(r.contextBytes, formatBytes), change(r.contextBytes, formatBytes)],
            [
              'Cache export',
              ...cell(r.cacheExportMs, formatDuration),
              change(r.cacheExportMs, formatDuration),
            ],
          ],
        ),
      );
    }
    if (r.slowestSteps.length > 0) {
      out.push(
        '',
        '<details><summary>Slowest steps against the baseline</summary>',
        '',
        ...table(
          ['Step', 'baseline', 'this build', 'change'],
          ['left', 'right', 'right', 'right'],
          r.slowestSteps.map((s) => [
            inlineCode(truncate(s.name, 80)),
            s.before === null ? 'n/a' : formatDuration(s.before),
            formatDuration(s.after),
            change(s, formatDuration),
          ]),
        ),
        '',
        '</details>',
      );
    }
  } else if (result.gated && r.gates.length > 0) {
    out.push('', 'No record of the default branch yet: the regression gates pass until it has one.');
  }
  if (r.gates.length > 0) {
    out.push(
      '',
      ...r.gates.map(
        (g) =>
          `- ${g.passed ? '✅' : '❌'} ${inlineCode(g.gate)}: ${escapeMarkdownInline(g.message)}${g.excess ? ` (${escapeMarkdownInline(g.excess)})` : ''}`,
      ),
    );
  }
  const notes: string[] = [];
  if (result.saved === 'not-saved' && result.record.outcome === 'success')
    notes.push('the build record could not be saved');
  if (notes.length > 0 || result.warnings.length > 0)
    out.push('', ...[...notes, ...result.warnings].map((w) => `> ${escapeMarkdownInline(w)}`));
  return out.length === 0 ? [] : ['## Build history', '', ...out];
}

function jobTable(rows: readonly JobRow[]): string[] {
  return table(
    ['Build', 'Duration', 'change', 'Cache hit ratio', 'change', 'Context', 'change', 'Gates'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows.map(({ label, regression: r }) => [
      escapeMarkdownInline(label),
      r.duration.after === null ? 'n/a' : formatDuration(r.duration.after),
      change(r.duration, formatDuration),
      formatRatio(r.cacheRatio.after),
      ratioChange(r.cacheRatio),
      r.contextBytes.after === null ? 'n/a' : formatBytes(r.contextBytes.after),
      change(r.contextBytes, formatBytes),
      r.gates.length === 0
        ? ''
        : r.gates.every((g) => g.passed)
          ? '✅'
          : `❌ ${r.gates
              .filter((g) => !g.passed)
              .map((g) => g.gate)
              .join(', ')}`,
    ]),
  );
}

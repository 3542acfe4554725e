// The single place where facts read from a log (by any of the format readers) accumulate, and
// where they become a BuildReport. State is per vertex plus a few scalars, so memory follows the
// number of steps, never the size of the log.
import { classifyError, suggestFromOutput, withoutCommandText } from './error-categories.js';
import { detach } from './detach.js';
import { ErrorContinuation } from './error-continuation.js';
import { OutputTail, keepLine } from './output-tail.js';
import {
  OUTPUT_TAIL_LINES,
  type BuildError,
  type BuildReport,
  type BuildResult,
  type BuildWarning,
  type ErrorCategory,
  type LogFormat,
  type Outcome,
  type StepReport,
  type Totals,
} from './report.js';
import { isBuildContextVertex, isExportVertex } from './vertex-name.js';
import { VertexState } from './vertex-state.js';
import { computePhases } from './phases.js';

/** Characters of output tail kept over all finished steps; older successful tails are dropped past it. */
const TAIL_BUDGET_CHARS = 4 * 1024 * 1024;
const MAX_EXCERPT_LINES = 40;
/** Vertices kept per log; real builds have hundreds, the largest a few thousand. */
export const MAX_VERTICES = 100_000;
const MAX_WARNINGS = 500;
const MAX_BLOCK_STEPS = 50;

const EXIT_CODE = /exit code: (\d+)/g;
const PARSE_ERROR_LINE = /dockerfile parse error (?:on )?line (\d+)/i;
const BUILD_DEFINITION = '] load build definition from ';

export interface Excerpt {
  file: string;
  lines: string[];
  markerLine: number | null;
}

export class ReportBuilder {
  private claimedFormat: LogFormat | null = null;
  private builder: { name: string; driver: string } | null = null;
  private readonly vertices = new Map<string, VertexState>();
  private readonly ran: VertexState[] = [];
  private readonly platforms: string[] = [];
  private readonly sealedTails: VertexState[] = [];
  private sealedTailChars = 0;

  private finalError: string | null = null;
  /** Step names from ` > NAME:` headers of the `------` error blocks, in order. */
  private readonly errorBlockSteps: string[] = [];
  private excerpt: Excerpt | null = null;
  private readonly warnings: BuildWarning[] = [];
  private readonly warningKeys = new Set<string>();
  private outputClipped = false;
  private unrecognizedLines = 0;
  private truncatedLines = 0;
  private legacyBuilder = false;
  /** tty: `[+] Building 12.3s (8/10) FINISHED` */
  private ttyDurationMs: number | null = null;
  private lastFrameFinished = false;
  /** `Check complete, ...`: a `--check` / `--call=check` run that ran to its end. */
  private checkComplete = false;
  /** `Check complete, 2 warnings have been found!`: the check's verdict, which fails the run. */
  private checkFailure: string | null = null;
  private firstTimestamp: string | null = null;
  private lastTimestamp: string | null = null;

  claimFormat(format: LogFormat): void {
    if (this.claimedFormat === null) this.claimedFormat = format;
  }

  /** Read back only to route bytes, which skip decoding while the log may still be rawjson. */
  get format(): LogFormat | null {
    return this.claimedFormat;
  }

  noteBuilder(name: string, driver: string): void {
    this.builder = { name: detach(name), driver: detach(driver) };
  }

  noteOutputClipped(): void {
    this.outputClipped = true;
  }

  noteUnrecognized(lines = 1): void {
    this.unrecognizedLines += lines;
  }

  /** The line splitter cuts over-long lines before any reader sees them: it keeps the count. */
  noteTruncatedLines(total: number): void {
    this.truncatedLines = total;
  }

  noteLegacyBuilder(): void {
    this.legacyBuilder = true;
  }

  /** Each frame repeats the header: the latest one holds the build's time and whether it ended. */
  noteTtyFrame(durationMs: number, finished: boolean): void {
    this.ttyDurationMs = durationMs;
    this.lastFrameFinished = finished;
  }

  /** For the tty reader: a frame after a FINISHED one starts another build in the same log. */
  get ttyFinished(): boolean {
    return this.lastFrameFinished;
  }

  /** `failure`: the line of a check that found something, which a later clean check does not undo. */
  noteCheckComplete(failure: string | null): void {
    this.checkComplete = true;
    if (failure !== null) this.checkFailure = failure;
  }

  vertex(key: string): VertexState | undefined {
    return this.vertices.get(key);
  }

  /**
   * Past MAX_VERTICES (far beyond any real build) a log is hostile or broken: further vertices
   * are read but not kept, and their lines count as unrecognised, so memory stays bounded.
   */
  createVertex(key: string, name: string): VertexState {
    const vertex = new VertexState(key, name);
    if (this.vertices.size >= MAX_VERTICES) {
      vertex.untracked = true;
      this.unrecognizedLines++;
      return vertex;
    }
    this.vertices.set(key, vertex);
    return vertex;
  }

  /** Call after changing a vertex's state: records when it first ran and its platform. */
  touch(vertex: VertexState): void {
    if (vertex.untracked) return;
    if (vertex.seq < 0 && vertex.ran) {
      vertex.seq = this.ran.length;
      this.ran.push(vertex);
    }
    const platform = vertex.info.platform;
    if (platform !== null && vertex.seq >= 0 && !this.platforms.includes(platform))
      this.platforms.push(platform);
  }

  /** A step's error just read: an Engine 20.10 error may go on over the next lines. */
  followStepError(vertex: VertexState): void {
    this.continuation.follow(
      () => vertex.error ?? '',
      (continued) => (vertex.error = continued),
    );
  }

  /** True when `line` continued the error being followed, and must not be read as anything else. */
  continueOpenError(line: string): boolean {
    return this.continuation.accept(line);
  }

  addOutputLine(vertex: VertexState, line: string): void {
    vertex.outputLines++;
    vertex.tail.push(line);
  }

  /** A vertex finished: copy its tail out of the input and keep the total of kept tails bounded. */
  finish(vertex: VertexState): void {
    if (vertex.untracked) return;
    vertex.tail.seal();
    if (vertex.error !== null || vertex.tail.size === 0) return;
    this.sealedTails.push(vertex);
    this.sealedTailChars += vertex.tail.size;
    while (this.sealedTailChars > TAIL_BUDGET_CHARS && this.sealedTails.length > 0) {
      const oldest = this.sealedTails.shift()!;
      this.sealedTailChars -= oldest.tail.size;
      if (oldest.error === null) oldest.tail.clear();
    }
  }

  noteTimestamp(timestamp: string | null): void {
    if (timestamp === null) return;
    if (this.firstTimestamp === null) this.firstTimestamp = detach(timestamp);
    this.lastTimestamp = timestamp;
  }

  /**
   * A line that continues the last final error, which a terminal wrapped (see WRAP_WIDTHS).
   * Only the error line just noted can be continued.
   */
  continueFinalError(rest: string): void {
    if (this.finalError === null) return;
    this.finalError = detach(this.finalError + rest);
  }

  noteFinalError(message: string): void {
    // The first `failed to solve`/`failed to build` line is the one buildx exits with; other
    // ERROR lines (e.g. from a wrapper script) only stand in when there is none.
    const decisive = /failed to (?:solve|build)|failed to compute|dockerfile parse error/i.test(message);
    if (this.finalError === null || (decisive && !this.finalErrorDecisive)) {
      this.finalError = detach(message);
      this.finalErrorDecisive = decisive;
      this.continuation.follow(
        () => this.finalError ?? '',
        (continued) => (this.finalError = detach(continued)),
      );
    }
  }
  /** An error that goes on over the next lines (see error-continuation.ts). */
  private readonly continuation = new ErrorContinuation();
  private finalErrorDecisive = false;

  noteErrorBlockStep(name: string): void {
    if (this.errorBlockSteps.length >= MAX_BLOCK_STEPS) return;
    this.errorBlockSteps.push(detach(name));
    this.errorBlockTails.set(name, new OutputTail(OUTPUT_TAIL_LINES));
  }

  /** A line the error block repeats: not counted as output, but it is the only copy a tty log has. */
  addErrorBlockLine(line: string): void {
    const name = this.errorBlockSteps[this.errorBlockSteps.length - 1];
    if (name === undefined) return;
    this.errorBlockTails.get(name)?.push(keepLine(line));
    this.errorBlockLines.set(name, (this.errorBlockLines.get(name) ?? 0) + 1);
  }
  private readonly errorBlockTails = new Map<string, OutputTail>();
  private readonly errorBlockLines = new Map<string, number>();

  /**
   * buildx prints the error's excerpt just before the final ERROR line; with --debug, warnings
   * print excerpts of their own earlier. The last excerpt before the final error is the error's.
   */
  startExcerpt(file: string): void {
    this.excerptIgnored = this.finalError !== null;
    if (!this.excerptIgnored) this.excerpt = { file: detach(file), lines: [], markerLine: null };
  }
  private excerptIgnored = false;

  addExcerptLine(line: string, markerLine: number | null): void {
    if (this.excerptIgnored || this.excerpt === null) return;
    if (this.excerpt.lines.length < MAX_EXCERPT_LINES) this.excerpt.lines.push(keepLine(line));
    if (markerLine !== null && this.excerpt.markerLine === null) this.excerpt.markerLine = markerLine;
  }

  endExcerpt(): void {
    this.excerptIgnored = false;
  }

  addWarning(warning: BuildWarning): void {
    const key = `${warning.rule}\u0000${warning.message}\u0000${warning.line ?? ''}`;
    if (this.warningKeys.has(key) || this.warnings.length >= MAX_WARNINGS) return;
    // The tty display cuts a `WARN:` row to the terminal width, losing its `(line N)`; the same
    // warning whole (summary, another frame) replaces the cut one, and a cut repeat adds nothing.
    const cutIndex = this.warnings.findIndex((w) => w.rule === warning.rule && isCutOf(w, warning));
    if (cutIndex >= 0) {
      this.warnings.splice(cutIndex, 1);
    } else if (this.warnings.some((w) => w.rule === warning.rule && isCutOf(warning, w))) {
      return;
    }
    this.warningKeys.add(key);
    this.warnings.push({
      ...warning,
      rule: detach(warning.rule),
      message: keepLine(warning.message),
      file: warning.file === null ? null : detach(warning.file),
    });
  }

  build(result: BuildResult = {}): BuildReport {
    const steps = this.ran;
    const finalError = this.finalError;
    // A failed cache import is reported on its own vertex, and the build goes on without the cache.
    const errored = steps.filter(
      (v) => v.error !== null && v.status(true, null) === 'error' && !isNonFatalVertex(v.name),
    );
    const failing =
      (finalError !== null ? errored.find((v) => finalError.includes(v.error!)) : undefined) ??
      errored[0] ??
      null;
    const settled = this.lastFrameFinished || this.checkComplete || finalError !== null || errored.length > 0;
    const outcome = this.outcome(result, steps, failing, settled);

    const stepReports: StepReport[] = steps.map((v) => ({
      name: v.name,
      stage: v.info.stage,
      platform: v.info.platform,
      instruction: v.info.instruction,
      index: v.info.index,
      total: v.info.total,
      kind: v.info.kind,
      status: v.status(settled, outcome),
      durationMs: v.durationMs,
      startOffsetMs: null,
      outputLines: this.outputLinesOf(v),
      outputTail: tailOf(v),
      error: v.error,
    }));
    const earliestStart = this.earliestStart();
    if (earliestStart !== null) {
      steps.forEach((v, i) => {
        if (v.startMs !== null) stepReports[i]!.startOffsetMs = Math.round(v.startMs - earliestStart);
      });
    }

    return {
      format: this.claimedFormat ?? 'plain',
      outcome,
      platforms: this.platforms.slice(),
      builder: this.builder,
      steps: stepReports,
      totals: this.totals(stepReports, steps, earliestStart),
      error: outcome === 'success' ? null : this.error(result, outcome, failing),
      warnings: [...this.warnings, ...this.nonFatalWarnings(steps)],
      unrecognizedLines: this.unrecognizedLines,
      outputClipped: this.outputClipped,
      truncatedLines: this.truncatedLines,
      legacyBuilder: this.legacyBuilder,
      phases: computePhases(stepReports, pushTime(steps)),
    };
  }

  /** Cache imports that failed without failing the build: worth a warning, not an error. */
  private nonFatalWarnings(steps: VertexState[]): BuildWarning[] {
    return steps
      .filter((v) => v.error !== null && isNonFatalVertex(v.name) && v.status(true, null) === 'error')
      .map((v) => ({
        rule: 'WARNING',
        message: keepLine(
          `${v.name} failed, the build went on without that cache${v.error ? `: ${v.error}` : ''}`,
        ),
        line: null,
        file: null,
      }));
  }

  private outputLinesOf(vertex: VertexState): number {
    const printed = vertex.outputLines + (vertex.partialLog.length > 0 ? 1 : 0);
    if (this.claimedFormat !== 'tty' || vertex.error === null) return printed;
    // The tty display shows only a window of a running step's output, but on failure it prints
    // the step's whole log in the error block: that is the step's output count.
    const blockName = this.errorBlockSteps.find((name) => name.startsWith(vertex.name));
    return Math.max(printed, blockName !== undefined ? (this.errorBlockLines.get(blockName) ?? 0) : 0);
  }

  private outcome(
    result: BuildResult,
    steps: VertexState[],
    failing: VertexState | null,
    settled: boolean,
  ): Outcome {
    const cancelledByMessage =
      this.finalError !== null && classifyError(this.errorFacts(failing, null)).category === 'cancelled';
    if (result.cancelled === true) return 'cancelled';
    if (result.exitCode !== undefined && result.exitCode !== null) {
      if (result.exitCode === 0) return 'success';
      return cancelledByMessage ? 'cancelled' : 'failure';
    }
    if (this.finalError !== null || failing !== null || this.checkFailure !== null)
      return cancelledByMessage && failing === null ? 'cancelled' : 'failure';
    if (steps.some((v) => v.error !== null && !isNonFatalVertex(v.name))) return 'cancelled';
    if (this.lastFrameFinished || this.checkComplete) return 'success';
    // Exporting is the last thing a build does, after everything it needs has completed (old
    // BuildKit leaves some internal vertices looking unfinished even then).
    if (steps.some((v) => isExportVertex(v.name) && v.completed && v.error === null)) return 'success';
    // Builds without an output (a remote builder, --output=type=cacheonly): every step ended
    // and every stage that started reached its last step.
    const allFinished = steps.every((v) => v.status(settled, null) !== 'incomplete');
    return allFinished && everyStageCompleted(steps) ? 'success' : 'unknown';
  }

  private errorFacts(failing: VertexState | null, exitCode: number | null) {
    const message = [this.finalError, failing?.error]
      .filter((part) => part !== null && part !== undefined)
      .join('\n');
    return {
      message,
      exitCode,
      instruction: failing?.info.instruction ?? null,
      output: this.failingTail(failing).join('\n'),
    };
  }

  private error(result: BuildResult, outcome: Outcome, failing: VertexState | null): BuildError | null {
    // A tty step marked ERROR carries no text of its own (empty string).
    const vertexError = failing?.error || null;
    if (this.finalError === null && failing === null && outcome !== 'failure' && outcome !== 'cancelled')
      return null;
    // Read from buildx's own words: a command quoted in the message may say `exit code: 137`.
    const exitCode = lastExitCode(this.finalError) ?? lastExitCode(vertexError);
    const message =
      this.finalError ??
      vertexError ??
      this.checkFailure ??
      (outcome === 'cancelled'
        ? 'The build was cancelled.'
        : `buildx exited with code ${result.exitCode ?? 'unknown'} and the log names no error.`);
    const facts = this.errorFacts(failing, exitCode);
    if (facts.message.length === 0) facts.message = message;
    const { category, hint } = outcome === 'cancelled' ? classifyCancelled() : classifyError(facts);

    let file: string | null = this.excerpt?.file ?? null;
    let line: number | null = this.excerpt?.markerLine ?? null;
    const parseError = PARSE_ERROR_LINE.exec(withoutCommandText(message));
    if (line === null && parseError !== null) {
      line = Number(parseError[1]);
      file ??= this.buildDefinitionFile();
    }
    return {
      step: this.failedStepName(failing),
      exitCode,
      message,
      file,
      line,
      category,
      hint,
      excerpt: this.excerpt?.lines.slice() ?? [],
      logTail: this.failingTail(failing),
      outputSuggests: outcome === 'cancelled' ? null : outputSuggestion(facts, category),
    };
  }

  private failedStepName(failing: VertexState | null): string | null {
    if (failing === null) return null;
    // The error block repeats the full name; the tty display may have cut it to the terminal width.
    return this.errorBlockSteps.find((name) => name.startsWith(failing.name)) ?? failing.name;
  }

  /** The failing step's last output, from the step itself or else from its error block. */
  private failingTail(failing: VertexState | null): string[] {
    if (failing === null) return [];
    const own = tailOf(failing);
    if (own.length > 0) return own;
    const name = this.failedStepName(failing);
    const block = name !== null ? this.errorBlockTails.get(name) : undefined;
    block?.seal();
    return block?.toArray() ?? [];
  }

  private buildDefinitionFile(): string | null {
    for (const v of this.ran) {
      const at = v.name.indexOf(BUILD_DEFINITION);
      const file = at < 0 ? '' : v.name.slice(at + BUILD_DEFINITION.length);
      if (file.length > 0 && v.info.kind === 'internal') return file;
    }
    return null;
  }

  private earliestStart(): number | null {
    let earliest: number | null = null;
    for (const v of this.ran)
      if (v.startMs !== null && (earliest === null || v.startMs < earliest)) earliest = v.startMs;
    return earliest;
  }

  private totals(reports: StepReport[], steps: VertexState[], earliestStart: number | null): Totals {
    let instructionSteps = 0;
    let cachedInstructionSteps = 0;
    let fromSteps = 0;
    let cachedFromSteps = 0;
    let cachedSteps = 0;
    let outputLines = 0;
    let contextBytes: number | null = null;
    let latestEnd: number | null = null;
    let durationSum: number | null = null;
    reports.forEach((step, i) => {
      const vertex = steps[i]!;
      const cached = step.status === 'cached';
      if (cached) cachedSteps++;
      if (step.kind === 'instruction') {
        instructionSteps++;
        if (cached) cachedInstructionSteps++;
        if (step.instruction === 'FROM') {
          fromSteps++;
          if (cached) cachedFromSteps++;
        }
      }
      outputLines += step.outputLines;
      if (vertex.contextBytes !== null && isBuildContextVertex(vertex.name, vertex.info)) {
        contextBytes = (contextBytes ?? 0) + vertex.contextBytes;
      }
      const end = vertex.endMs ?? vertex.startMs;
      if (end !== null && (latestEnd === null || end > latestEnd)) latestEnd = end;
      if (step.durationMs !== null) durationSum = (durationSum ?? 0) + step.durationMs;
    });
    const nonFrom = instructionSteps - fromSteps;
    return {
      instructionSteps,
      cachedInstructionSteps,
      fromSteps,
      cachedSteps,
      cacheHitRatio: nonFrom > 0 ? (cachedInstructionSteps - cachedFromSteps) / nonFrom : null,
      durationMs: this.duration(earliestStart, latestEnd, durationSum),
      contextBytes,
      outputLines,
    };
  }

  private duration(
    earliestStart: number | null,
    latestEnd: number | null,
    durationSum: number | null,
  ): number | null {
    if (earliestStart !== null && latestEnd !== null) return Math.round(latestEnd - earliestStart);
    if (this.ttyDurationMs !== null) return this.ttyDurationMs;
    if (this.firstTimestamp !== null && this.lastTimestamp !== null) {
      const elapsed = Date.parse(this.lastTimestamp) - Date.parse(this.firstTimestamp);
      if (Number.isFinite(elapsed) && elapsed >= 0) return elapsed;
    }
    return durationSum;
  }
}

/** `importing cache manifest from ...` (`--cache-from`): BuildKit goes on without the cache when it fails. */
function isNonFatalVertex(name: string): boolean {
  return name.startsWith('importing cache manifest from ');
}

/** `cut` is `whole` cut short by the terminal: no line number, and a shorter message it starts. */
function isCutOf(cut: BuildWarning, whole: BuildWarning): boolean {
  return (
    cut.line === null &&
    whole.line !== null &&
    cut.message.length < whole.message.length &&
    whole.message.startsWith(cut.message.trimEnd())
  );
}

/** Every stage (per platform) that shows up reached its `[stage n/n]` step. */
function everyStageCompleted(steps: VertexState[]): boolean {
  const stages = new Map<string, boolean>();
  for (const v of steps) {
    const { kind, platform, stage, index, total } = v.info;
    if (kind !== 'instruction') continue;
    const key = `${platform ?? ''} ${stage ?? ''}`;
    stages.set(key, (stages.get(key) ?? false) || index === total);
  }
  return stages.size > 0 && [...stages.values()].every(Boolean);
}

/** The kept output lines, with a rawjson line still waiting for its newline counted as printed. */
function tailOf(vertex: VertexState): string[] {
  const tail = vertex.tail.toArray();
  if (vertex.partialLog.length === 0) return tail;
  tail.push(keepLine(vertex.partialLog));
  return tail.length > OUTPUT_TAIL_LINES ? tail.slice(tail.length - OUTPUT_TAIL_LINES) : tail;
}

function classifyCancelled() {
  return classifyError({ message: 'context canceled', exitCode: null, instruction: null, output: '' });
}

function lastExitCode(text: string | null): number | null {
  if (text === null) return null;
  let code: number | null = null;
  for (const match of withoutCommandText(text).matchAll(EXIT_CODE)) code = Number(match[1]);
  return code;
}

/** What the failing command's output points at, when that is not the category already. */
function outputSuggestion(facts: Parameters<typeof suggestFromOutput>[0], category: ErrorCategory) {
  const suggested = suggestFromOutput(facts);
  return suggested === null || suggested.category === category ? null : suggested.category;
}

/** Total of the finished `pushing ...` items; null when the log shows no push. */
function pushTime(steps: readonly VertexState[]): number | null {
  let total: number | null = null;
  for (const v of steps)
    if (v.pushParts !== null) for (const ms of v.pushParts.values()) total = (total ?? 0) + ms;
  return total;
}

// Public face of the engine: feed it a buildx log as it arrives, read the report.
// Pure and streaming: no I/O, state bounded by the number of steps, never throws on bad input.
//
// A step's output is written by the code being built (a fork's pull request, say): nothing it
// prints may change a gate, a figure, the error report or a record. What ends a line, and so
// what a step can make look like a line of buildx's own, depends on the progress mode:
//
// - `new BuildLogAnalyzer({ progress: 'plain' })`, for a caller that ran `docker buildx build
//   --progress=plain` and feeds its stderr (the build action): only LF and CRLF end a line.
//   buildx writes each output line as `#N <time> <text>` and keeps every CR the step printed
//   inside it, so whatever the step prints stays inside its own `#N <time> ` lines (and the
//   `<time> <text>` lines of the `------` error block), which are its output and nothing else:
//   a `#N` line is read as a vertex line before anything else, and only buildx's shapes open
//   the trailer (error block, excerpt, final `ERROR:`, warnings). The readers of other formats
//   (rawjson, tty) and the heuristics for pasted text (rows a terminal wrapped or joined) are off.
//   Feed it buildx's stderr only: its stdout can be the build's own result (`--output -`, a tar
//   the build wrote), which no mode can tell from log lines.
// - `{ progress: 'rawjson' }`: only LF and CRLF end a line; step output is base64 inside JSON,
//   so it can never be read as a line at all. Plain and tty lines are not read.
// - `{ progress: 'tty' }`: a lone CR ends a line too, as the display redraws its rows with CR.
//   A step can then print rows that look like the display's (`\r => CACHED ...`): the tty
//   display offers no way to tell them apart, so nothing that gates a build should read it.
// - No declared mode (pasted logs: the CLI's `analyze`): every format is tried, and a lone CR ends
//   a line until the log has been read as plain or rawjson; from then on only LF and CRLF do,
//   as when declared (real plain logs hold CRs in pip and npm progress output).
//
// The error's category comes from buildx's own error lines (the command text they quote taken
// out, see error-categories.ts), never from what the failing step printed.
import { ByteLineRouter } from './byte-lines.js';
import { isLegacyBuilderStep, isRunnerLine } from './foreign-lines.js';
import { LineSplitter } from './line-splitter.js';
import { LineNormalizer, isDigit } from './normalize.js';
import { WRAP_WIDTHS, splitJoinedRows } from './pasted-display.js';
import { PlainReader } from './plain-reader.js';
import { RawJsonReader } from './rawjson-reader.js';
import {
  MAX_INPUT_LINE_CHARS,
  type AnalyzerOptions,
  type BuildReport,
  type BuildResult,
  type ProgressMode,
} from './report.js';
import { ReportBuilder } from './report-builder.js';
import { TrailerReader } from './trailer-reader.js';
import { TtyReader } from './tty-reader.js';

export type * from './report.js';
export { OUTPUT_TAIL_LINES, MAX_INPUT_LINE_CHARS } from './report.js';
export { renderReportText } from './text-report.js';
// The Dockerfile reader: the build action reads the Dockerfile it built, to point at lines.
export * from './dockerfile.js';
export { computePhases } from './phases.js';

export class BuildLogAnalyzer {
  /** The declared progress mode, null for a log of unknown format (pasted). */
  private readonly progress: ProgressMode | null;
  private readonly report = new ReportBuilder();
  private readonly normalizer = new LineNormalizer();
  private readonly plain = new PlainReader(this.report);
  private readonly rawjson = new RawJsonReader(this.report);
  private readonly tty = new TtyReader(this.report);
  private readonly trailer: TrailerReader;
  private readonly splitter = new LineSplitter(
    (line, truncated) => this.readLine(line, truncated),
    MAX_INPUT_LINE_CHARS,
  );
  private readonly bytes = new ByteLineRouter(
    this.splitter,
    (bytes, start, end) => this.rawjson.handleLogBytes(bytes, start, end),
    MAX_INPUT_LINE_CHARS,
  );
  private textSeen = false;
  private ended: BuildReport | null = null;

  constructor(options: AnalyzerOptions = {}) {
    const progress = options.progress ?? null;
    if (progress !== null && !PROGRESS_MODES.includes(progress))
      throw new TypeError(`progress must be one of ${PROGRESS_MODES.join(', ')}, not ${String(progress)}`);
    this.progress = progress;
    // A terminal wraps and joins only what it shows: a declared mode is buildx's own output.
    this.trailer = new TrailerReader(this.report, { pasted: progress === null });
    if (progress !== null) {
      this.report.claimFormat(progress);
      this.splitter.crEndsLine = progress === 'tty';
    }
  }

  /** Feed the next piece of the log: any chunking, bytes or text. */
  write(chunk: string | Uint8Array): void {
    if (this.ended !== null) return;
    // Bytes skip decoding where the rawjson reader can read them as they are. Once text came in,
    // the router can no longer tell where lines start: everything goes to the splitter.
    if (typeof chunk === 'string') this.textSeen = true;
    const format = this.report.format;
    if (!this.textSeen && typeof chunk !== 'string' && (format === null || format === 'rawjson')) {
      this.bytes.push(chunk);
      return;
    }
    this.bytes.flush();
    this.splitter.push(chunk);
  }

  /** The report as far as the log has been read (a line still waiting for its end is not included). */
  snapshot(): BuildReport {
    if (this.ended !== null) return this.ended;
    this.report.noteTruncatedLines(this.splitter.truncatedLines);
    return this.report.build();
  }

  /** Ends the log and returns the final report. Later calls return the same report. */
  end(result: BuildResult = {}): BuildReport {
    if (this.ended !== null) return this.ended;
    this.bytes.flush();
    this.splitter.end();
    this.rawjson.end();
    this.report.noteTruncatedLines(this.splitter.truncatedLines);
    this.ended = this.report.build(result);
    return this.ended;
  }

  private readLine(raw: string, truncated: boolean): void {
    this.readNormalized(raw, truncated);
    // Pasted: once read as plain or rawjson, a lone CR is text a step printed (see the header).
    if (this.splitter.crEndsLine && this.progress === null) {
      const format = this.report.format;
      if (format === 'plain' || format === 'rawjson') this.splitter.crEndsLine = false;
    }
  }

  private readNormalized(raw: string, truncated: boolean): void {
    const { text, timestamp, coloured } = this.normalizer.normalize(raw);
    const progress = this.progress;
    if ((progress === null || progress === 'rawjson') && this.rawjson.handle(text, truncated)) return;
    if (text.length === 0) return;
    if (this.report.continueOpenError(text)) return;
    if (progress !== null) {
      this.readText(text, timestamp, coloured, 0);
      return;
    }
    // A tty row cut at a terminal width: the next line may be its wrapped-off rest.
    const afterWrap = this.previousTtyRow ? this.previousLength : 0;
    this.previousLength = text.length;
    this.previousTtyRow = false;
    const first = text.charCodeAt(0);
    // A pasted tty display whose rows were joined into one line: read row by row.
    if ((first === 91 /* [ */ || first === 32 || first === 61) /* = */ && text.length > 100) {
      const rows = splitJoinedRows(text);
      if (rows !== null) {
        for (const row of rows) this.readText(row, timestamp, coloured, 0);
        return;
      }
    }
    this.readText(text, timestamp, coloured, afterWrap);
  }
  /** Length of the previous non-empty line, to tell a line a terminal wrapped (WRAP_WIDTHS). */
  private previousLength = 0;
  private previousTtyRow = false;

  private readText(text: string, timestamp: string | null, coloured: boolean, afterWrap: number): void {
    const progress = this.progress;
    const first = text.charCodeAt(0);
    // A vertex line `#N ...` is read as one before anything else, so a step's output line
    // (`#N <time> <text>`) can only ever be its output. It also ends whatever construct of the
    // trailer was open (buildx prints those after the vertex lines).
    if (
      (progress === null || progress === 'plain') &&
      first === 35 /* # */ &&
      isDigit(text.charCodeAt(1)) &&
      isVertexLine(text)
    ) {
      this.trailer.interrupt();
      this.plain.handle(text);
      this.report.claimFormat('plain');
      this.report.noteTimestamp(timestamp);
      return;
    }
    if (this.trailer.active && this.trailer.handle(text)) return;
    if (
      (progress === null || progress === 'tty') &&
      (first === 32 || first === 61 /* = */ || first === 91) /* [ */
    ) {
      const trimmed = first === 32 ? text.trimStart() : text;
      const lead = trimmed.charCodeAt(0);
      if ((lead === 61 || lead === 91) && this.tty.handle(trimmed, coloured)) {
        this.previousTtyRow = true;
        return;
      }
    }
    if (this.trailer.handle(text)) return;
    if (isBlank(text) || isRunnerLine(text)) return;
    if (isLegacyBuilderStep(text)) this.report.noteLegacyBuilder();
    // The wrapped-off rest of a tty row (its time column, say).
    else if (WRAP_WIDTHS.has(afterWrap)) return;
    this.report.noteUnrecognized();
  }
}

const PROGRESS_MODES: readonly ProgressMode[] = ['plain', 'rawjson', 'tty'];

/** `#` and up to 16 digits, then a space or the end: the shape of every line of a plain vertex. */
function isVertexLine(text: string): boolean {
  let end = 1;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  return end <= 16 && (end === text.length || text.charCodeAt(end) === 32);
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/** Convenience for whole logs held in memory (tests, small files). */
export function analyzeLog(
  text: string | Uint8Array,
  result: BuildResult = {},
  options: AnalyzerOptions = {},
): BuildReport {
  const analyzer = new BuildLogAnalyzer(options);
  analyzer.write(text);
  return analyzer.end(result);
}

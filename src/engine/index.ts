// Public face of the engine: feed it a buildx log as it arrives, read the report.
// Pure and streaming: no I/O, state bounded by the number of steps, never throws on bad input.
import { ByteLineRouter } from './byte-lines.js';
import { isLegacyBuilderStep, isRunnerLine } from './foreign-lines.js';
import { LineSplitter } from './line-splitter.js';
import { LineNormalizer, isDigit } from './normalize.js';
import { WRAP_WIDTHS, splitJoinedRows } from './pasted-display.js';
import { PlainReader } from './plain-reader.js';
import { RawJsonReader } from './rawjson-reader.js';
import { MAX_INPUT_LINE_CHARS, type BuildReport, type BuildResult } from './report.js';
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
  private readonly report = new ReportBuilder();
  private readonly normalizer = new LineNormalizer();
  private readonly plain = new PlainReader(this.report);
  private readonly rawjson = new RawJsonReader(this.report);
  private readonly tty = new TtyReader(this.report);
  private readonly trailer = new TrailerReader(this.report);
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
    const { text, timestamp, coloured } = this.normalizer.normalize(raw);
    if (this.rawjson.handle(text, truncated)) return;
    if (text.length === 0) return;
    if (this.report.continueOpenError(text)) return;
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
    if (this.trailer.active && this.trailer.handle(text)) return;
    const first = text.charCodeAt(0);
    if (first === 35 /* # */ && isDigit(text.charCodeAt(1)) && this.plain.handle(text)) {
      this.report.claimFormat('plain');
      this.report.noteTimestamp(timestamp);
      return;
    }
    if (first === 32 || first === 61 /* = */ || first === 91 /* [ */) {
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

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/** Convenience for whole logs held in memory (tests, small files). */
export function analyzeLog(text: string | Uint8Array, result: BuildResult = {}): BuildReport {
  const analyzer = new BuildLogAnalyzer();
  analyzer.write(text);
  return analyzer.end(result);
}

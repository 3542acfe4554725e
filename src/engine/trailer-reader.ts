// Lines buildx prints outside any vertex, the same in every progress mode: the `------` error
// block that repeats the failing step's last output, the Dockerfile excerpt
// (`Dockerfile:12` / `--------------------` / `  12 | >>> RUN false`), the final error line in
// its historical wordings, the build-check warning summary and `WARNING:` notices.
import { WRAP_WIDTHS } from './pasted-display.js';
import type { ReportBuilder } from './report-builder.js';
import type { BuildWarning } from './report.js';
import { parseWarningText } from './warning-text.js';

const ERROR_BLOCK_RULE = '------';
const EXCERPT_RULE = '--------------------';
const EXCERPT_HEADER = /^(\S+):(\d+)(?:-\d+)?$/;
const EXCERPT_LINE = /^\s*(\d+) \|( >>>)?/;
const WARNING_SUMMARY = /^\s*\d+ warnings? found\b/;
const FINAL_ERROR_PREFIXES = ['ERROR: ', 'error: ', 'Error: '];
// bake and compose (which delegates to bake) put the failing target first: `target api: failed to solve: ...`.
const BARE_FINAL_ERROR =
  /^(?:target [^\s:]+: )?(?:failed to solve|failed to build|executor failed running|dockerfile parse error)\b/;
const GITHUB_ERROR_COMMAND = '##[error]';
// `docker build --check` / `--call=check`: `Check complete, 2 warnings have been found!` (or
// `Check complete, no warnings found.`), then per warning `WARNING: <Rule> - <url>`, its detail
// on the next line, and the Dockerfile excerpt it points at.
const CHECK_COMPLETE = /^Check complete, /;
const CHECK_FOUND = /^Check complete, \d+ warnings? ha(?:s|ve) been found/;
const CHECK_WARNING =
  /^(?:WARNING: ([A-Z][A-Za-z0-9]+)(?: - https?:\/\/\S+)?|ERROR: ([A-Z][A-Za-z0-9]+) - https?:\/\/\S+)$/;

type Mode = 'none' | 'error-block' | 'excerpt' | 'warning-summary' | 'check-warning' | 'check-excerpt';

export class TrailerReader {
  private mode: Mode = 'none';
  private excerptFile: string | null = null;
  /** The `WARNING: <Rule>` of a check result being read: its detail, then its excerpt's line. */
  private checkWarning: BuildWarning | null = null;
  /** The final error line just read ended exactly at a terminal width: the next may continue it. */
  private finalErrorMayContinue = false;

  /** Whether lines may have been wrapped by a terminal (a pasted log), see WRAP_WIDTHS. */
  private readonly pasted: boolean;

  constructor(
    private readonly report: ReportBuilder,
    options: { pasted?: boolean } = {},
  ) {
    this.pasted = options.pasted ?? true;
  }

  /**
   * A vertex line came (`#N ...`): it ends whatever construct was open, as any line that is not
   * one of the construct's would (buildx prints its trailer after the vertex lines; a construct
   * still open there was cut short).
   */
  interrupt(): void {
    this.finalErrorMayContinue = false;
    this.excerptFile = null;
    switch (this.mode) {
      case 'check-warning':
        this.finishCheckWarning();
        break;
      case 'excerpt':
        this.report.endExcerpt();
        break;
      default:
        break;
    }
    this.mode = 'none';
  }

  /** True while inside a multi-line construct whose lines must not go to other readers. */
  get active(): boolean {
    return this.mode !== 'none' || this.finalErrorMayContinue;
  }

  /** Returns false when the line is not one of these constructs. */
  handle(line: string): boolean {
    const mayContinue = this.finalErrorMayContinue;
    this.finalErrorMayContinue = false;
    switch (this.mode) {
      case 'check-warning':
        return this.readCheckWarning(line);
      case 'check-excerpt':
        // The excerpt of a check warning is not the error's: only its marked line is kept.
        if (line === EXCERPT_RULE) {
          if (this.checkExcerptRules++ >= 1) this.mode = 'none';
          return true;
        }
        if (EXCERPT_LINE.test(line)) return true;
        this.mode = 'none';
        break;
      case 'error-block':
        if (line === ERROR_BLOCK_RULE) {
          this.mode = 'none';
          return true;
        }
        if (this.wrappedBlockHeader !== null) {
          // ` > [2/3] RUN ...` cut at a terminal width: its rest ends with the colon.
          const header = this.wrappedBlockHeader + line;
          this.wrappedBlockHeader = WRAP_WIDTHS.has(line.length) && !line.endsWith(':') ? header : null;
          if (header.endsWith(':')) this.report.noteErrorBlockStep(header.slice(3, -1));
          if (this.wrappedBlockHeader !== null || header.endsWith(':')) return true;
        }
        if (line.startsWith(' > ') && line.endsWith(':')) {
          this.report.noteErrorBlockStep(line.slice(3, -1));
          return true;
        }
        if (this.pasted && line.startsWith(' > ') && WRAP_WIDTHS.has(line.length) && this.blockLines === 0) {
          this.wrappedBlockHeader = line;
          return true;
        }
        // A block cut short (truncated log) must not swallow the rest of the build.
        if (!startsAnotherConstruct(line)) {
          this.report.addErrorBlockLine(line);
          this.blockLines++;
          return true;
        }
        this.mode = 'none';
        break;
      case 'excerpt': {
        if (line === EXCERPT_RULE) {
          this.mode = 'none';
          this.report.endExcerpt();
          return true;
        }
        const numbered = EXCERPT_LINE.exec(line);
        if (numbered !== null) {
          this.report.addExcerptLine(line, numbered[2] !== undefined ? Number(numbered[1]) : null);
          return true;
        }
        this.mode = 'none';
        this.report.endExcerpt();
        break;
      }
      case 'warning-summary':
        if (line.startsWith(' - ') || line.startsWith('- ')) {
          this.report.addWarning(parseWarningText(line.slice(line.indexOf('- ') + 2)));
          return true;
        }
        this.mode = 'none';
        break;
      case 'none':
        break;
    }
    if (mayContinue && this.continuesWrappedLine(line)) {
      this.report.continueFinalError(line);
      this.finalErrorMayContinue = this.pasted && WRAP_WIDTHS.has(line.length);
      return true;
    }
    return this.handleOpening(line);
  }

  /** A line that is none of buildx's own shapes, after a final error cut at a terminal width. */
  private continuesWrappedLine(line: string): boolean {
    return (
      line.trim().length > 0 &&
      !line.startsWith('#') &&
      !line.startsWith('=>') &&
      !line.startsWith('[+]') &&
      !line.startsWith('ERROR') &&
      !line.startsWith('------') &&
      !EXCERPT_HEADER.test(line) &&
      !WARNING_SUMMARY.test(line) &&
      !line.startsWith('WARNING: ')
    );
  }

  private noteFinalError(line: string, message: string): void {
    this.report.noteFinalError(message);
    this.finalErrorMayContinue = this.pasted && WRAP_WIDTHS.has(line.length);
  }

  private readCheckWarning(line: string): boolean {
    const warning = this.checkWarning!;
    if (line.trim().length === 0) return true;
    const header = EXCERPT_HEADER.exec(line);
    if (header !== null) {
      warning.file = header[1]!;
      warning.line = Number(header[2]);
      this.finishCheckWarning();
      this.mode = 'check-excerpt';
      this.checkExcerptRules = 0;
      return true;
    }
    if (warning.message.length === 0 && !CHECK_WARNING.test(line) && line !== EXCERPT_RULE) {
      warning.message = line.trim();
      return true;
    }
    // A warning without an excerpt (the check could not map it to a line).
    this.finishCheckWarning();
    this.mode = 'none';
    return this.handle(line);
  }

  private finishCheckWarning(): void {
    const warning = this.checkWarning;
    this.checkWarning = null;
    if (warning !== null) this.report.addWarning(warning);
  }
  private checkExcerptRules = 0;
  /** The start of an error block's ` > NAME:` header that a terminal wrapped. */
  private wrappedBlockHeader: string | null = null;
  /** Output lines read in the current error block (its header comes before any). */
  private blockLines = 0;

  private handleOpening(line: string): boolean {
    const excerptFile = this.excerptFile;
    this.excerptFile = null;
    if (line === ERROR_BLOCK_RULE) {
      this.mode = 'error-block';
      this.wrappedBlockHeader = null;
      this.blockLines = 0;
      return true;
    }
    if (line === EXCERPT_RULE && excerptFile !== null) {
      this.mode = 'excerpt';
      this.report.startExcerpt(excerptFile);
      return true;
    }
    const header = EXCERPT_HEADER.exec(line);
    if (header !== null) {
      this.excerptFile = header[1]!;
      return true;
    }
    const checkWarning = CHECK_WARNING.exec(line);
    if (checkWarning !== null) {
      const rule = checkWarning[1] ?? checkWarning[2]!;
      this.checkWarning = { rule, message: '', line: null, file: null };
      this.mode = 'check-warning';
      return true;
    }
    if (CHECK_COMPLETE.test(line)) {
      // buildx exits 1 when the check found anything: the line is then the run's error.
      this.report.noteCheckComplete(CHECK_FOUND.test(line) ? line : null);
      return true;
    }
    for (const prefix of FINAL_ERROR_PREFIXES) {
      if (line.startsWith(prefix)) {
        this.noteFinalError(line, line.slice(prefix.length));
        return true;
      }
    }
    if (BARE_FINAL_ERROR.test(line)) {
      this.noteFinalError(line, line);
      return true;
    }
    if (line.startsWith(GITHUB_ERROR_COMMAND)) {
      // docker/build-push-action: `##[error]buildx failed with: ERROR: failed to solve: ...`
      const at = line.indexOf('ERROR: ');
      if (at >= 0) this.report.noteFinalError(line.slice(at + 7));
      return at >= 0;
    }
    if (WARNING_SUMMARY.test(line)) {
      this.mode = 'warning-summary';
      return true;
    }
    if (line.startsWith('WARNING: ')) {
      this.report.addWarning({ rule: 'WARNING', message: line.slice(9).trim(), line: null, file: null });
      return true;
    }
    return false;
  }
}

function startsAnotherConstruct(line: string): boolean {
  return (
    (line.charCodeAt(0) === 35 && /^#\d+ /.test(line)) || line.startsWith('ERROR: ') || line === EXCERPT_RULE
  );
}

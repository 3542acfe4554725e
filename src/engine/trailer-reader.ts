// Lines buildx prints outside any vertex, the same in every progress mode: the `------` error
// block that repeats the failing step's last output, the Dockerfile excerpt
// (`Dockerfile:12` / `--------------------` / `  12 | >>> RUN false`), the final error line in
// its historical wordings, the build-check warning summary and `WARNING:` notices.
import type { ReportBuilder } from './report-builder.js';
import { parseWarningText } from './warning-text.js';

const ERROR_BLOCK_RULE = '------';
const EXCERPT_RULE = '--------------------';
const EXCERPT_HEADER = /^(\S+):(\d+)(?:-\d+)?$/;
const EXCERPT_LINE = /^\s*(\d+) \|( >>>)?/;
const WARNING_SUMMARY = /^\s*\d+ warnings? found\b/;
const FINAL_ERROR_PREFIXES = ['ERROR: ', 'error: ', 'Error: '];
const BARE_FINAL_ERROR =
  /^(?:failed to solve|failed to build|executor failed running|dockerfile parse error)\b/;
const GITHUB_ERROR_COMMAND = '##[error]';

type Mode = 'none' | 'error-block' | 'excerpt' | 'warning-summary';

export class TrailerReader {
  private mode: Mode = 'none';
  private excerptFile: string | null = null;

  constructor(private readonly report: ReportBuilder) {}

  /** True while inside a multi-line construct whose lines must not go to other readers. */
  get active(): boolean {
    return this.mode !== 'none';
  }

  /** Returns false when the line is not one of these constructs. */
  handle(line: string): boolean {
    switch (this.mode) {
      case 'error-block':
        if (line === ERROR_BLOCK_RULE) {
          this.mode = 'none';
          return true;
        }
        if (line.startsWith(' > ') && line.endsWith(':')) {
          this.report.noteErrorBlockStep(line.slice(3, -1));
          return true;
        }
        // A block cut short (truncated log) must not swallow the rest of the build.
        if (!startsAnotherConstruct(line)) {
          this.report.addErrorBlockLine(line);
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
    return this.handleOpening(line);
  }

  private handleOpening(line: string): boolean {
    const excerptFile = this.excerptFile;
    this.excerptFile = null;
    if (line === ERROR_BLOCK_RULE) {
      this.mode = 'error-block';
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
    for (const prefix of FINAL_ERROR_PREFIXES) {
      if (line.startsWith(prefix)) {
        this.report.noteFinalError(line.slice(prefix.length));
        return true;
      }
    }
    if (BARE_FINAL_ERROR.test(line)) {
      this.report.noteFinalError(line);
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

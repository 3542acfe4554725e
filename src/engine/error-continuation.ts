// BuildKit v0.8 (Docker Engine 20.10) words a failed RUN as
// `executor failed running [<command>]: exit code: N`, with the command exactly as written. When
// the command text holds a newline (an exec-form RUN with "\n", a heredoc), the error spans
// several log lines, and the exit code is on the last one, a line with no `#N` prefix of its own.
// Newer BuildKit quotes the command (`process "sh -c a\nb"`), so its errors stay on one line.

const OPENING = 'executor failed running [';
/** `]: ` then the cause, on the last line: the end of the bracketed command. */
const CLOSING = ']: ';
/** A continuation longer than this is not one (a log cut mid-error must not swallow the rest). */
export const MAX_CONTINUATION_LINES = 64;

/** True when `message` opens a v0.8 command bracket that its text does not close yet. */
export function isOpenError(message: string): boolean {
  const at = message.lastIndexOf(OPENING);
  if (at < 0) return false;
  // Searched in code: `/\]: [^\n]*$/` scanned to the line's end from every `]: ` of it.
  const lastLine = Math.max(at + OPENING.length, message.lastIndexOf('\n') + 1);
  return message.indexOf(CLOSING, lastLine) < 0;
}

/** Lines that start something else, so they end a continuation rather than extend it. */
function startsConstruct(line: string): boolean {
  return (
    (line.charCodeAt(0) === 35 /* # */ && /^#\d+ /.test(line)) ||
    line.startsWith('ERROR: ') ||
    line.startsWith('------')
  );
}

/** Follows the error most recently read, and extends it with the lines that continue it. */
export class ErrorContinuation {
  private target: { get(): string; set(message: string): void } | null = null;
  private lines = 0;

  /** The error just read; followed only while it is open (see isOpenError). */
  follow(get: () => string, set: (message: string) => void): void {
    this.target = isOpenError(get()) ? { get, set } : null;
    this.lines = 0;
  }

  /** Returns true when `line` continued the followed error (and must not be read as anything else). */
  accept(line: string): boolean {
    const target = this.target;
    if (target === null) return false;
    if (startsConstruct(line) || this.lines >= MAX_CONTINUATION_LINES) {
      this.target = null;
      return false;
    }
    const message = `${target.get()}\n${line}`;
    target.set(message);
    this.lines++;
    if (!isOpenError(message)) this.target = null;
    return true;
  }
}

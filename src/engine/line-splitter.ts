// Turns a log that arrives in arbitrary pieces (bytes or text, split anywhere, even inside a
// UTF-8 sequence or between CR and LF) into lines. What ends a line depends on the log's format:
//
// - LF and CRLF always do (logs downloaded from CI runners use CRLF).
// - A lone CR does only while `crEndsLine` is set: the tty display redraws its rows with CR, and a
//   pasted log's format is not known before its first lines. In plain and rawjson it must not:
//   buildx's plain printer writes a step's output line as `#N <time> <text>` with every CR the
//   step printed kept inside it (`#6 0.051 compiling\r#900 CACHED`), so a CR there is text the
//   step wrote (pip and npm progress bars), and splitting on it would let the step print lines
//   that read as buildx's own (a vertex, CACHED, the final ERROR). The engine clears the flag
//   when the progress mode is declared plain or rawjson, and as soon as a pasted log has been
//   read as one of those (see BuildLogAnalyzer).
//
// Memory stays bounded whatever the input: a line longer than the bound keeps only its head and
// the rest is skipped as it streams past, so a 50 MB line without a newline never sits in memory.

import { Utf8Chunks } from './utf8-chunks.js';

export type LineSink = (line: string, truncated: boolean) => void;

const LF = 10;
const CR = 13;

export class LineSplitter {
  private readonly decoder = new Utf8Chunks();
  /** Head of the line still waiting for its end. */
  private pending = '';
  /** The pending line already exceeded the bound; its remainder is being skipped. */
  private overflowing = false;
  /** The previous piece ended with CR, so a LF that starts the next piece belongs to it. */
  private afterCR = false;
  /** Lines cut because they were longer than the bound. */
  truncatedLines = 0;
  /**
   * A lone CR ends a line (tty, or a format not known yet). May change between lines, even from
   * inside the sink: the next line is then cut by the new rule. Without it, a CR just before the
   * LF (CRLF) is dropped and every other CR stays in the line.
   */
  crEndsLine = true;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineChars: number,
  ) {}

  push(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk);
    if (text.length > 0) this.scan(text);
  }

  /** Flushes the last line, which may lack a line break. */
  end(): void {
    const rest = this.decoder.flush();
    if (rest.length > 0) this.scan(rest);
    if (this.pending.length > 0 || this.overflowing) this.finishPending('', 0, 0);
    this.afterCR = false;
  }

  private scan(text: string): void {
    const len = text.length;
    let pos = 0;
    if (this.afterCR) {
      this.afterCR = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    // Next LF and next CR at or after pos, `len` when there is none. Each is searched (natively)
    // again only once pos has passed it, so a text without CR costs one CR search per piece, and
    // none is searched for while a lone CR does not end a line.
    let nextLF = indexOrEnd(text, '\n', pos);
    let nextCR = -1;
    while (pos < len) {
      if (nextLF < pos) nextLF = indexOrEnd(text, '\n', pos);
      let end = nextLF;
      let next = end + 1;
      if (this.crEndsLine) {
        if (nextCR < pos) nextCR = indexOrEnd(text, '\r', pos);
        if (nextCR < nextLF) {
          end = nextCR;
          next = end + 1;
          if (next === len) this.afterCR = true;
          else if (text.charCodeAt(next) === LF) next++;
        }
      }
      if (end === len) {
        this.keepPartial(text, pos, len);
        return;
      }
      // LF-only lines: the CR of a CRLF (which may have come at the end of the previous piece).
      let lineEnd = end;
      if (end === nextLF && !this.crEndsLine) {
        if (end > pos && text.charCodeAt(end - 1) === CR) lineEnd--;
        else if (end === pos && this.pendingEndsWithCR()) this.pending = this.pending.slice(0, -1);
      }
      if (this.pending.length > 0 || this.overflowing) this.finishPending(text, pos, lineEnd);
      else if (lineEnd - pos > this.maxLineChars) {
        this.truncatedLines++;
        this.sink(text.slice(pos, pos + this.maxLineChars), true);
      } else this.sink(text.slice(pos, lineEnd), false);
      pos = next;
    }
  }

  /** The line waiting for its end ends with a CR that is still whole (not cut off by the bound). */
  private pendingEndsWithCR(): boolean {
    return !this.overflowing && this.pending.charCodeAt(this.pending.length - 1) === CR;
  }

  private keepPartial(text: string, start: number, end: number): void {
    if (this.overflowing) return;
    const room = this.maxLineChars - this.pending.length;
    if (end - start > room) {
      this.pending += text.slice(start, start + room);
      this.overflowing = true;
    } else {
      this.pending += text.slice(start, end);
    }
  }

  private finishPending(text: string, start: number, end: number): void {
    if (!this.overflowing) this.keepPartial(text, start, end);
    const line = this.pending;
    const truncated = this.overflowing;
    this.pending = '';
    this.overflowing = false;
    if (truncated) this.truncatedLines++;
    this.sink(line, truncated);
  }
}

function indexOrEnd(text: string, char: string, from: number): number {
  const index = text.indexOf(char, from);
  return index < 0 ? text.length : index;
}

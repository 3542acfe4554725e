// Turns a log that arrives in arbitrary pieces (bytes or text, split anywhere, even inside a
// UTF-8 sequence or between CR and LF) into lines. LF, CRLF and a lone CR all end a line: the
// tty display redraws with CR, and logs downloaded from CI runners use CRLF.
//
// Memory stays bounded whatever the input: a line longer than the bound keeps only its head and
// the rest is skipped as it streams past, so a 50 MB line without a newline never sits in memory.

import { Utf8Chunks } from './utf8-chunks.js';

export type LineSink = (line: string, truncated: boolean) => void;

const LF = 10;

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
    // again only once pos has passed it, so a text without CR costs one CR search per piece.
    let nextLF = indexOrEnd(text, '\n', pos);
    let nextCR = indexOrEnd(text, '\r', pos);
    while (pos < len) {
      if (nextLF < pos) nextLF = indexOrEnd(text, '\n', pos);
      if (nextCR < pos) nextCR = indexOrEnd(text, '\r', pos);
      const end = nextCR < nextLF ? nextCR : nextLF;
      if (end === len) {
        this.keepPartial(text, pos, len);
        return;
      }
      let next = end + 1;
      if (end === nextCR) {
        if (next === len) this.afterCR = true;
        else if (text.charCodeAt(next) === LF) next++;
      }
      if (this.pending.length > 0 || this.overflowing) this.finishPending(text, pos, end);
      else if (end - pos > this.maxLineChars) {
        this.truncatedLines++;
        this.sink(text.slice(pos, pos + this.maxLineChars), true);
      } else this.sink(text.slice(pos, end), false);
      pos = next;
    }
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

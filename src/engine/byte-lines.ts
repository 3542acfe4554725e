// Input that arrives as bytes (a file, a pipe) is cut into lines here before it is decoded, so
// that lines a reader can take as bytes (rawjson's log-only messages: most of a rawjson log)
// never become JS strings at all. Every other line goes on, in order and still as bytes, to the
// LineSplitter, which decodes it and applies all its rules (CR, CRLF, the line bound).
//
// A line is offered as bytes only when the splitter would see it the same way: it ends with
// LF, holds no CR (which may end a line there, see crEndsLine), is ASCII (bytes are
// characters) and is within the bound. It also holds no backslash, so every quote in it ends a
// JSON string.
import { isAscii } from 'node:buffer';

/** Where the lines not read as bytes go, in order (the LineSplitter). */
export interface ByteSink {
  push(bytes: Uint8Array): void;
}

/** Takes bytes[start, end) (without its LF) and returns true, or returns false having done nothing. */
export type ByteLineReader = (bytes: Buffer, start: number, end: number) => boolean;

/** Log-only messages are far shorter; this only bounds the copying of a line that trickles in. */
const MAX_HELD_BYTES = 1 << 20;
const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const OPEN_BRACE = 123;

export class ByteLineRouter {
  /** held[0, heldLength): the start of a line whose end has not arrived yet. */
  private held = Buffer.allocUnsafe(4096);
  private heldLength = 0;
  /** The splitter holds the start of a line: the rest of it, to its LF, goes there too. */
  private splitterMidLine = false;

  constructor(
    private readonly splitter: ByteSink,
    private readonly reader: ByteLineReader,
    private readonly maxLineBytes: number,
  ) {
    this.maxHeldBytes = Math.min(maxLineBytes, MAX_HELD_BYTES);
  }

  /** Longest line start held here; a longer one goes on to the splitter. */
  private readonly maxHeldBytes: number;

  push(chunk: Uint8Array): void {
    const bytes = asBuffer(chunk);
    let pos = 0;
    if (this.splitterMidLine || this.heldLength > 0) {
      const lf = bytes.indexOf(LF);
      if (this.splitterMidLine) {
        if (lf < 0) {
          this.splitter.push(bytes);
          return;
        }
        this.splitter.push(bytes.subarray(0, lf + 1));
        this.splitterMidLine = false;
      } else {
        if (lf < 0) {
          this.hold(bytes);
          return;
        }
        if (this.heldLength + lf + 1 > this.maxHeldBytes) {
          this.flush();
          this.splitter.push(bytes.subarray(0, lf + 1));
          this.splitterMidLine = false;
        } else {
          this.hold(bytes.subarray(0, lf + 1));
          const line = this.held.subarray(0, this.heldLength);
          this.heldLength = 0;
          this.route(line, 0);
        }
      }
      pos = lf + 1;
    }
    this.route(bytes, pos);
  }

  /** Hands a held line start to the splitter: before input that bypasses the router, and at the end. */
  flush(): void {
    if (this.heldLength === 0) return;
    this.splitter.push(this.held.subarray(0, this.heldLength));
    this.heldLength = 0;
    this.splitterMidLine = true;
  }

  /** Lines of bytes from pos: whole lines to the reader or the splitter, the rest held. */
  private route(bytes: Buffer, from: number): void {
    const ascii = isAscii(bytes);
    let pos = from;
    let generalFrom = from; // start of the lines not yet handed over
    // Next CR and backslash at or after pos (length when none), searched again only once passed.
    let nextCR = -1;
    let nextBackslash = -1;
    for (let lf = bytes.indexOf(LF, pos); lf >= 0; lf = bytes.indexOf(LF, pos)) {
      if (ascii && bytes[pos] === OPEN_BRACE && lf - pos <= this.maxLineBytes) {
        if (nextCR < pos) nextCR = indexOrLength(bytes, CR, pos);
        if (nextBackslash < pos) nextBackslash = indexOrLength(bytes, BACKSLASH, pos);
        if (nextCR > lf && nextBackslash > lf) {
          // The lines before this one must be read first: they may change how it is read.
          if (generalFrom < pos) this.splitter.push(bytes.subarray(generalFrom, pos));
          generalFrom = this.reader(bytes, pos, lf) ? lf + 1 : pos;
        }
      }
      pos = lf + 1;
    }
    if (generalFrom < pos) this.splitter.push(bytes.subarray(generalFrom, pos));
    if (pos < bytes.length) this.hold(bytes.subarray(pos));
  }

  /** Appends to the held line start (a copy: the caller may reuse its chunk), or passes it on. */
  private hold(partial: Buffer): void {
    const length = this.heldLength + partial.length;
    if (length > this.maxHeldBytes) {
      // Too long to be offered as bytes: the splitter reads (and bounds) it.
      this.flush();
      this.splitter.push(partial);
      this.splitterMidLine = true;
      return;
    }
    if (length > this.held.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxHeldBytes, Math.max(length, 2 * this.held.length)));
      this.held.copy(grown, 0, 0, this.heldLength);
      this.held = grown;
    }
    partial.copy(this.held, this.heldLength);
    this.heldLength = length;
  }
}

function indexOrLength(bytes: Buffer, byte: number, from: number): number {
  const index = bytes.indexOf(byte, from);
  return index < 0 ? bytes.length : index;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Most lines of a big rawjson log are step output, one SolveStatus that carries only logs:
//   {"logs":[{"vertex":"sha256:…","stream":1,"data":"<base64>","timestamp":"…"}]}
// These read exactly that shape (Go's encoder writes the fields in this order, and neither a
// digest nor base64 contains a quote or a backslash) without building objects, several times
// faster than JSON.parse. Any other shape is left to JSON.parse.

/** The usual case, one entry: [, vertex, data]. A compiled regex beats any hand-written scan. */
export const SINGLE_LOG_LINE =
  /^\{"logs":\[\{"vertex":"([^"\\]+)","stream":\d+,"data":"([^"\\]*)","timestamp":"[^"\\]*"\}\]\}$/;

const OBJECT_START = '{"logs":[';
const ENTRY_START = '{"vertex":"';
const STREAM = '","stream":';
const DATA = ',"data":"';
const TIMESTAMP = '","timestamp":"';
const ENTRY_END = '"}';

/**
 * Finds the entries of a log-only line. Returns how many (0 when the line has another shape)
 * and writes each entry's [vertexStart, vertexEnd, dataStart, dataEnd] into `ranges`.
 */
export function scanLogsOnlyLine(line: string, ranges: number[]): number {
  if (!line.startsWith(OBJECT_START)) return 0;
  let count = 0;
  let pos = OBJECT_START.length;
  for (;;) {
    if (!line.startsWith(ENTRY_START, pos)) return 0;
    const vertexStart = pos + ENTRY_START.length;
    const vertexEnd = line.indexOf('"', vertexStart);
    if (vertexEnd < 0 || !line.startsWith(STREAM, vertexEnd)) return 0;
    let cursor = vertexEnd + STREAM.length;
    const streamStart = cursor;
    while (isDigit(line.charCodeAt(cursor))) cursor++;
    if (cursor === streamStart || !line.startsWith(DATA, cursor)) return 0;
    const dataStart = cursor + DATA.length;
    const dataEnd = line.indexOf('"', dataStart);
    if (dataEnd < 0 || !line.startsWith(TIMESTAMP, dataEnd)) return 0;
    const timestampEnd = line.indexOf('"', dataEnd + TIMESTAMP.length);
    if (timestampEnd < 0 || !line.startsWith(ENTRY_END, timestampEnd)) return 0;
    // A backslash means an escape sequence that only JSON.parse reads right.
    const backslash = line.indexOf('\\', vertexStart);
    if (backslash >= 0 && backslash < timestampEnd) return 0;
    ranges[count * 4] = vertexStart;
    ranges[count * 4 + 1] = vertexEnd;
    ranges[count * 4 + 2] = dataStart;
    ranges[count * 4 + 3] = dataEnd;
    count++;
    pos = timestampEnd + ENTRY_END.length;
    const next = line.charCodeAt(pos);
    if (next === 44 /* , */) {
      pos++;
      continue;
    }
    return next === 93 /* ] */ && pos + 2 === line.length && line.charCodeAt(pos + 1) === 125 /* } */
      ? count
      : 0;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const OBJECT_START_BYTES = Buffer.from(OBJECT_START, 'latin1');
const ENTRY_START_BYTES = Buffer.from(ENTRY_START, 'latin1');
const STREAM_BYTES = Buffer.from(STREAM, 'latin1');
const DATA_BYTES = Buffer.from(DATA, 'latin1');
const TIMESTAMP_BYTES = Buffer.from(TIMESTAMP, 'latin1');
const QUOTE = 34;
/** What ends a one-entry message after its timestamp. */
const ONE_ENTRY_END_BYTES = Buffer.from('"}]}', 'latin1');

/**
 * scanLogsOnlyLine on the undecoded line bytes[start, end), for input read as bytes: the bulk of
 * a rawjson log then never becomes a JS string. The caller has checked that the line is ASCII
 * and holds no backslash or CR, so every quote ends a string and bytes are characters. Writes
 * the same ranges (byte offsets); 0 when the line has another shape.
 */
function scanLogsOnlyBytes(bytes: Buffer, start: number, end: number, ranges: number[]): number {
  if (!hasAt(bytes, start, end, OBJECT_START_BYTES)) return 0;
  let count = 0;
  let pos = start + OBJECT_START_BYTES.length;
  for (;;) {
    if (!hasAt(bytes, pos, end, ENTRY_START_BYTES)) return 0;
    const vertexStart = pos + ENTRY_START_BYTES.length;
    const vertexEnd = quoteAfter(bytes, vertexStart, end);
    if (vertexEnd === vertexStart || !hasAt(bytes, vertexEnd, end, STREAM_BYTES)) return 0;
    let cursor = vertexEnd + STREAM_BYTES.length;
    const streamStart = cursor;
    while (cursor < end && isDigit(bytes[cursor]!)) cursor++;
    if (cursor === streamStart || !hasAt(bytes, cursor, end, DATA_BYTES)) return 0;
    const dataStart = cursor + DATA_BYTES.length;
    const dataEnd = bytes.indexOf(QUOTE, dataStart);
    if (dataEnd < 0 || !hasAt(bytes, dataEnd, end, TIMESTAMP_BYTES)) return 0;
    const timestampEnd = quoteAfter(bytes, dataEnd + TIMESTAMP_BYTES.length, end);
    if (timestampEnd + 2 > end || bytes[timestampEnd + 1] !== 125 /* } */) return 0;
    ranges[count * 4] = vertexStart;
    ranges[count * 4 + 1] = vertexEnd;
    ranges[count * 4 + 2] = dataStart;
    ranges[count * 4 + 3] = dataEnd;
    count++;
    pos = timestampEnd + 2;
    const next = pos < end ? bytes[pos] : -1;
    if (next === 44 /* , */) {
      pos++;
      continue;
    }
    return next === 93 /* ] */ && pos + 2 === end && bytes[pos + 1] === 125 /* } */ ? count : 0;
  }
}

/** The first quote in bytes[from, end), or end. Scanned here: digests and timestamps are short. */
function quoteAfter(bytes: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && bytes[i] !== QUOTE) i++;
  return i;
}

/** bytes[at, at + text.length) === text, within [at, end). */
function hasAt(bytes: Buffer, at: number, end: number, text: Buffer): boolean {
  if (at + text.length > end) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text[i]) return false;
  return true;
}

/**
 * scanLogsOnlyBytes, quicker on what dominates a big log: runs of one-entry messages from the
 * same vertex and stream. Such a message repeats the previous one's bytes up to its data, so
 * one comparison replaces reading the head field by field.
 */
export class LogBytesScanner {
  /** Entry ranges of the last scan, as scanLogsOnlyBytes writes them. */
  readonly ranges: number[] = [];
  /** The last scan found the same head (so the same vertex) as the one-entry message before. */
  repeatedHead = false;
  /** `{"logs":[{"vertex":"…","stream":N,"data":"` of the last one-entry message, or empty. */
  private head = Buffer.alloc(0);
  private headView: DataView = new DataView(this.head.buffer, this.head.byteOffset, 0);
  private vertexLength = 0;
  /** A view of the bytes last scanned, to compare them four at a time (about twice as fast). */
  private bytesView: DataView = new DataView(new ArrayBuffer(0));
  private viewed: Buffer | null = null;

  scan(bytes: Buffer, start: number, end: number): number {
    this.repeatedHead = false;
    const head = this.head;
    if (bytes !== this.viewed) {
      this.viewed = bytes;
      this.bytesView = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    if (head.length > 0 && start + head.length <= end && sameWords(this.bytesView, start, this.headView)) {
      const dataStart = start + head.length;
      const dataEnd = nextQuote(this.bytesView, bytes, dataStart, end);
      const timestampStart = dataEnd + TIMESTAMP_BYTES.length;
      if (
        timestampStart + ONE_ENTRY_END_BYTES.length <= end &&
        hasAt(bytes, dataEnd, end, TIMESTAMP_BYTES) &&
        hasAt(bytes, end - ONE_ENTRY_END_BYTES.length, end, ONE_ENTRY_END_BYTES) &&
        nextQuote(this.bytesView, bytes, timestampStart, end) === end - ONE_ENTRY_END_BYTES.length
      ) {
        const vertexStart = start + OBJECT_START_BYTES.length + ENTRY_START_BYTES.length;
        this.ranges[0] = vertexStart;
        this.ranges[1] = vertexStart + this.vertexLength;
        this.ranges[2] = dataStart;
        this.ranges[3] = dataEnd;
        this.repeatedHead = true;
        return 1;
      }
    }
    const count = scanLogsOnlyBytes(bytes, start, end, this.ranges);
    if (count === 1) {
      this.head = Buffer.from(bytes.subarray(start, this.ranges[2]));
      this.vertexLength = this.ranges[1]! - this.ranges[0]!;
    } else {
      this.head = Buffer.alloc(0);
    }
    this.headView = new DataView(this.head.buffer, this.head.byteOffset, this.head.length);
    return count;
  }
}

/**
 * The first quote in bytes[from, end), or end; four bytes at a time (data and timestamps are
 * mostly a few dozen bytes, shorter than what makes a call to Buffer.indexOf pay off).
 */
function nextQuote(view: DataView, bytes: Buffer, from: number, end: number): number {
  let i = from;
  for (; i + 4 <= end; i += 4) {
    // Has a zero byte once XORed with four quotes (the classic SWAR test).
    const word = view.getUint32(i) ^ FOUR_QUOTES;
    if (((word - 0x01010101) & ~word & 0x80808080) !== 0) break;
  }
  while (i < end && bytes[i] !== QUOTE) i++;
  return i;
}
const FOUR_QUOTES = 0x22222222;

/** The bytes at `start` of `view` are those of `other` (the caller checked they fit). */
function sameWords(view: DataView, start: number, other: DataView): boolean {
  const length = other.byteLength;
  let i = 0;
  for (; i + 4 <= length; i += 4) if (view.getUint32(start + i) !== other.getUint32(i)) return false;
  for (; i < length; i++) if (view.getUint8(start + i) !== other.getUint8(i)) return false;
  return true;
}

// `--progress=rawjson`: a stream of BuildKit SolveStatus objects, one compact object per line
// (current buildx) or pretty-printed over many lines (buildx 0.13), then buildx's own plain
// `ERROR:` lines. Each vertex message carries the vertex's whole current state, so the latest
// wins (a vertex first sent cached and later completed uncached was not cached); a message
// that only re-announces a started vertex is ignored, as buildx's own display does. Log data is
// base64 and may split lines between messages.
import { detach } from './detach.js';
import { LogBytesScanner, SINGLE_LOG_LINE, scanLogsOnlyLine } from './log-message.js';
import type { ReportBuilder } from './report-builder.js';
import { MAX_INPUT_LINE_CHARS } from './report.js';
import { notePush, type VertexState } from './vertex-state.js';
import { parseWarningText } from './warning-text.js';

/** Largest pretty-printed object assembled; a bigger one is dropped and counted as unrecognised. */
const MAX_OBJECT_CHARS = 4 * MAX_INPUT_LINE_CHARS;
const OUTPUT_CLIPPED = '[output clipped';
const TRANSFERRING_CONTEXT = 'transferring context';

type Json = Record<string, unknown>;

interface GroupMember {
  startMs: number | null;
  endMs: number | null;
  cached: boolean;
  error: string | null;
  weak: boolean;
}

/** BuildKit shows vertices of one progress group (e.g. COPY --link) as a single step. */
interface Group {
  vertex: VertexState;
  members: Map<string, GroupMember>;
}

export class RawJsonReader {
  private objectLines: string[] | null = null;
  private objectChars = 0;
  private readonly groups = new Map<string, Group>();
  /** Digest of a group member -> the group's vertex, for its logs and statuses. */
  private readonly memberOf = new Map<string, VertexState>();
  parsedObjects = 0;

  constructor(private readonly report: ReportBuilder) {}

  /** Takes the line when it belongs to a JSON object; false leaves it to the other readers. */
  handle(line: string, truncated: boolean): boolean {
    if (this.objectLines !== null) {
      if (line === '}') {
        this.objectLines.push(line);
        const text = this.objectLines.join('\n');
        this.objectLines = null;
        this.parse(text);
        return true;
      }
      if (line.charCodeAt(0) === 32 && !truncated) {
        this.objectChars += line.length;
        if (this.objectChars > MAX_OBJECT_CHARS) this.abandonObject();
        else this.objectLines.push(line);
        return true;
      }
      // Not indented: the object was cut short.
      this.abandonObject();
    }
    if (line.charCodeAt(0) !== 123 /* { */) return false;
    if (truncated) {
      this.report.noteUnrecognized();
    } else if (line === '{') {
      this.objectLines = [line];
      this.objectChars = 1;
    } else {
      this.parse(line);
    }
    return true;
  }

  /**
   * A log-only message still as bytes (see scanLogsOnlyBytes for what the caller checked), read
   * without decoding the line. False, with nothing changed, when it has another shape or a
   * pretty-printed object is open: the line then takes the general path.
   */
  handleLogBytes(bytes: Buffer, start: number, end: number): boolean {
    if (this.objectLines !== null) return false;
    const scanner = this.bytesScanner;
    const entries = scanner.scan(bytes, start, end);
    if (entries === 0) return false;
    this.parsedObjects++;
    this.report.claimFormat('rawjson');
    const ranges = scanner.ranges;
    for (let i = 0; i < entries * 4; i += 4) {
      // A repeated head names the digest of the one-entry message before: no need to read it.
      const vertex =
        scanner.repeatedHead && this.headDigest !== null
          ? this.target(this.headDigest)
          : this.targetInBytes(bytes, ranges[i]!, ranges[i + 1]!);
      if (entries === 1) this.headDigest = this.lastDigest;
      if (vertex !== undefined)
        this.applyLogData(vertex, bytes.toString('latin1', ranges[i + 2], ranges[i + 3]));
    }
    return true;
  }

  /** True while a pretty-printed object is being assembled. */
  get inObject(): boolean {
    return this.objectLines !== null;
  }

  end(): void {
    if (this.objectLines !== null) this.abandonObject();
  }

  private abandonObject(): void {
    this.report.noteUnrecognized(this.objectLines?.length ?? 0);
    this.objectLines = null;
  }

  private parse(text: string): void {
    const single = SINGLE_LOG_LINE.exec(text);
    if (single !== null) {
      this.parsedObjects++;
      this.report.claimFormat('rawjson');
      const vertex = this.target(single[1]);
      if (vertex !== undefined) this.applyLogData(vertex, single[2]!);
      return;
    }
    const entries = scanLogsOnlyLine(text, this.ranges);
    if (entries > 0) {
      this.parsedObjects++;
      this.report.claimFormat('rawjson');
      for (let i = 0; i < entries * 4; i += 4) {
        const vertex = this.targetIn(text, this.ranges[i]!, this.ranges[i + 1]!);
        if (vertex !== undefined)
          this.applyLogData(vertex, text.slice(this.ranges[i + 2], this.ranges[i + 3]));
      }
      return;
    }
    let status: unknown;
    try {
      status = JSON.parse(text);
    } catch {
      this.report.noteUnrecognized();
      return;
    }
    if (!isObject(status)) {
      this.report.noteUnrecognized();
      return;
    }
    this.parsedObjects++;
    this.report.claimFormat('rawjson');
    for (const vertex of arrayOf(status.vertexes)) this.applyVertex(vertex);
    for (const progress of arrayOf(status.statuses)) this.applyStatus(progress);
    for (const log of arrayOf(status.logs)) this.applyLog(log);
    for (const warning of arrayOf(status.warnings)) this.applyWarning(warning);
  }

  private applyVertex(message: Json): void {
    const digest = message.digest;
    if (typeof digest !== 'string') return;
    this.lastDigest = null; // the digest may now name a new vertex or group
    const name = typeof message.name === 'string' ? message.name : '';
    const startMs = timeOf(message.started);
    const endMs = timeOf(message.completed);
    const cached = message.cached === true;
    const error = typeof message.error === 'string' && message.error.length > 0 ? message.error : null;
    const group = message.progressGroup;
    if (isObject(group) && typeof group.id === 'string') {
      this.applyGroupMember(digest, group, { startMs, endMs, cached, error, weak: group.weak === true });
      return;
    }
    const vertex = this.report.vertex(digest) ?? this.report.createVertex(digest, name);
    vertex.rename(name);
    if (startMs === null && vertex.started) return;
    setState(vertex, startMs, endMs, cached, error);
    this.report.touch(vertex);
    if (vertex.completed) this.finish(vertex);
  }

  private applyGroupMember(digest: string, group: Json, member: GroupMember): void {
    const id = `group:${String(group.id)}`;
    let entry = this.groups.get(id);
    if (entry === undefined) {
      entry = {
        vertex: this.report.createVertex(id, typeof group.name === 'string' ? group.name : id),
        members: new Map(),
      };
      if (!entry.vertex.untracked) this.groups.set(id, entry);
    }
    const previous = entry.members.get(digest);
    if (member.startMs === null && previous !== undefined && previous.startMs !== null) return;
    entry.members.set(digest, member);
    if (!entry.vertex.untracked) this.memberOf.set(digest, entry.vertex);
    // As buildx displays a group: started when a member started, hidden while only weak members
    // did, cached when all are, failed with the first member error, done when all started ones are.
    let startMs: number | null = null;
    let endMs: number | null = null;
    let cached = true;
    let error: string | null = null;
    let visible = false;
    let allDone = true;
    for (const m of entry.members.values()) {
      cached &&= m.cached;
      error ??= m.error;
      if (m.startMs === null) continue;
      if (!m.weak) visible = true;
      if (startMs === null || m.startMs < startMs) startMs = m.startMs;
      if (m.endMs === null) allDone = false;
      else if (endMs === null || m.endMs > endMs) endMs = m.endMs;
    }
    if (!visible || startMs === null) return;
    setState(entry.vertex, startMs, allDone ? endMs : null, cached, error);
    this.report.touch(entry.vertex);
    if (entry.vertex.completed) this.finish(entry.vertex);
  }

  private finish(vertex: VertexState): void {
    if (vertex.partialLog.length > 0) {
      this.emitOutput(vertex, vertex.partialLog);
      vertex.partialLog = '';
    }
    this.report.finish(vertex);
  }

  private target(digest: unknown): VertexState | undefined {
    if (typeof digest !== 'string') return undefined;
    // Consecutive messages are mostly about the same vertex: skip hashing its digest again.
    if (digest === this.lastDigest) return this.lastTarget;
    const vertex = this.memberOf.get(digest) ?? this.report.vertex(digest);
    this.lastDigest = detach(digest);
    this.lastTarget = vertex;
    return vertex;
  }
  /** The vertex whose digest is line[start, end), without cutting the digest out unless it is new. */
  private targetIn(line: string, start: number, end: number): VertexState | undefined {
    const last = this.lastDigest;
    if (last !== null && last.length === end - start && sameChars(line, start, last)) return this.lastTarget;
    return this.target(line.slice(start, end));
  }
  /** targetIn for an ASCII digest still as bytes, compared with the last one's bytes. */
  private targetInBytes(bytes: Buffer, start: number, end: number): VertexState | undefined {
    if (
      this.lastDigest !== null &&
      this.lastDigest === this.lastDigestOfBytes &&
      sameBytes(bytes, start, end, this.lastDigestBytes)
    )
      return this.lastTarget;
    const vertex = this.target(bytes.toString('latin1', start, end));
    this.lastDigestBytes = Buffer.from(bytes.subarray(start, end));
    this.lastDigestOfBytes = this.lastDigest;
    return vertex;
  }
  private readonly bytesScanner = new LogBytesScanner();
  /** The digest of the last one-entry message read as bytes. */
  private headDigest: string | null = null;
  /** The bytes of lastDigest while it is lastDigestOfBytes (target() may since have moved on). */
  private lastDigestBytes = Buffer.alloc(0);
  private lastDigestOfBytes: string | null = null;
  private readonly ranges: number[] = [];
  private lastDigest: string | null = null;
  private lastTarget: VertexState | undefined = undefined;

  private applyStatus(message: Json): void {
    const vertex = this.target(message.vertex);
    if (vertex === undefined) return;
    if (
      typeof message.id === 'string' &&
      message.id.startsWith(TRANSFERRING_CONTEXT) &&
      typeof message.current === 'number'
    ) {
      vertex.contextBytes = message.current;
    }
    if (typeof message.id === 'string' && message.id.startsWith('pushing ')) {
      const start = timeOf(message.started);
      const end = timeOf(message.completed);
      if (start !== null && end !== null) notePush(vertex, message.id, end - start);
    }
  }

  private applyLog(message: Json): void {
    if (typeof message.data !== 'string') return;
    const vertex = this.target(message.vertex);
    if (vertex !== undefined) this.applyLogData(vertex, message.data);
  }

  private applyLogData(vertex: VertexState, data: string): void {
    // Decoded into one reused buffer (a big log has a million of these messages), with a LF
    // after the data so that every search for a line end stops inside it.
    if (this.scratch.length <= data.length) {
      this.scratch = Buffer.allocUnsafe(Math.max(data.length + 1, 64 * 1024));
      this.scratchView = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.length);
    }
    const bytes = this.scratch;
    const view = this.scratchView;
    const length = bytes.write(data, 0, 'base64');
    bytes[length] = LF;
    let start = 0; // where the lines of this message that are not joined to an open line begin
    let newline = nextLF(bytes, view, 0, length);
    if (vertex.partialLog.length > 0) {
      // The first line completes the one the previous message left open.
      if (newline === length) {
        vertex.partialLog = boundPartial(vertex.partialLog + bytes.toString('utf8', 0, length));
        return;
      }
      this.emitOutput(vertex, stripCR(vertex.partialLog + bytes.toString('utf8', 0, newline)));
      vertex.partialLog = '';
      start = newline + 1;
      newline = nextLF(bytes, view, start, length);
    }
    // Lines are counted on the bytes. Only the last OUTPUT_TAIL_LINES can reach the step's
    // tail, and they go there still encoded: most are pushed out before anyone reads them.
    let index = start === 0 ? 0 : 1;
    let lineStart = start;
    for (; newline < length; newline = nextLF(bytes, view, lineStart, length)) {
      if (bytes[lineStart] === OPEN_BRACKET && isClippedMarker(bytes, lineStart, newline)) {
        this.report.noteOutputClipped();
      } else {
        vertex.outputLines++;
        vertex.tail.pushEncoded(data, index);
      }
      index++;
      lineStart = newline + 1;
    }
    if (lineStart < length) vertex.partialLog = boundPartial(bytes.toString('utf8', lineStart, length));
  }
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private scratchView = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.length);

  private emitOutput(vertex: VertexState, line: string): void {
    if (line.startsWith(OUTPUT_CLIPPED)) this.report.noteOutputClipped();
    else this.report.addOutputLine(vertex, line);
  }

  private applyWarning(message: Json): void {
    const short = typeof message.short === 'string' ? decodeBase64(message.short) : '';
    if (short.length === 0) return;
    const source = message.sourceInfo;
    const file = isObject(source) && typeof source.filename === 'string' ? source.filename : null;
    const warning = parseWarningText(short, file);
    const range = Array.isArray(message.range) ? message.range[0] : undefined;
    const line = isObject(range) && isObject(range.start) ? range.start.line : undefined;
    if (typeof line === 'number' && line > 0) warning.line = line;
    this.report.addWarning(warning);
  }
}

/** line[start, start + text.length) === text, comparing from the end, where digests differ. */
function sameChars(line: string, start: number, text: string): boolean {
  for (let i = text.length - 1; i >= 0; i--)
    if (line.charCodeAt(start + i) !== text.charCodeAt(i)) return false;
  return true;
}

/** bytes[start, end) equals other, comparing from the end, where digests differ. */
function sameBytes(bytes: Buffer, start: number, end: number, other: Buffer): boolean {
  if (end - start !== other.length) return false;
  for (let i = other.length - 1; i >= 0; i--) if (bytes[start + i] !== other[i]) return false;
  return true;
}

const LF = 10;
const OPEN_BRACKET = 91;

/**
 * The next LF at or after `from`; bytes[end] is a LF sentinel, so this never passes `end`.
 * Short spans are scanned here, four bytes at a time: a call into Buffer.indexOf costs more
 * than the few bytes of a typical log message.
 */
function nextLF(bytes: Buffer, view: DataView, from: number, end: number): number {
  if (end - from > 256) return bytes.indexOf(LF, from);
  let i = from;
  for (; i + 4 <= end; i += 4) {
    // Has a zero byte once XORed with four LFs (the classic SWAR test).
    const word = view.getUint32(i) ^ FOUR_LFS;
    if (((word - 0x01010101) & ~word & 0x80808080) !== 0) break;
  }
  while (bytes[i] !== LF) i++;
  return i;
}
const FOUR_LFS = 0x0a0a0a0a;

function isClippedMarker(bytes: Buffer, start: number, end: number): boolean {
  return (
    end - start >= OUTPUT_CLIPPED.length &&
    bytes.toString('latin1', start, start + OUTPUT_CLIPPED.length) === OUTPUT_CLIPPED
  );
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function boundPartial(partial: string): string {
  return partial.length > MAX_INPUT_LINE_CHARS ? partial.slice(0, MAX_INPUT_LINE_CHARS) : partial;
}

function setState(
  vertex: VertexState,
  startMs: number | null,
  endMs: number | null,
  cached: boolean,
  error: string | null,
): void {
  vertex.started = startMs !== null;
  if (endMs !== null) vertex.complete(cached, error);
  else {
    vertex.completed = false;
    vertex.cached = cached;
    vertex.error = error;
  }
  vertex.startMs = startMs;
  vertex.endMs = endMs;
  vertex.durationMs = startMs !== null && endMs !== null ? Math.max(0, Math.round(endMs - startMs)) : null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function timeOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

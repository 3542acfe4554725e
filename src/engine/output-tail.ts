// The last N lines a step printed, in a fixed ring: memory per step stays constant however
// much the step prints. A rawjson line can be kept still encoded (the message's base64 data and
// the line's index in it) and is decoded only when read or sealed: most lines are pushed out of
// the ring by later ones before anyone reads them.
import { detach } from './detach.js';
import { MAX_KEPT_LINE_CHARS } from './report.js';

export class OutputTail {
  /** The line, or the base64 data of the message it is in when `lineIndex` is >= 0. */
  private readonly entries: string[] = [];
  private readonly lineIndex: number[] = [];
  private next = 0;
  private chars = 0;

  constructor(private readonly capacity: number) {}

  /** Keeps a line as given (a cheap slice); seal() copies the survivors once the step is over. */
  push(line: string): void {
    this.put(line.length > MAX_KEPT_LINE_CHARS ? cutLine(line) : line, -1);
  }

  /** Keeps line `index` (0-based, LF-separated) of the base64-encoded `data`, decoded when read. */
  pushEncoded(data: string, index: number): void {
    this.put(data, index);
  }

  private put(entry: string, index: number): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
      this.lineIndex.push(index);
    } else {
      this.chars -= this.entries[this.next]!.length;
      this.entries[this.next] = entry;
      this.lineIndex[this.next] = index;
    }
    this.chars += entry.length;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  /** Characters held, so the report builder can cap the sum over all steps. */
  get size(): number {
    return this.chars;
  }

  /** Decodes the kept lines and copies them out of the input they were sliced from (see detach). */
  seal(): void {
    const decoder = new MessageDecoder();
    for (let i = 0; i < this.entries.length; i++) {
      this.entries[i] = detach(this.text(i, decoder));
      this.lineIndex[i] = -1;
    }
  }

  toArray(): string[] {
    const count = this.entries.length;
    const first = count < this.capacity ? 0 : this.next;
    const decoder = new MessageDecoder();
    const lines: string[] = [];
    for (let k = 0; k < count; k++) lines.push(this.text((first + k) % count, decoder));
    return lines;
  }

  clear(): void {
    this.entries.length = 0;
    this.lineIndex.length = 0;
    this.next = 0;
    this.chars = 0;
  }

  private text(i: number, decoder: MessageDecoder): string {
    const index = this.lineIndex[i]!;
    if (index < 0) return this.entries[i]!;
    const line = decoder.line(this.entries[i]!, index);
    return line.length > MAX_KEPT_LINE_CHARS ? cutLine(line) : line;
  }
}

/** Decodes base64 log messages, remembering the last one (its lines sit next to each other). */
class MessageDecoder {
  private data: string | null = null;
  private lines: string[] = [];

  line(data: string, index: number): string {
    if (data !== this.data) {
      this.data = data;
      this.lines = Buffer.from(data, 'base64').toString('utf8').split('\n');
    }
    const line = this.lines[index] ?? '';
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

/**
 * A line as the report keeps it: cut to MAX_KEPT_LINE_CHARS, and copied out of the chunk it was
 * sliced from (V8 slices keep their whole parent string alive, which would pin every input
 * chunk that a kept line came from).
 */
export function keepLine(line: string): string {
  return detach(line.length > MAX_KEPT_LINE_CHARS ? cutLine(line) : line);
}

function cutLine(line: string): string {
  return `${line.slice(0, MAX_KEPT_LINE_CHARS)}… [cut]`;
}

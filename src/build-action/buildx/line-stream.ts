// Splits a byte stream into lines without decoding it, so what reaches the job
// log is byte for byte what buildx printed. A line longer than maxPendingBytes
// is passed on in pieces rather than held: memory stays bounded whatever the
// build prints.

export class LineStream {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxPendingBytes = 1024 * 1024) {}

  /** Complete lines in this chunk (each ending with its `\n`), plus pieces of an over-long line. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl + 1);
      if (this.pendingBytes > 0) {
        this.pending.push(piece);
        out.push(Buffer.concat(this.pending));
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        out.push(piece);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
      if (this.pendingBytes >= this.maxPendingBytes) out.push(this.takePending());
    }
    return out;
  }

  /** What is left after the stream ended (a last line without `\n`), or null. */
  end(): Buffer | null {
    return this.pendingBytes > 0 ? this.takePending() : null;
  }

  private takePending(): Buffer {
    const all = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return all;
  }
}

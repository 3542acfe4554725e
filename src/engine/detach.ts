// V8 makes `line.slice(a, b)` a view into `line`, and every line is itself a view into the chunk
// of input it came from. A kept view keeps that whole chunk alive: a step name held for the
// length of a build would pin 256 KiB of log. Whatever the report keeps goes through detach.

/** A copy of `text` that shares no memory with the input it was cut from. */
export function detach(text: string): string {
  // Short strings are always copied by V8; concatenating then slicing forces a flat copy.
  return text.length < 13 ? text : (' ' + text).slice(1);
}

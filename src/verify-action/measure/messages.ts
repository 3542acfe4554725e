// Error messages differ by ids, durations and addresses between occurrences of
// the same problem ("timeout after 3021ms" / "timeout after 2950ms"). Reducing
// them to a shape lets the top messages merge and "new since the deploy" mean a
// new kind of error, not a new request id.

const SHAPES: readonly [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/gi, '<ip>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b/g, '<time>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

/** The shape of a message: variable parts replaced, whitespace folded, at most 300 characters. */
export function normalizeMessage(message: string): string {
  let out = message;
  for (const [pattern, token] of SHAPES) out = out.replace(pattern, token);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 299)}…` : out;
}

export interface MessageCount {
  message: string;
  count: number;
  /** The kind's template, when messages are grouped by template (<*> for the variable parts). */
  template?: string;
}

/** Merges messages of the same shape, most frequent first; the first spelling represents its shape. */
export function mergeByShape(messages: readonly MessageCount[]): MessageCount[] {
  const byShape = new Map<string, MessageCount>();
  for (const { message, count } of messages) {
    const shape = normalizeMessage(message);
    const seen = byShape.get(shape);
    if (seen) seen.count += count;
    else byShape.set(shape, { message, count });
  }
  return [...byShape.values()].sort((a, b) => b.count - a.count || a.message.localeCompare(b.message));
}

/** Counts identical values, e.g. the messages of a bounded sample of hits. */
function countValues(values: readonly string[]): MessageCount[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([message, count]) => ({ message, count }));
}

/** Window messages whose shape never occurred in the baseline. */
export function newMessages(window: readonly MessageCount[], baseline: readonly string[]): MessageCount[] {
  const known = new Set(baseline.map(normalizeMessage));
  return window.filter((m) => !known.has(normalizeMessage(m.message)));
}

/**
 * The top messages by shape from two partial views: exact counts of the most
 * frequent distinct messages (lower bounds: a shape made of unique messages, like
 * "timeout ... request_id=<hex>", may not appear there at all) and a sample of the
 * latest errors, whose shares estimate each shape's count. Each shape gets the
 * larger of the two.
 */
export function estimateTop(
  exact: readonly MessageCount[],
  sample: readonly string[],
  totalErrors: number,
): MessageCount[] {
  const byShape = new Map<string, MessageCount>();
  for (const m of mergeByShape(exact)) byShape.set(normalizeMessage(m.message), { ...m });
  if (sample.length > 0) {
    for (const s of mergeByShape(countValues(sample))) {
      const estimate = Math.round((s.count / sample.length) * totalErrors);
      const shape = normalizeMessage(s.message);
      const known = byShape.get(shape);
      if (known) known.count = Math.max(known.count, estimate);
      else byShape.set(shape, { message: s.message, count: estimate });
    }
  }
  return [...byShape.values()].sort((a, b) => b.count - a.count || a.message.localeCompare(b.message));
}

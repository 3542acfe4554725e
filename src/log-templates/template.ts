// A template: one kind of line, its tokens with the variable parts as the wildcard, and the
// lines that joined it. Its own module so the miner and the merge share it without a cycle.

export interface Template {
  id: number;
  tokens: string[];
  /** Lines that joined it, in total and by label. */
  count: number;
  counts: Map<string, number>;
  /** The first line of each label, as logged. */
  examples: Map<string, string>;
  /** Insertion index of the first line of each label. */
  firstSeen: Map<string, number>;
}

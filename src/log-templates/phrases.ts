// A template's constant runs: the phrases every line of the kind contains, to
// count the kind in a search engine with match_phrase (no keyword field needed).
// A phrase must cut the text where the engine's word tokenizer cuts it, or it
// would match nothing: a wildcard glued to a word character (blk_<*>, v<*>) takes
// the whole glued word with it; one behind punctuation that always separates
// words (request_id=<*>, (<*>)) leaves the word before it in the phrase.
import { WILDCARD } from './mask.js';

/** Punctuation that ends a word for Unicode word segmentation (UAX #29), as Lucene's standard tokenizer applies it. */
const SEPARATOR = /[\s=()[\]{}"<>,;!?&|/\\#$%^*+~`-]/u;
const WORD = /[\p{L}\p{N}]/u;

/** Maximal runs of constant text, in order; each holds at least one letter or digit. */
export function constantRuns(tokens: readonly string[]): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  const close = () => {
    const text = current.join(' ');
    if (WORD.test(text)) runs.push(text);
    current = [];
  };
  for (const token of tokens) {
    if (!token.includes(WILDCARD)) {
      current.push(token);
      continue;
    }
    const parts = token.split(WILDCARD);
    const head = safeHead(parts[0]!);
    if (head) current.push(head);
    close();
    // Constant text between two wildcards of one token stands alone.
    for (const middle of parts.slice(1, -1)) {
      const inner = safeTail(safeHead(middle));
      if (inner) {
        current.push(inner);
        close();
      }
    }
    if (parts.length > 1) {
      const tail = safeTail(parts.at(-1)!);
      if (tail) current.push(tail);
    }
  }
  close();
  return runs;
}

/** The text before a wildcard, without a word glued to it. */
function safeHead(text: string): string {
  if (text === '' || SEPARATOR.test(text.at(-1)!)) return text;
  const cut = lastSeparator(text);
  return cut < 0 ? '' : text.slice(0, cut + 1);
}

/** The text after a wildcard, without a word glued to it. */
function safeTail(text: string): string {
  if (text === '' || SEPARATOR.test(text[0]!)) return text;
  for (let i = 0; i < text.length; i++) if (SEPARATOR.test(text[i]!)) return text.slice(i);
  return '';
}

function lastSeparator(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (SEPARATOR.test(text[i]!)) return i;
  return -1;
}

/** Words as a standard analyzer sees them (lowercase letters and digits), to count phrase length. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.:'][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** The most telling runs for a query: the longest ones (in words), at most `max`, in template order. */
export function queryPhrases(tokens: readonly string[], max = 6): string[] {
  const runs = constantRuns(tokens).map((text, i) => ({ text, i, n: words(text).length }));
  const kept = runs
    .filter((r) => r.n > 0)
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i);
  return kept.map((r) => r.text);
}

/** Whether a text contains every phrase as consecutive words (what match_phrase checks, approximately). */
export function containsPhrases(text: string, phrases: readonly string[]): boolean {
  if (phrases.length === 0) return false;
  const haystack = ` ${words(text).join(' ')} `;
  return phrases.every((p) => {
    const w = words(p);
    return w.length > 0 && haystack.includes(` ${w.join(' ')} `);
  });
}

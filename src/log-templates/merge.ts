// Templates of one kind that the tree kept apart, merged at the end: those that ended with the
// same text in different branches (a routing token generalized after both were made), and, as
// PIPLUP does (Drain's successor for variable-length parameters), a template of another length
// that a more general one matches when each of its wildcards stands for one or more tokens
// ("connection from <*> at <*>" covers "connection from <*> () at <*>").
import { WILDCARD } from './mask.js';
import type { Template } from './template.js';

const LETTER = /\p{L}/u;
/** A token that reads as a word (not a wildcard, not punctuation alone). */
const isWord = (token: string) => token !== WILDCARD && LETTER.test(token);

/**
 * Whether `tokens` read against `pattern` fit, each wildcard of the pattern taking one or more
 * tokens and each constant its equal. A wildcard takes at most one word among its tokens: a
 * value that runs over several tokens ("<*> ()", "<*> (host.example)") is one parameter, but a
 * tail of words ("… Error: HALT asserted") is wording a shorter template does not have. Dynamic
 * programming over the two sequences: linear in their product, never exponential like a
 * backtracking glob.
 */
export function matchesAsPattern(pattern: readonly string[], tokens: readonly string[]): boolean {
  const n = tokens.length;
  // fit[j]: the pattern so far fits the first j tokens.
  let fit = new Array<boolean>(n + 1).fill(false);
  fit[0] = true;
  for (const p of pattern) {
    const next = new Array<boolean>(n + 1).fill(false);
    // Inside this wildcard's run, ending at j: with no word taken yet, or with one.
    const noWord = new Array<boolean>(n + 1).fill(false);
    const oneWord = new Array<boolean>(n + 1).fill(false);
    for (let j = 1; j <= n; j++) {
      const token = tokens[j - 1]!;
      if (p !== WILDCARD) {
        next[j] = fit[j - 1]! && token === p;
        continue;
      }
      const open = fit[j - 1]! || noWord[j - 1]!;
      if (isWord(token)) oneWord[j] = open;
      else {
        noWord[j] = open;
        oneWord[j] = oneWord[j - 1]!;
      }
      next[j] = noWord[j]! || oneWord[j]!;
    }
    fit = next;
  }
  return fit[n]!;
}

const constants = (t: Template) => t.tokens.filter((token) => token !== WILDCARD).length;

/**
 * A template general enough to take others of another length: words in at least half its
 * places (the miner's similarity), and at least two, so "<*> failed" never swallows a log.
 */
function canAbsorb(t: Template): boolean {
  const words = constants(t);
  return words >= 2 && words * 2 >= t.tokens.length;
}

function absorb(into: Template & { members: number[] }, other: Template & { members: number[] }): void {
  into.count += other.count;
  into.members.push(...other.members);
  for (const [label, n] of other.counts) into.counts.set(label, (into.counts.get(label) ?? 0) + n);
  for (const [label, example] of other.examples) {
    const at = other.firstSeen.get(label)!;
    if (!into.examples.has(label) || at < into.firstSeen.get(label)!) {
      into.examples.set(label, example);
      into.firstSeen.set(label, at);
    }
  }
}

/** The merged templates, each with the ids it took in (`members`), most lines first. */
export function mergeTemplates(templates: readonly Template[]): (Template & { members: number[] })[] {
  const byText = new Map<string, Template & { members: number[] }>();
  for (const template of [...templates].sort((a, b) => a.id - b.id)) {
    const copy = {
      ...template,
      tokens: [...template.tokens],
      counts: new Map(template.counts),
      examples: new Map(template.examples),
      firstSeen: new Map(template.firstSeen),
      members: [template.id],
    };
    const key = template.tokens.join(' ');
    const same = byText.get(key);
    if (same) absorb(same, copy);
    else byText.set(key, copy);
  }
  // The most general first, so a specific template joins the most general one that covers it.
  const ordered = [...byText.values()].sort(
    (a, b) => constants(a) - constants(b) || a.tokens.length - b.tokens.length || a.id - b.id,
  );
  const kept: (Template & { members: number[] })[] = [];
  for (const template of ordered) {
    const into = kept.find(
      (k) =>
        k.tokens.length !== template.tokens.length &&
        canAbsorb(k) &&
        matchesAsPattern(k.tokens, template.tokens),
    );
    if (into) absorb(into, template);
    else kept.push(template);
  }
  return kept.sort((a, b) => b.count - a.count || a.id - b.id);
}

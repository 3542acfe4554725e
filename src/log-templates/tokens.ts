// Tokens: a masked line split on whitespace, each token then judged as Loghub's annotators
// judged a variable ("Preprocessing is All You Need", Qin et al. 2024, which derives these rules
// from Loghub-2.0's ground truth): a token that holds a digit is a variable as a whole, whatever
// glues its parts (jvm_1445144423722_0020_m_000003, bglio78, J14, f75f81e), keeping a `key=` or
// `name:` prefix and the brackets around it; so are dotted names that are not Java class names,
// weekdays, months and booleans. A run of variable tokens is one variable, so a list of ids is one
// kind whatever its length. Every test here is linear in the token (the ReDoS suite).
import { maskLine, WILDCARD } from './mask.js';

/** Brackets and punctuation around a token's core, kept as they are. */
const TRAILING = new Set(')]}"\',;:.!?');
const LEADING = /^[([{"']*/;
/**
 * A `key=` or `name:` prefix without a digit of its own (`uid=`, `java.home=`, `port:`); a dotted
 * name before a colon is a host (`a.example.com:80`), not a key.
 */
const KEY_PREFIX = /^(?:[A-Za-z_][\w.-]*=|[A-Za-z_][\w-]*:)/;
const DIGIT = /\d/;
/** An e-mail address (the whole core: anchored, one start). */
const EMAIL = /^[\w.+-]+@[a-z0-9-]+\.[a-z0-9.-]+$/i;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Three or more dot-separated names (com.apple.icloud.fmfd.heartbeat, www.example.org). */
const DOTTED = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*){2,}$/;
/** A Java class name: lowercase packages, then a capitalised class (java.io.IOException): a kind's name, not a value. */
const JAVA_CLASS = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\.[A-Z][\w$]*$/;
const CALENDAR_OR_BOOLEAN = new Set(
  [
    'mon monday tue tuesday wed wednesday thu thursday fri friday sat saturday sun sunday',
    'jan january feb february mar march apr april may jun june jul july aug august',
    'sep sept september oct october nov november dec december',
    'true false',
  ]
    .join(' ')
    .split(' '),
);

/** A token's leading brackets, its core, and its trailing punctuation. */
function parts(token: string): [lead: string, core: string, trail: string] {
  const lead = LEADING.exec(token)![0];
  const rest = token.slice(lead.length);
  // Scanned from the end: a regex anchored at the end would rescan from every start (quadratic).
  let end = rest.length;
  while (end > 0 && TRAILING.has(rest[end - 1]!)) end--;
  return [lead, rest.slice(0, end), rest.slice(end)];
}

/** The wildcard in the token's place, keeping a `key=` prefix with the brackets around it. */
function asVariable(lead: string, core: string, trail: string): string {
  const key = KEY_PREFIX.exec(core)?.[0] ?? '';
  return key === '' || key === core ? WILDCARD : `${lead}${key}${WILDCARD}${trail}`;
}

/**
 * A raw token that holds a digit, a URL or an e-mail address, as a variable: judged before any
 * mask, so that a number glued to letters (blk_-1608999687919862906) is one variable with them,
 * not `blk_-<*>`, and a URL is not cut into a path and numbers. Whole tokens, so no expression
 * scans a long run of URL characters from every start (the ReDoS suite).
 */
function rawVariable(token: string): string {
  const [lead, core, trail] = parts(token);
  // A URL's scheme is not a key.
  if (core.includes('://')) return WILDCARD;
  const key = KEY_PREFIX.exec(core)?.[0] ?? '';
  const value = core.slice(key.length);
  // A digit only in the key (`v2=` is rare) or only in brackets leaves the token to the masks.
  if (!(DIGIT.test(value) || EMAIL.test(value))) return token;
  return asVariable(lead, core, trail);
}

/** A masked token as the ground truth reads it: itself, or the wildcard (with its key). */
function variableToken(token: string): string {
  if (token.includes(WILDCARD) && allVariable(token)) return WILDCARD;
  const [lead, core, trail] = parts(token);
  const key = KEY_PREFIX.exec(core)?.[0] ?? '';
  const value = core.slice(key.length);
  if (value === '' || !isVariable(value)) return token;
  return asVariable(lead, core, trail);
}

function isVariable(value: string): boolean {
  if (value.includes(WILDCARD)) return allVariable(value);
  if (DOTTED.test(value) && !JAVA_CLASS.test(value)) return true;
  return CALENDAR_OR_BOOLEAN.has(value.toLowerCase());
}

/** Tokens made only of wildcards and punctuation ((<*>), <*>:<*>, [<*>]) are one wildcard. */
function allVariable(token: string): boolean {
  return token.includes(WILDCARD) && !LETTER_OR_DIGIT.test(token.split(WILDCARD).join(''));
}

/** Masked tokens of a line, runs of variables as one, at most `maxTokens` (the rest joins the last one). */
export function tokenize(line: string, maxTokens = 200): string[] {
  const judged = line
    .split(/(\s+)/)
    .map((t) => (t.trim() === '' ? t : rawVariable(t)))
    .join('');
  const tokens: string[] = [];
  for (const raw of maskLine(judged).split(/\s+/)) {
    if (raw === '') continue;
    const token = variableToken(raw);
    // A list of values (blk_1 blk_2 …, dn270, dn271, …) is one variable, whatever its length.
    if (token === WILDCARD && tokens.at(-1) === WILDCARD) continue;
    tokens.push(token);
  }
  if (tokens.length <= maxTokens) return tokens;
  // A very long line keeps a bounded shape: its tail is one variable token.
  return [...tokens.slice(0, maxTokens - 1), WILDCARD];
}

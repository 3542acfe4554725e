// Credentials must never reach a log line, an error message or a report. Errors
// from the HTTP stack quote URLs (possibly with user:password@) and sometimes
// request headers, and log messages quote whatever the application failed with,
// so every message leaving the verify code passes through here: the secrets of
// the configuration, in their encoded forms too, and the shapes any credential
// takes (URL userinfo, authorization headers, password= and api_key= values,
// well-known token formats). Every pattern is linear: log messages are untrusted
// and may be long.

import { secretScrubber } from '../../github/redact.js';

const AUTH_HEADER =
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|x-access-token|cookie)(["']?\s*[:=]\s*["']?)[^"'\s,}]+(?:\s+[^"'\s,}]+)?/gi;

/** An HTTP authentication scheme and its credential; a credential is token68 with a non-letter in it ("Basic authentication" stays). */
const AUTH_SCHEME =
  /\b(bearer|basic|apikey|token|negotiate|digest)(\s+)(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/gi;

/**
 * `name=value`, `name: value` and `"name":"value"` for names that hold credentials. A quoted
 * value goes whole (up to 200 characters), an unquoted one up to a blank or a delimiter.
 */
const CREDENTIAL_PAIR =
  /(?<![A-Za-z])(pass(?:word|wd|phrase)?|pwd|secret|client[_-]?secret|secret[_-]?key|private[_-]?key|(?:access|refresh|id|auth|session)[_-]?token|token|api[_-]?key|apikey|access[_-]?key|session[_-]?id|credentials?|sig(?:nature)?)(["']?\s*[:=]\s*["']?)(?:(?<=")[^"\n]{1,200}(?=")|(?<=')[^'\n]{1,200}(?=')|[^\s"'&,;<>()[\]{}]+)/gi;

/**
 * Token formats that are credentials wherever they appear: GitHub, Slack, AWS access keys, Stripe,
 * JWTs. Each starts where no token character precedes it (not at any word boundary), so a long
 * run of them is tried once, not from every `-` in it.
 */
const KNOWN_TOKENS =
  /(?<![A-Za-z0-9_-])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)/g;

/** Where a URL's userinfo ends: it holds none of these. */
const USERINFO_END = new Set(['/', '?', '#', '@', '"', "'", '<', '>', ' ', '\t', '\n', '\r']);

const isSchemeStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isSchemeChar = (c: string) =>
  isSchemeStart(c) || (c >= '0' && c <= '9') || c === '+' || c === '.' || c === '-';

/**
 * Removes user:password@ from URLs in the text. A scan, not a regex: from each `://` to the
 * next character a userinfo cannot hold, so each character is looked at a bounded number of times.
 */
export function redactUrlUserinfo(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    // A scheme before it: a letter, then letters, digits, + . - (at most 32 looked at).
    let start = at;
    while (start > 0 && at - start < 32 && isSchemeChar(text[start - 1]!)) start--;
    while (start < at && !isSchemeStart(text[start]!)) start++;
    if (start === at) continue;
    let end = at + 3;
    while (end < text.length && !USERINFO_END.has(text[end]!)) end++;
    if (text[end] !== '@' || end === at + 3) continue;
    out += `${text.slice(copied, at + 3)}***`;
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The generic credential shapes replaced with `***` (the names and schemes stay, to read what was there). */
function redactCredentials(text: string): string {
  return redactUrlUserinfo(text)
    .replace(AUTH_HEADER, '$1$2***')
    .replace(AUTH_SCHEME, '$1$2***')
    .replace(CREDENTIAL_PAIR, '$1$2***')
    .replace(KNOWN_TOKENS, '***');
}

/** A scrub with the secrets' forms worked out once, for scrubbing many texts (log messages). */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  const secretsOut = secretScrubber(secrets);
  return (text) => redactCredentials(secretsOut(text));
}

/** Replaces each secret, URL userinfo, authorization header values and other credential shapes with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  return scrubber(secrets)(text);
}

/** An error's message (or the thrown value as text), scrubbed: what may be logged or reported. */
export function describeError(error: unknown, secrets: readonly string[]): string {
  return scrub(error instanceof Error ? error.message : String(error), secrets);
}

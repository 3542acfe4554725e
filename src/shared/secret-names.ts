// Which build-arg names look like secrets: BuildKit's rule, so that the record keeps nothing
// about exactly the args BuildKit itself warns about.
//
// Source: the SecretsUsedInArgOrEnv build check, moby/buildkit
// frontend/dockerfile/dockerfile2llb/validations.go (getSecretsRegex / validateNoSecretKey; in
// convert.go before the validations were split out), checked against moby/buildkit 73ed6825c4b7
// (Aug 2026). A name is flagged when `(?i)(?:_|^)(?:<secret token>)(?:_|$)` matches and
// `(?i)(?:_|^)(?:<allowed token>)(?:_|$)` does not: that is, when one of its `_`-separated words
// is a secret token and none is an allowed one. Plain splitting on `_` says the same without a
// regex (a word bounded by `_` or an end is exactly a piece of the split).

/** BuildKit's `secretTokens`. */
const SECRET_TOKENS: ReadonlySet<string> = new Set([
  'apikey',
  'auth',
  'credential',
  'credentials',
  'key',
  'password',
  'pword',
  'passwd',
  'secret',
  'token',
]);

/** BuildKit's `allowTokens`: `PUBLIC_KEY`, `PASSWORD_FILE`, `AUTH_MODULE_VERSION` are not secrets. */
const ALLOW_TOKENS: ReadonlySet<string> = new Set(['public', 'file', 'version']);

/**
 * Go's `(?i)` matches by Unicode simple case folding: besides ASCII case, KELVIN SIGN (U+212A)
 * matches `k` and LATIN SMALL LETTER LONG S (U+017F) matches `s`, the only non-ASCII letters
 * folding to ASCII. toLowerCase() maps the first to `k`; the second is mapped here.
 */
function fold(word: string): string {
  return word.toLowerCase().replaceAll('\u017f', 's');
}

/** True when BuildKit's SecretsUsedInArgOrEnv check would flag an ARG or ENV of this name. */
export function looksLikeSecretName(name: string): boolean {
  const words = name.split('_').map(fold);
  return words.some((w) => SECRET_TOKENS.has(w)) && !words.some((w) => ALLOW_TOKENS.has(w));
}

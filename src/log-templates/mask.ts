// Masking: the parts of a log line that vary between occurrences of one kind
// (numbers, ids, addresses, paths, quoted and key=value values, durations) become
// the wildcard before the line is split into tokens. Drain's accuracy depends more
// on this step than on the tree: a token that is masked never splits a group.

/** The wildcard, in masked text and in templates alike. */
export const WILDCARD = '<*>';

// Order matters: the wider shapes go first, so an IP address is not read as four numbers.
const MASKS: readonly [RegExp, string][] = [
  // (URLs and e-mail addresses are whole tokens: tokens.ts takes them before these masks.)
  // UUIDs, before hex and numbers eat their parts.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, WILDCARD],
  // Dates and times of day (2016/9/27:20:30:31.455, 2026-11-27T11:50:00Z, 20:30:31).
  [
    /\b\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T :]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?/g,
    WILDCARD,
  ],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, WILDCARD],
  // IPv4 with an optional port; a host name with a port (proxy.example.com:5070).
  [/(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])/g, WILDCARD],
  [/(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)+:\d{1,5}\b/gi, WILDCARD],
  // IPv6 (at least three groups, so 12:30 is not one).
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){3,7}(?::|[0-9a-f]{1,4})(?![\w:])/gi, WILDCARD],
  // Paths: Windows (C:\x\y), and Unix with at least one inner slash (/a/b, ./x/y).
  [/\b[a-z]:\\[^\s"'<>|]*/gi, WILDCARD],
  [/(?<![\w/<>*])\.{0,2}\/(?:[\w.@%+~<>*-]+\/)+[\w.@%+~<>*-]*/g, WILDCARD],
  [/(?<![\w/<>*])\/[\w.@%+~-]*\d[\w.@%+~-]*/g, WILDCARD],
  // Quoted values.
  [/"[^"\n]{0,200}"/g, `"${WILDCARD}"`],
  [/(?<![A-Za-z])'[^'\n]{0,200}'/g, `'${WILDCARD}'`],
  // key=value pairs: the value varies, the key stays. The match starts at the `=` and checks the
  // key behind it, so only the text from `=` on is replaced and the key is scanned once, not from
  // every start in a long run of key characters (quadratic, see the ReDoS suite). The same text
  // results: the match that started at the key's leftmost start kept the key as `$1`.
  [/=(?<=\b[A-Za-z_][\w.-]*=)(?!<\*>)[^\s,;&)\]}]+/g, `=${WILDCARD}`],
  // Hex: 0x-prefixed, or long runs with both a digit and a letter (hashes, ids).
  [/\b0x[0-9a-f]+\b/gi, WILDCARD],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, WILDCARD],
  // Durations and sizes (30000ms, 1.5s, 512KB) and plain numbers, signed or decimal.
  [
    /(?<![\w.])[-+]?\d+(?:\.\d+)?(?:ms|us|µs|ns|s|sec|secs|m|min|mins|h|hrs?|d|b|kb|mb|gb|k|x|%)?(?![\w])/gi,
    WILDCARD,
  ],
];

const RUN_OF_WILDCARDS = /(?:<\*>){2,}/g;

/** The line with its variable parts replaced by the wildcard. */
export function maskLine(line: string): string {
  let out = line;
  for (const [pattern, replacement] of MASKS) out = out.replace(pattern, replacement);
  return out.replace(RUN_OF_WILDCARDS, WILDCARD);
}

// `.dockerignore` exactly as BuildKit applies it to the build context (moby/patternmatcher and
// its ignorefile reader, which fsutil uses when it walks the context): lines starting with `#`
// are comments, patterns are trimmed and path-cleaned, a leading `/` is dropped, `!` re-includes,
// the last matching pattern wins, and a pattern that matches a parent directory matches
// everything under it. `*` and `?` stay inside one path segment, `**` spans any number of them,
// `[...]` is a character class and `\` escapes. Written here rather than taken from npm: the
// maintained packages follow gitignore rules, whose differences (unanchored names, trailing
// slashes) would silently fingerprint the wrong files.
import path from 'node:path';

interface Pattern {
  exclusion: boolean;
  /** The cleaned pattern without its `!`. */
  text: string;
  test: (file: string) => boolean;
}

export interface IgnoreMatcher {
  /** True when the context path (slash-separated, relative to the context root) is left out. */
  ignores(file: string): boolean;
  /** Whether any pattern re-includes (`!`): then an ignored directory must still be walked. */
  readonly hasExclusions: boolean;
  readonly patterns: readonly string[];
}

/** The patterns of a .dockerignore file, as moby's ignorefile.ReadAll returns them. */
export function readIgnoreFile(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const raw of lines) {
    // bufio.Scanner drops the \r of a CRLF line end.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's filepath.Clean for slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

export function createIgnoreMatcher(patternTexts: readonly string[]): IgnoreMatcher {
  const patterns: Pattern[] = [];
  for (const raw of patternTexts) {
    let p = raw.trim();
    if (p === '') continue;
    p = cleanPath(p);
    const exclusion = p.startsWith('!');
    if (exclusion) {
      // patternmatcher rejects a lone `!`; BuildKit fails the build on it, nothing is matched here.
      if (p.length === 1) continue;
      p = p.slice(1);
    }
    const test = compile(p);
    // An invalid pattern (unclosed `[`) fails the build in BuildKit; here it matches nothing.
    if (test === null) continue;
    patterns.push({ exclusion, text: p, test });
  }
  const hasExclusions = patterns.some((p) => p.exclusion);
  return {
    hasExclusions,
    patterns: patterns.map((p) => (p.exclusion ? `!${p.text}` : p.text)),
    ignores(file: string): boolean {
      const cleaned = cleanPath(file);
      if (cleaned === '.') return false;
      const parent = path.posix.dirname(cleaned);
      const parentDirs = parent.split('/');
      let matched = false;
      for (const pattern of patterns) {
        // Only a pattern that could change the outcome is tried (as patternmatcher does).
        if (pattern.exclusion !== matched) continue;
        let match = pattern.test(cleaned);
        if (!match && parent !== '.') {
          for (let i = 1; i <= parentDirs.length && !match; i++)
            match = pattern.test(parentDirs.slice(0, i).join('/'));
        }
        if (match) matched = !pattern.exclusion;
      }
      return matched;
    },
  };
}

/** patternmatcher's Pattern.compile: exact, prefix (`dir/**`), suffix (`**\/name`) or regexp. */
function compile(pattern: string): ((file: string) => boolean) | null {
  if (!validGlob(pattern)) return null;
  let regex = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  const chars = [...pattern];
  for (let i = 0, n = 0; i < chars.length; n++) {
    const ch = chars[i++]!;
    if (ch === '*') {
      if (chars[i] === '*') {
        i++;
        if (chars[i] === '/') i++;
        if (i >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else {
            regex += '.*';
            type = 'regexp';
          }
        } else {
          regex += '(.*/)?';
          type = 'regexp';
        }
        if (n === 0) type = 'suffix';
      } else {
        regex += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      regex += '[^/]';
      type = 'regexp';
    } else if ('.+()|{}$'.includes(ch)) {
      regex += `\\${ch}`;
    } else if (ch === '\\') {
      if (i < chars.length) {
        regex += `\\${chars[i++]!}`;
        type = 'regexp';
      } else {
        regex += '\\\\';
      }
    } else if (ch === '[' || ch === ']') {
      regex += ch;
      type = 'regexp';
    } else {
      regex += ch;
    }
  }
  switch (type) {
    case 'exact':
      return (file) => file === pattern;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      return (file) => file.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      return (file) => file.endsWith(suffix) || (suffix.startsWith('/') && file === suffix.slice(1));
    }
    case 'regexp': {
      let re: RegExp;
      try {
        re = new RegExp(`${regex}$`);
      } catch {
        return null;
      }
      return (file) => re.test(file);
    }
  }
}

/** filepath.Match's syntax check: brackets closed, nothing after a trailing escape. */
function validGlob(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (i === pattern.length - 1) return false;
      i++;
    } else if (ch === '[' && !inClass) {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') return false;
    } else if (ch === ']' && inClass) {
      inClass = false;
    }
  }
  return !inClass;
}

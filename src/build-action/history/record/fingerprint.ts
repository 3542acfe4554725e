// Fingerprints of the files each COPY/ADD brought in from the build context: path -> content
// hash, so the next build can name the files that broke its cache. Bounded: past
// MAX_ENTRIES_PER_SOURCE files a set is folded into directory hashes (a Merkle tree cut at
// the deepest level that fits), so a record stays a few KB however large the repository; two
// fingerprints folded at different depths are compared at the coarser one.
import { createHash } from 'node:crypto';
import { cleanPath } from './dockerignore.js';

export interface SourceFingerprint {
  /** Stage and instruction text: how the next build finds the same COPY. */
  key: string;
  /** Dockerfile line of the instruction in the build that made it. */
  line: number;
  /** The sources as written. */
  sources: string[];
  /** Files the sources selected and their total size. */
  files: number;
  bytes: number;
  /** Merkle hash of the whole set: equal digests, equal files. */
  digest: string;
  /** Folding depth (path segments kept), null when every file is listed. */
  depth: number | null;
  /** File path -> hash; a key ending in `/` is a folded directory. */
  entries: Record<string, string>;
  /** The context listing was cut at its file limit: the set may miss files. */
  incomplete?: boolean;
}

export interface FileChange {
  /** File path, or a folded directory ending in `/`. */
  path: string;
  change: 'modified' | 'added' | 'removed';
}

const MAX_ENTRIES_PER_SOURCE = 100;

/** Whether a context path is brought in by one of the sources (Go filepath.Match per segment). */
export function sourceSelector(sources: readonly string[]): (file: string) => boolean {
  const matchers = sources.map((source) => {
    const cleaned = cleanPath(source.replace(/^\/+/, ''));
    if (cleaned === '.' || cleaned === '/') return () => true;
    const segments = cleaned.split('/');
    if (!/[*?[\\]/.test(cleaned)) return (file: string) => file === cleaned || file.startsWith(`${cleaned}/`);
    const patterns = segments.map(segmentRegExp);
    return (file: string) => {
      const parts = file.split('/');
      if (parts.length < patterns.length) return false;
      return patterns.every((re, i) => re.test(parts[i]!));
    };
  });
  return (file) => matchers.some((m) => m(file));
}

function segmentRegExp(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < segment.length) re += `\\${segment[++i]}`;
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^\^/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += ch.replace(/[.+()|{}$^\]]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`);
  } catch {
    return /^$/;
  }
}

/** The fingerprint of one source set from its files' hashes, folded to fit the budget. */
export function makeFingerprint(
  key: string,
  line: number,
  sources: string[],
  files: ReadonlyArray<{ path: string; size: number; hash: string }>,
  budget = MAX_ENTRIES_PER_SOURCE,
): SourceFingerprint {
  const leaves: Record<string, string> = {};
  let bytes = 0;
  let maxDepth = 0;
  for (const f of files) {
    leaves[f.path] = f.hash;
    bytes += f.size;
    maxDepth = Math.max(maxDepth, f.path.split('/').length);
  }
  let depth: number | null = null;
  let entries = leaves;
  if (files.length > budget) {
    depth = 0;
    entries = fold(leaves, 0);
    for (let d = maxDepth - 1; d >= 1; d--) {
      const folded = fold(leaves, d);
      if (Object.keys(folded).length <= budget) {
        depth = d;
        entries = folded;
        break;
      }
    }
  }
  return { key, line, sources, files: files.length, bytes, digest: merkle(leaves), depth, entries };
}

/** What changed between two fingerprints of the same COPY, at the finer depth both have. */
export function diffFingerprints(before: SourceFingerprint, after: SourceFingerprint): FileChange[] {
  if (before.digest === after.digest) return [];
  const depth =
    before.depth === null
      ? after.depth
      : after.depth === null
        ? before.depth
        : Math.min(before.depth, after.depth);
  const a = depth === null ? before.entries : fold(before.entries, depth);
  const b = depth === null ? after.entries : fold(after.entries, depth);
  const changes: FileChange[] = [];
  for (const [p, hash] of Object.entries(b)) {
    if (!(p in a)) changes.push({ path: p, change: 'added' });
    else if (a[p] !== hash) changes.push({ path: p, change: 'modified' });
  }
  for (const p of Object.keys(a)) if (!(p in b)) changes.push({ path: p, change: 'removed' });
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

interface TreeNode {
  hash?: string;
  children?: Map<string, TreeNode>;
}

/** Entries (files, or directories ending in `/` already folded) as a tree. */
function toTree(entries: Record<string, string>): TreeNode {
  const root: TreeNode = { children: new Map() };
  for (const [p, hash] of Object.entries(entries)) {
    const isDir = p.endsWith('/');
    const parts = (isDir ? p.slice(0, -1) : p).split('/');
    let node = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const name = last && !isDir ? part : `${part}/`;
      let child = node.children!.get(name);
      if (child === undefined) {
        child = last ? { hash } : { children: new Map() };
        node.children!.set(name, child);
      }
      node = child;
    });
  }
  return root;
}

function nodeHash(node: TreeNode): string {
  if (node.hash !== undefined) return node.hash;
  const lines = [...node.children!.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, child]) => `${name}\t${nodeHash(child)}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 16);
}

function merkle(entries: Record<string, string>): string {
  return nodeHash(toTree(entries));
}

/** Entries cut at `depth` path segments: deeper files become their directory's Merkle hash. */
function fold(entries: Record<string, string>, depth: number): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: TreeNode, prefix: string, level: number) => {
    for (const [name, child] of node.children!) {
      const p = `${prefix}${name}`;
      if (child.children === undefined) out[p] = child.hash!;
      else if (level + 1 >= depth) out[p] = nodeHash(child);
      else walk(child, p, level + 1);
    }
  };
  const root = toTree(entries);
  if (depth <= 0) return { './': nodeHash(root) };
  walk(root, '', 0);
  return out;
}

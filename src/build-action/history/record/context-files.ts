// The files of a local build context as BuildKit sends them: walked from the context root with
// the .dockerignore applied (an ignored directory is skipped unless a `!` pattern could bring
// something under it back, as fsutil does). Bounded: a context of more files than the limit is
// cut and marked incomplete rather than walked for minutes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { createIgnoreMatcher, readIgnoreFile, type IgnoreMatcher } from './dockerignore.js';

export interface ContextFile {
  /** Slash-separated, relative to the context root. */
  path: string;
  size: number;
  symlink: boolean;
}

export interface ContextListing {
  files: ContextFile[];
  /** True when the walk stopped at the file limit. */
  incomplete: boolean;
  /** The .dockerignore patterns applied (empty when there is none). */
  ignorePatterns: string[];
}

const MAX_CONTEXT_FILES = 50_000;

/**
 * BuildKit's Dockerfile frontend reads `<Dockerfile>.dockerignore` next to the Dockerfile
 * before `.dockerignore` at the context root.
 */
export async function readContextIgnore(
  contextDir: string,
  dockerfilePath: string | null,
): Promise<IgnoreMatcher> {
  const candidates = [
    ...(dockerfilePath !== null ? [`${dockerfilePath}.dockerignore`] : []),
    path.join(contextDir, '.dockerignore'),
  ];
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) return createIgnoreMatcher(readIgnoreFile(text));
  }
  return createIgnoreMatcher([]);
}

export async function listContext(
  contextDir: string,
  matcher: IgnoreMatcher,
  maxFiles = MAX_CONTEXT_FILES,
): Promise<ContextListing> {
  const files: ContextFile[] = [];
  let incomplete = false;
  const walk = async (relDir: string): Promise<void> => {
    const absDir = relDir === '' ? contextDir : path.join(contextDir, relDir);
    let entries;
    try {
      entries = await readdir(absDir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (incomplete) return;
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const ignored = matcher.ignores(rel);
      if (entry.isDirectory()) {
        if (ignored && !matcher.hasExclusions) continue;
        await walk(rel);
        continue;
      }
      if (ignored) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (files.length >= maxFiles) {
        incomplete = true;
        return;
      }
      const info = await lstat(path.join(absDir, entry.name)).catch(() => null);
      if (info === null) continue;
      files.push({ path: rel, size: info.size, symlink: entry.isSymbolicLink() });
    }
  };
  await walk('');
  return { files, incomplete, ignorePatterns: [...matcher.patterns] };
}

/** The size of a local build context: its files (.dockerignore applied), as BuildKit would send them. */
export interface ContextMeasure {
  bytes: number;
  files: number;
  /** The walk stopped at its file limit: bytes and files are lower bounds. */
  incomplete: boolean;
}

/**
 * Measures the build context on disk, for the max-context-size gate: what BuildKit reports it
 * transferred is only what the builder did not have yet (a second build of the same context on
 * the same builder sends a few bytes), and a RUN step's output must never be read as a size.
 */
export async function measureContext(
  contextDir: string,
  dockerfilePath: string | null,
  maxFiles = MAX_CONTEXT_FILES,
): Promise<ContextMeasure> {
  // listContext skips what it cannot read; a context that is not there is no size at all.
  if (!(await stat(contextDir)).isDirectory()) throw new Error(`${contextDir} is not a directory`);
  const listing = await listContext(
    contextDir,
    await readContextIgnore(contextDir, dockerfilePath),
    maxFiles,
  );
  return {
    bytes: listing.files.reduce((sum, f) => sum + f.size, 0),
    files: listing.files.length,
    incomplete: listing.incomplete,
  };
}

const SMALL_FILE_BYTES = 4 * 1024 * 1024;

/** A file's content hash (a symlink's target text): 16 hex digits of SHA-256. */
export async function hashContextFile(contextDir: string, file: ContextFile): Promise<string> {
  const abs = path.join(contextDir, file.path);
  const hash = createHash('sha256');
  if (file.symlink) {
    hash.update(`symlink:${await readlink(abs)}`);
  } else if (file.size <= SMALL_FILE_BYTES) {
    hash.update(await readFile(abs));
  } else {
    await new Promise<void>((resolve, reject) => {
      createReadStream(abs, { highWaterMark: 1024 * 1024 })
        .on('data', (chunk) => hash.update(chunk))
        .on('end', resolve)
        .on('error', reject);
    });
  }
  return hash.digest('hex').slice(0, 16);
}

/** Runs fn over items with at most `limit` at a time, results in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// The fingerprints of one build: each COPY, ADD or bind mount that reads the local build context
// gets the hashes of the files it brings in (fingerprint.ts), from the context as BuildKit sends
// it (context-files.ts, .dockerignore applied). Bounded: past MAX_HASHED_BYTES the sizes stand in
// for hashes and the fingerprints say they are incomplete. Also what blame and the .dockerignore
// advice need besides: every file's size, and which copies were broad (a directory, a glob).
import { contextSources, type Dockerfile } from '../../../engine/index.js';
import { sourceKey } from './blame.js';
import {
  hashContextFile,
  listContext,
  mapLimited,
  readContextIgnore,
  type ContextFile,
} from './context-files.js';
import { cleanPath } from './dockerignore.js';
import { makeFingerprint, sourceSelector, type SourceFingerprint } from './fingerprint.js';

export interface Fingerprints {
  sources: SourceFingerprint[];
  sizes: Map<string, number>;
  /** The files each COPY key selected: to tell a broad copy from a named file. */
  broadKeys: Set<string>;
}

/** Files hashed at most; past it the fingerprint is marked incomplete (sizes stand in for hashes). */
const MAX_HASHED_BYTES = 1024 ** 3;

/** Fingerprints of the context sources of every instruction, from the build context on disk. */
export async function fingerprintSources(
  contextDir: string,
  dockerfilePath: string | null,
  dockerfile: Dockerfile,
): Promise<Fingerprints> {
  const matcher = await readContextIgnore(contextDir, dockerfilePath);
  const listing = await listContext(contextDir, matcher);
  const sizes = new Map(listing.files.map((f) => [f.path, f.size]));
  const sets: Array<{ key: string; line: number; sources: string[]; files: ContextFile[]; broad: boolean }> =
    [];
  for (const stage of dockerfile.stages) {
    for (const instruction of stage.instructions) {
      const sources = contextSources(instruction);
      // Sources with variables are expanded by BuildKit from build-args: not knowable here.
      if (sources === null || sources.length === 0 || sources.some((s) => s.includes('$'))) continue;
      const selects = sourceSelector(sources);
      const files = listing.files.filter((f) => selects(f.path));
      const broad = sources.some((s) => {
        const cleaned = cleanPath(s.replace(/^\/+/, ''));
        return (
          cleaned === '.' ||
          /[*?[]/.test(cleaned) ||
          listing.files.some((f) => f.path.startsWith(`${cleaned}/`))
        );
      });
      sets.push({ key: sourceKey(stage, instruction), line: instruction.line, sources, files, broad });
    }
  }
  const wanted = [...new Map(sets.flatMap((s) => s.files.map((f) => [f.path, f] as const))).values()];
  let budget = MAX_HASHED_BYTES;
  let incomplete = listing.incomplete;
  const hashes = new Map<string, string>();
  const hashed = await mapLimited(wanted, 16, async (file) => {
    if (file.size > budget) {
      incomplete = true;
      return `size:${file.size}`;
    }
    budget -= file.size;
    return hashContextFile(contextDir, file).catch(() => 'unreadable');
  });
  wanted.forEach((f, i) => hashes.set(f.path, hashed[i]!));
  const sources = sets.map((set) => {
    const fp = makeFingerprint(
      set.key,
      set.line,
      set.sources,
      set.files.map((f) => ({ path: f.path, size: f.size, hash: hashes.get(f.path)! })),
    );
    return incomplete ? { ...fp, incomplete: true } : fp;
  });
  return { sources, sizes, broadKeys: new Set(sets.filter((s) => s.broad).map((s) => s.key)) };
}

// Where build records live between builds, behind one small interface: the GitHub Actions
// cache in the action (actions-cache-store.ts), a directory for the CLI and other CIs.
// Records are grouped by a prefix (workflow, Dockerfile, target) and a scope (the branch);
// restore returns the newest record of the first scope that has one.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shortHash } from './record.js';

export interface RestoredRecord {
  text: string;
  /** The scope (branch) whose record this is. */
  scope: string;
}

/** `deferred`: handed to the cache worker, which saves it after the step (cache-worker.ts). */
export type SaveOutcome = 'saved' | 'deferred';

export interface HistoryStore {
  /** For messages: `the Actions cache`, `/path/to/dir`. */
  readonly description: string;
  restore(scopes: readonly string[]): Promise<RestoredRecord | null>;
  save(scope: string, text: string): Promise<SaveOutcome>;
  /** Output the store's client printed while it worked, held back so it never interleaves with buildx's. */
  drainLog?(): string;
  /** Done with the store (no save coming): lets go of what it holds. */
  close?(): void;
}

export interface RecordIdentity {
  /** The workflow (file path, or name), the Dockerfile and the target: what makes builds comparable. */
  workflow: string;
  dockerfile: string;
  target: string;
  /** Matrix legs that build other platforms keep records of their own. */
  platforms?: readonly string[];
}

/** Characters kept in key parts; `:` separates them, so no part can be a prefix of another's key. */
export function keyPart(text: string, max = 80): string {
  const slug = text.replace(/[^A-Za-z0-9._/-]+/g, '_');
  return slug.length <= max ? slug : `${slug.slice(0, max - 17)}_${shortHash(text)}`;
}

/** `buildx-gate-history-v1:<workflow>:<target>-<hash of Dockerfile path and platforms>` */
export function recordPrefix(id: RecordIdentity): string {
  const platforms = [...(id.platforms ?? [])].sort().join(',');
  const build = platforms === '' ? id.dockerfile : `${id.dockerfile}\n${platforms}`;
  return `buildx-gate-history-v1:${keyPart(id.workflow)}:${keyPart(id.target || 'default', 60)}-${shortHash(build).slice(0, 8)}`;
}

/** Records in a directory: `<dir>/<prefix>/<scope>.json`, the newest per scope (the CLI's --history-dir). */
export function directoryStore(dir: string, prefix: string): HistoryStore {
  const folder = path.join(dir, keyPart(prefix, 200).replace(/\//g, '_'));
  const file = (scope: string) => path.join(folder, `${keyPart(scope, 200).replace(/\//g, '_')}.json`);
  return {
    description: dir,
    async restore(scopes) {
      for (const scope of scopes) {
        const text = await readFile(file(scope), 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        if (text !== null) return { text, scope };
      }
      return null;
    },
    async save(scope, text) {
      await mkdir(folder, { recursive: true });
      // Written aside and renamed: a reader never sees half a record.
      const target = file(scope);
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, target);
      return 'saved';
    },
  };
}

// Build records in a directory, for the CLI (--history-dir) and CIs other than GitHub Actions:
// the directory is whatever the CI keeps between builds (a cache directory, a volume).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { keyPart, lookupOrder, type StoreIdentity } from './record-keys.js';
import type { HistoryStore } from './store.js';

/**
 * Records in a directory (the CLI's --history-dir): `<dir>/<prefix>/<scope>.json`, the newest of
 * the scope, and `<scope>@<variant>.json`, the newest of the scope and variant.
 */
export function directoryStore(dir: string, identity: StoreIdentity): HistoryStore {
  const folder = path.join(dir, keyPart(identity.prefix, 200).replace(/\//g, '_'));
  const file = (scope: string, variant: string | null) =>
    path.join(
      folder,
      `${keyPart(scope, 200).replace(/\//g, '_')}${variant === null ? '' : `@${variant}`}.json`,
    );
  return {
    description: dir,
    async restore(scopes) {
      for (const { scope, variant } of lookupOrder(scopes, identity.variant)) {
        const text = await readFile(file(scope, variant), 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        if (text !== null) return { text, scope };
      }
      return null;
    },
    async save(scope, text) {
      await mkdir(folder, { recursive: true });
      for (const target of [file(scope, identity.variant), file(scope, null)]) {
        // Written aside and renamed: a reader never sees half a record.
        const temp = `${target}.${process.pid}.tmp`;
        await writeFile(temp, text);
        await rename(temp, target);
      }
      return 'saved';
    },
  };
}

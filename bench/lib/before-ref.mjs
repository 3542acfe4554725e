// An older tree's sources, for a bench to measure beside this tree's in the same run.
import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Extracts `src/` of a git ref with git archive into `<outDir>/before-<ref>/` (emptied first, so no
 * file of another ref stays) and returns that directory and the commit the ref names.
 */
export async function extractSources(ref, outDir) {
  const commit = execFileSync('git', ['rev-parse', '--verify', '--short', `${ref}^{commit}`])
    .toString()
    .trim();
  const dir = join(outDir, `before-${ref.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', commit, 'src/'], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return { dir, commit };
}

// The builds of one job, folded into one table: each build step adds its row to a file in the
// job's temp directory and shows every row so far, so the last build's summary holds the whole
// table (render.ts draws it).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobRow } from './render.js';

/** Adds this build's row and returns the job's rows so far, this one last. */
export async function addJobRow(env: NodeJS.ProcessEnv, row: JobRow): Promise<JobRow[]> {
  const dir = env.RUNNER_TEMP;
  if (!dir) return [row];
  const file = path.join(
    dir,
    `buildx-gate-history-${(env.GITHUB_JOB ?? 'job').replace(/[^\w.-]/g, '_')}.json`,
  );
  let rows: JobRow[] = [];
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (Array.isArray(parsed)) rows = parsed as JobRow[];
  } catch {
    rows = [];
  }
  rows.push(row);
  await writeFile(file, JSON.stringify(rows)).catch(() => undefined);
  return rows;
}

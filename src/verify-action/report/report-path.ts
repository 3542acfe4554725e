// Where the report goes when report-path is not given. Several verify steps may run in one job
// (one per service or environment), and each step's `report` output must point at its own
// file: the name carries the step (GITHUB_ACTION, unique within a job) and a per-invocation
// suffix (a re-run, a composite action reusing the step id), never the run id alone.
import { join } from 'node:path';

export function defaultReportPath(
  env: Record<string, string | undefined>,
  tempDir: string,
  uniqueSuffix: string,
): string {
  const step = (env.GITHUB_ACTION ?? '').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '') || 'step';
  const run = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter((part) => part && /^\d+$/.test(part));
  return join(tempDir, `buildx-gate-verify-${[...run, step, uniqueSuffix].join('-')}.json`);
}

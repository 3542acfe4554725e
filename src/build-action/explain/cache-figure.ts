// The step counts the cache hit ratio is made of, as the summary and the cache gate print them.
// The ratio leaves FROM out (a base image present locally says nothing about the layers built on
// it), so the counts beside it must leave it out too, or a build reads "0% (1/1 steps cached)".
import type { BuildReport } from '../../engine/index.js';

/** `8/9 steps cached`: the cached and all instruction steps but FROM, as the ratio counts them. */
export function cachedStepsText(report: BuildReport): string {
  const counted = report.steps.filter((s) => s.kind === 'instruction' && s.instruction !== 'FROM');
  const cached = counted.filter((s) => s.status === 'cached').length;
  return `${cached}/${counted.length} steps cached`;
}

// Public face of the engine: feed it a buildx log as it arrives, read the report.
// (Stub: the engine issue replaces this body; the signatures are the contract.)
import type { BuildReport } from './report.js';

export type * from './report.js';

export interface BuildResult {
  /** buildx's exit code when the caller ran it; decides success/failure over what the log says. */
  exitCode?: number | null;
  /** The caller stopped the build (signal); the outcome is 'cancelled'. */
  cancelled?: boolean;
}

export class BuildLogAnalyzer {
  /** Feed the next piece of the log: any chunking, bytes or text. */
  write(_chunk: string | Uint8Array): void {
    throw new Error('not implemented');
  }

  /** The report as far as the log has been read. */
  snapshot(): BuildReport {
    throw new Error('not implemented');
  }

  /** Ends the log and returns the final report. */
  end(_result: BuildResult = {}): BuildReport {
    throw new Error('not implemented');
  }
}

/** Convenience for whole logs held in memory (tests, small files). */
export function analyzeLog(text: string | Uint8Array, result: BuildResult = {}): BuildReport {
  const analyzer = new BuildLogAnalyzer();
  analyzer.write(text);
  return analyzer.end(result);
}

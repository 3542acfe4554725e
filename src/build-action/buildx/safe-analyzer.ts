// The engine behind a guard: its first error turns it off, and the failure is
// kept for the caller to report after buildx has finished (while buildx runs,
// workflow commands are stopped and the runner would print a warning as text).
import { analyzeLog, type BuildReport, type BuildResult } from '../../engine/index.js';
import type { LogAnalyzer } from '../ports.js';

export class SafeAnalyzer implements LogAnalyzer {
  /** The message of the first error the engine threw, null while it has not. */
  failure: string | null = null;

  constructor(private readonly inner: LogAnalyzer) {}

  write(chunk: string | Uint8Array): void {
    this.guard(
      () => this.inner.write(chunk),
      () => undefined,
    );
  }

  snapshot(): BuildReport {
    return this.guard(
      () => this.inner.snapshot(),
      () => emptyReport(),
    );
  }

  end(result: BuildResult): BuildReport {
    return this.guard(
      () => this.inner.end(result),
      () => emptyReport(result),
    );
  }

  private guard<T>(fn: () => T, fallback: () => T): T {
    if (this.failure !== null) return fallback();
    try {
      return fn();
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      return fallback();
    }
  }
}

/** The engine's own report of an empty log, so the fallback keeps the schema as it grows. */
function emptyReport(result: BuildResult = {}): BuildReport {
  return analyzeLog('', result);
}

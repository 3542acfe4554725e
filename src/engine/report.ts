// The build report: what the engine extracts from a buildx log. Its JSON form is
// the public schema of `buildx-gate analyze --json` and of the build action's
// `report` output, so fields are only ever added, never renamed.

export type LogFormat = 'plain' | 'rawjson' | 'tty';

/** buildx's `--progress` value the log was written with, when the caller knows it. */
export type ProgressMode = LogFormat;

export interface AnalyzerOptions {
  /**
   * Declares the log's format: the caller ran buildx with `--progress=<this>` and feeds its
   * stderr. Declared plain or rawjson, only LF and CRLF end a line and only that format's
   * readers run, so a step's output cannot read as buildx's own lines (see index.ts). Leave it
   * out for a log of unknown origin (a pasted one): the format is then detected.
   */
  progress?: ProgressMode;
}

/** What the caller knows beyond the log when it ran buildx itself. */
export interface BuildResult {
  /** buildx's exit code when the caller ran it; decides success/failure over what the log says. */
  exitCode?: number | null;
  /** The caller stopped the build (signal); the outcome is 'cancelled'. */
  cancelled?: boolean;
}

export type Outcome = 'success' | 'failure' | 'cancelled' | 'unknown';

/** instruction: `[stage i/n] RUN ...`; internal: `[internal] ...`; other: exporting, caching, etc. */
export type StepKind = 'instruction' | 'internal' | 'other';

/** incomplete: started but the log ended (or was cut) before the step finished. */
export type StepStatus = 'done' | 'cached' | 'error' | 'cancelled' | 'incomplete';

export type ErrorCategory =
  | 'dockerfile-syntax'
  | 'missing-file'
  | 'command-failed'
  | 'command-not-found'
  | 'killed-oom'
  | 'network'
  | 'registry-auth'
  | 'image-not-found'
  | 'platform'
  | 'disk-full'
  | 'builder-environment'
  | 'build-check'
  | 'cancelled'
  | 'unknown';

export interface StepReport {
  /** The vertex name exactly as buildx printed it, e.g. `[build 2/5] RUN make`. */
  name: string;
  /** Stage name from the vertex prefix (`build` in `[build 2/5]`), null for unnamed stages and non-instruction steps. */
  stage: string | null;
  /** Platform from the vertex prefix (`linux/arm64`), null when the build had a single platform. */
  platform: string | null;
  /** Upper-case Dockerfile instruction (RUN, COPY, FROM, ...), null for internal and other steps. */
  instruction: string | null;
  /** `i` and `n` of `[stage i/n]`, null when the name has no index. */
  index: number | null;
  total: number | null;
  kind: StepKind;
  status: StepStatus;
  /** Wall time of the step, null when the log never said (incomplete steps, old formats). */
  durationMs: number | null;
  /**
   * Milliseconds from the start of the build to the start of this step, when the log carries
   * timestamps (rawjson); null for plain and tty logs, whose steps are then laid out in order.
   */
  startOffsetMs: number | null;
  /** Lines the step printed (RUN output), not counting the repeat in the `------` error block. */
  outputLines: number;
  /**
   * The last lines of the step's output, bounded (see OUTPUT_TAIL_LINES). In logs with thousands
   * of steps the tails of early successful steps are dropped to keep memory bounded (failed
   * steps always keep theirs).
   */
  outputTail: string[];
  /** The error buildx reported on this vertex, if any. */
  error: string | null;
}

export interface Totals {
  /** Instruction steps (FROM included) that started, were cached, or failed. */
  instructionSteps: number;
  cachedInstructionSteps: number;
  fromSteps: number;
  /** Every vertex reported cached, instruction or not. */
  cachedSteps: number;
  /** cachedInstructionSteps over instructionSteps, FROM excluded from both; null when there are none. */
  cacheHitRatio: number | null;
  /** Build duration: first step start to last step end when known, else the sum of step durations. */
  durationMs: number | null;
  /** Final byte count of `transferring context` in `[internal] load build context`. */
  contextBytes: number | null;
  outputLines: number;
}

export interface BuildError {
  /** Full name of the vertex that failed, null when no vertex carried the error (parse errors). */
  step: string | null;
  exitCode: number | null;
  /** The final error message (from `ERROR: failed to solve: ...` when present, else the vertex error). */
  message: string;
  /** Dockerfile path as the log names it (`Dockerfile`, `docker/app.Dockerfile`), null when absent. */
  file: string | null;
  /** First line the `>>>` marker points at, or the line a parse error names. */
  line: number | null;
  category: ErrorCategory;
  /** One line that tells the user what to do about this category. */
  hint: string;
  /** The Dockerfile excerpt buildx printed (`  12 | >>> RUN ...`), as printed, bounded. */
  excerpt: string[];
  /** The failing step's last output lines, bounded. */
  logTail: string[];
  /**
   * The category the failing command's own output points at (`no space left on device`,
   * `Could not resolve host`), when it differs from `category`; null when none. The command
   * printed it (it is the code being built), so it is a suggestion for the reader and never
   * decides `category`, which comes from buildx's own error lines. Always set by the engine;
   * optional so that reports made by hand stay valid.
   */
  outputSuggests?: ErrorCategory | null;
}

export interface BuildWarning {
  /** Build-check rule (`JSONArgsRecommended`), or `WARN` for a vertex `#N WARN:` line. */
  rule: string;
  message: string;
  line: number | null;
  /** Dockerfile the warning refers to, when the log names one. */
  file: string | null;
}

/**
 * Milliseconds per phase of the build, null when the log showed no step of that phase. Wall time
 * (overlaps counted once) when the log has timestamps (rawjson), else the sum of step durations.
 */
export interface PhaseTimes {
  /** `[internal] load build context`: sending the build context to the builder. */
  contextTransferMs: number | null;
  /** `[internal] load metadata for ...`: resolving base image tags to digests. */
  baseImageResolveMs: number | null;
  /** FROM steps that were not cached: pulling and unpacking base images. */
  baseImagePullMs: number | null;
  /** `importing cache manifest from ...` (--cache-from). */
  cacheImportMs: number | null;
  /** The Dockerfile's steps other than FROM. */
  stepsMs: number | null;
  /** `exporting to image` and the other output exporters (push included, when pushing). */
  exportMs: number | null;
  /** `pushing layers`, `pushing manifest for ...` inside the export. */
  pushMs: number | null;
  /** `exporting cache to ...`, `preparing build cache for export` (--cache-to). */
  cacheExportMs: number | null;
}

export interface BuildReport {
  format: LogFormat;
  outcome: Outcome;
  /** Platforms named in step prefixes, in order of first appearance; empty for single-platform builds. */
  platforms: string[];
  /** Builder and driver from `#0 building with "default" instance using docker driver`. */
  builder: { name: string; driver: string } | null;
  steps: StepReport[];
  totals: Totals;
  error: BuildError | null;
  warnings: BuildWarning[];
  /** Input lines the engine could not make sense of (malformed JSON, binary noise); never thrown. */
  unrecognizedLines: number;
  /** True when a step's output hit buildx's `[output clipped, log limit ...]`. */
  outputClipped: boolean;
  /** Input lines longer than MAX_INPUT_LINE_CHARS: their head was read, the rest skipped unbuffered. */
  truncatedLines: number;
  /**
   * The log holds `Step 3/7 : ...` headers of the legacy builder (`DOCKER_BUILDKIT=0`), whose
   * output the engine does not read. Always set by the engine; optional so that reports made
   * by hand stay valid.
   */
  legacyBuilder?: boolean;
  /** Where the time went, by phase. Always set by the engine; optional for reports made by hand. */
  phases?: PhaseTimes;
}

/** How many trailing output lines a step keeps; memory is bounded by steps, not log size. */
export const OUTPUT_TAIL_LINES = 20;
/** Longest line kept verbatim in a report; longer ones are cut with a marker. */
export const MAX_KEPT_LINE_CHARS = 2000;
/**
 * Longest input line the engine reads whole. Large enough for one compact rawjson SolveStatus
 * (BuildKit batches log chunks of a few hundred KiB at most); a longer line is cut, never buffered.
 */
export const MAX_INPUT_LINE_CHARS = 4 * 1024 * 1024;

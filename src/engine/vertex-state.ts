// What the engine remembers about one vertex (one step of the build) while the log streams by.
// Fixed size per vertex: counters, the latest state, and a bounded output tail.
import { detach } from './detach.js';
import { OutputTail } from './output-tail.js';
import { OUTPUT_TAIL_LINES, type Outcome, type StepStatus } from './report.js';
import { parseVertexName, type VertexInfo } from './vertex-name.js';

export class VertexState {
  name: string;
  info: VertexInfo;
  /** Order in which the vertex first ran (started, cached or failed); -1 while only announced. */
  seq = -1;
  started = false;
  completed = false;
  cached = false;
  /**
   * Completed without the cache at least once: the build did this step's work. A vertex can run
   * more than once in one build (BuildKit shares it between jobs), and a later cache hit or the
   * cancellation of a duplicate run does not undo that work.
   */
  everDone = false;
  /** Completed from the cache at least once. */
  everCached = false;
  /** The error buildx reported; a cancelled vertex carries `context canceled`. */
  error: string | null = null;
  /** Epoch milliseconds (rawjson only). */
  startMs: number | null = null;
  endMs: number | null = null;
  durationMs: number | null = null;
  outputLines = 0;
  readonly tail = new OutputTail(OUTPUT_TAIL_LINES);
  /** Last `transferring context` byte count seen on this vertex. */
  contextBytes: number | null = null;
  /** Milliseconds of each finished `pushing ...` progress item of this (export) vertex, by its text. */
  pushParts: Map<string, number> | null = null;
  /** rawjson: log bytes after the last newline, waiting for the rest of their line. */
  partialLog = '';
  /** tty: output lines shown under this step in the current frame. */
  frameOutputLines = 0;
  /** tty: the display shows no state word, so completion is known only from how the build ended. */
  implicitlyDone = false;
  /** Beyond the report builder's vertex limit: read, never reported. */
  untracked = false;

  constructor(
    readonly key: string,
    name: string,
  ) {
    this.name = detach(name);
    this.info = parseVertexName(this.name);
  }

  rename(name: string): void {
    if (name === this.name || name.length === 0) return;
    this.name = detach(name);
    this.info = parseVertexName(this.name);
  }

  get ran(): boolean {
    return this.started || this.completed || this.cached || this.error !== null;
  }

  /** Records one completion (a vertex may complete several times, see everDone). */
  complete(cached: boolean, error: string | null): void {
    this.completed = true;
    this.cached = cached;
    this.error = error === null ? null : detach(error);
    if (error === null) {
      if (cached) this.everCached = true;
      else this.everDone = true;
    }
  }

  /**
   * @param buildSettled the build reached its end (tty steps without a state word count as done)
   * @param buildOutcome a step the log left running ended as the build did: done when it
   *   succeeded, cancelled when it was cancelled; otherwise it stays incomplete.
   */
  status(buildSettled: boolean, buildOutcome: Outcome | null): StepStatus {
    if (this.error !== null && !isCancellation(this.error)) return 'error';
    if (this.everDone) return 'done';
    if (this.everCached) return 'cached';
    if (this.error !== null) return 'cancelled';
    if (this.completed || (this.implicitlyDone && buildSettled) || buildOutcome === 'success') return 'done';
    return buildOutcome === 'cancelled' ? 'cancelled' : 'incomplete';
  }
}

/** BuildKit reports a cancelled vertex with an error ending in `context canceled`. */
function isCancellation(error: string): boolean {
  return error.endsWith('context canceled') || error === 'CANCELED';
}

/** A finished `pushing ...` item of an export vertex; a repeat of the same item replaces its time. */
export function notePush(vertex: VertexState, item: string, ms: number): void {
  if (vertex.untracked || !Number.isFinite(ms) || ms < 0) return;
  vertex.pushParts ??= new Map();
  // Bounded: a push has a handful of items (layers, manifest per tag).
  if (vertex.pushParts.size < 1000 || vertex.pushParts.has(item))
    vertex.pushParts.set(detach(item), Math.round(ms));
}

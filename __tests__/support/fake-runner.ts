// The fake GitHub runner every test passes to an action: a RunnerPort (src/github/runner-port.ts)
// that reads inputs from a map and records everything the action says, each kind on its own and
// the log lines together in order. One recorder serves the build action's run and post step, the
// verify action, the cache-worker join and the hardening suites. It replaces the four copies in
// build-action/main.test.ts, build-action/main-history.test.ts, verify-action/main.test.ts and
// hardening/fake-runner.ts, and the partial ones in post/post.test.ts and worker-join.test.ts.
//
// Where the copies differed, both ways are kept:
// - markFailed() always counts in `markedFailed`; with `markFailedNote` it also pushes that note
//   onto `failed` (the build action tests read the failed step as one list, the verify tests
//   count the marks apart from setFailed's messages).
// - annotations are kept whole in `annotations`; fakeRunner() below gives the hardening suites'
//   view, one `level: title: message` line each.
// - `forward` passes info, warning and debug on to another log as well (the verify tests read
//   them where the verification's own log lines go).
// saveState() records into `savedState`; getState() reads only the `state` given, never what this
// step saved, as on a runner (STATE_* exists only in the post step).
import type { RunnerAnnotation, RunnerPort } from '../../src/github/runner-port.js';

export interface FakeRunnerOptions {
  /** Pushed onto `failed` by markFailed(), beside the count in `markedFailed`. */
  markFailedNote?: string;
  /** Also called with each info, warning and debug line. */
  forward?: Partial<Pick<RunnerPort, 'info' | 'warning' | 'debug'>>;
  /** What getState() reads: the state the main step saved, as the post step sees it. */
  state?: Record<string, string>;
}

export class FakeRunner implements RunnerPort {
  outputs: Record<string, string> = {};
  secrets: string[] = [];
  annotations: RunnerAnnotation[] = [];
  /** setFailed's messages (and markFailedNote, when given). */
  failed: string[] = [];
  markedFailed = 0;
  infos: string[] = [];
  warnings: string[] = [];
  debugs: string[] = [];
  /** Each warning with the job log as it stood then, to tell whether commands were stopped. */
  warningsAt: Array<{ message: string; rawSoFar: string }> = [];
  /** What writeRaw() wrote, as one string. */
  raw = '';
  summary = '';
  /** info, `warning: ...`, `debug: ...` and raw chunks, in the order they came. */
  log: string[] = [];
  /** `mask` and `info` in the order they came, to check that masking comes first. */
  events: string[] = [];
  savedState: Record<string, string> = {};

  constructor(
    private readonly inputs: Record<string, string> = {},
    private readonly options: FakeRunnerOptions = {},
  ) {}

  getInput = (name: string) => this.inputs[name] ?? '';
  setOutput = (name: string, value: string) => void (this.outputs[name] = value);
  setSecret = (value: string) => void (this.secrets.push(value), this.events.push('mask'));
  annotate = (annotation: RunnerAnnotation) => void this.annotations.push(annotation);
  setFailed = (message: string) => void this.failed.push(message);
  markFailed = () => {
    this.markedFailed++;
    if (this.options.markFailedNote !== undefined) this.failed.push(this.options.markFailedNote);
  };
  info = (message: string) => {
    this.infos.push(message);
    this.log.push(message);
    this.events.push('info');
    this.options.forward?.info?.(message);
  };
  warning = (message: string) => {
    this.warnings.push(message);
    this.warningsAt.push({ message, rawSoFar: this.raw });
    this.log.push(`warning: ${message}`);
    this.options.forward?.warning?.(message);
  };
  debug = (message: string) => {
    this.debugs.push(message);
    this.log.push(`debug: ${message}`);
    this.options.forward?.debug?.(message);
  };
  writeRaw = (chunk: Buffer | string) => {
    this.raw += String(chunk);
    this.log.push(chunk.toString());
  };
  appendSummary = async (markdown: string) => void (this.summary += markdown);
  saveState = (name: string, value: string) => void (this.savedState[name] = value);
  getState = (name: string) => this.options.state?.[name] ?? '';
}

/** The hardening suites' view of a FakeRunner: annotations as `level: title: message` lines. */
export interface Recorded {
  outputs: Record<string, string>;
  summary: string;
  annotations: string[];
  failed: string[];
  log: string[];
  secrets: string[];
}

/** A FakeRunner on these inputs, with what it recorded in the hardening suites' shape. */
export function fakeRunner(inputs: Record<string, string>): { runner: FakeRunner; recorded: Recorded } {
  const runner = new FakeRunner(inputs);
  const recorded: Recorded = {
    outputs: runner.outputs,
    failed: runner.failed,
    log: runner.log,
    secrets: runner.secrets,
    get summary() {
      return runner.summary;
    },
    get annotations() {
      return runner.annotations.map((a) => `${a.level}: ${a.title}: ${a.message}`);
    },
  };
  return { runner, recorded };
}

// The interactive display as people paste it from a terminal or capture it with `script`:
// frames that start `[+] Building 12.3s (8/10) FINISHED`, one line per step
// (`=> [build 2/5] RUN make   12.3s`, `=> CACHED [2/5] ...`, `=> ERROR [3/5] ...`,
// `=> CANCELED ...`), their progress (`=> => transferring context: 62.93MB  0.1s`) and a window
// of the running step's output (`=> => # text`). Frames repeat the same steps, so a step is
// identified by its name and its latest line wins. Names may be cut to the terminal width.
import { keepLine } from './output-tail.js';
import type { ReportBuilder } from './report-builder.js';
import { parseByteSize } from '../shared/units.js';
import type { VertexState } from './vertex-state.js';
import { parseVertexName } from './vertex-name.js';
import { trailingTime, withoutTrailingTime } from './trailing-time.js';
import { parseWarningText } from './warning-text.js';

const HEADER = /^\[\+\] Building (\d+(?:\.\d+)?)s \((\d+)\/(\d+)\)(?: (FINISHED))?/;
const TRANSFERRING_CONTEXT = /^transferring context: (\S+)/;
const STATE_WORDS = ['CACHED ', 'ERROR ', 'CANCELED '] as const;
/** Names shorter than this are never taken for a cut form of another step's name. */
const MIN_CUT_NAME = 40;

export class TtyReader {
  private current: VertexState | null = null;
  private readonly frameSteps = new Set<VertexState>();
  private readonly steps: VertexState[] = [];
  private readonly byBracket = new Map<string, VertexState>();

  constructor(private readonly report: ReportBuilder) {}

  /**
   * `line` has its indentation removed and starts with `=>` or `[+]`; `coloured` says whether
   * the display had coloured it (it colours the steps that have ended).
   */
  handle(line: string, coloured = false): boolean {
    if (line.startsWith('[+] ')) {
      this.startFrame(line);
      return true;
    }
    if (!line.startsWith('=> ')) return false;
    this.report.claimFormat('tty');
    if (line.startsWith('=> => ')) {
      this.handleDetail(line.slice(6));
      return true;
    }
    if (line.startsWith('=> WARN: ')) {
      this.report.addWarning(parseWarningText(withoutTrailingTime(line.slice(9))));
      return true;
    }
    this.handleStep(line.slice(3), coloured);
    return true;
  }

  private startFrame(line: string): void {
    const header = HEADER.exec(line);
    if (header === null) return; // compose's `[+] Running 2/2` and the like
    this.report.claimFormat('tty');
    // A display that had finished is followed by another: a second build in the same log
    // (docker-compose 1.x builds one service after the other). Its `[1/3]` is a new step.
    if (this.report.ttyFinished && this.frameSteps.size + this.steps.length > 0) this.startNextBuild();
    this.report.noteTtyFrame(Math.round(Number(header[1]) * 1000), header[4] !== undefined);
    for (const step of this.frameSteps) step.frameOutputLines = 0;
    this.frameSteps.clear();
    this.current = null;
  }

  private startNextBuild(): void {
    this.generation++;
    this.steps.length = 0;
    this.byBracket.clear();
  }
  private generation = 0;

  private handleStep(text: string, coloured: boolean): void {
    let body = text;
    let durationMs: number | null = null;
    const time = trailingTime(body);
    if (time !== null) {
      durationMs = Math.round(Number(time.seconds) * 1000);
      body = body.slice(0, time.index);
    }
    let cached = false;
    let error: string | null = null;
    for (let matched = true; matched;) {
      matched = false;
      for (const word of STATE_WORDS) {
        if (!body.startsWith(word)) continue;
        body = body.slice(word.length);
        matched = true;
        if (word === 'CACHED ') cached = true;
        else error = word === 'ERROR ' ? '' : 'context canceled';
      }
    }
    const step = this.stepNamed(body.trimEnd());
    step.started = true;
    if (cached || error !== null || coloured) step.complete(cached, error);
    step.implicitlyDone = !step.completed;
    step.durationMs = durationMs;
    this.report.touch(step);
    if (step.completed) this.report.finish(step);
    this.current = step;
  }

  /**
   * The display cuts names to the terminal width, and the cut moves when the time column
   * widens (9.9s -> 10.0s), so one step can appear under several cut names. `[stage i/n]`
   * identifies an instruction step on its own; other names match when one is a prefix of the
   * other. The longest form seen is kept.
   */
  private stepNamed(name: string): VertexState {
    const info = parseVertexName(name);
    const bracket = info.kind === 'instruction' ? name.slice(0, name.indexOf(']') + 1) : null;
    const key = `tty${this.generation}:${name}`;
    let step = bracket !== null ? this.byBracket.get(bracket) : this.report.vertex(key);
    if (step === undefined && bracket === null && name.length >= MIN_CUT_NAME) {
      step = this.steps.find(
        (s) => s.info.kind !== 'instruction' && (s.name.startsWith(name) || name.startsWith(s.name)),
      );
    }
    if (step === undefined) {
      step = this.report.createVertex(key, name);
      if (!step.untracked) {
        this.steps.push(step);
        if (bracket !== null) this.byBracket.set(bracket, step);
      }
    } else if (name.length > step.name.length) {
      step.rename(name);
    }
    return step;
  }

  private handleDetail(text: string): void {
    const step = this.current;
    if (step === null) return;
    if (text.startsWith('# ') || text === '#') {
      // Each frame shows the same window again: count a line only once the window outgrows
      // what earlier frames showed.
      this.frameSteps.add(step);
      step.frameOutputLines++;
      // Copied at once: a tty step has no end event that would copy its tail later.
      if (step.frameOutputLines > step.outputLines) this.report.addOutputLine(step, keepLine(text.slice(2)));
      return;
    }
    const context = TRANSFERRING_CONTEXT.exec(text);
    if (context !== null) {
      const size = parseByteSize(context[1]!);
      if (size !== null) step.contextBytes = size;
    }
  }
}

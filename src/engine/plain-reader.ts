// `--progress=plain`: every line is `#N <something>` where N numbers the vertex. The first line
// of a vertex is its name; the others are its output (`#8 0.065 text`, with the time since the
// step started), progress (`#7 transferring context: 62.93MB 1.2s done`, the old
// `#5 sha256:... 1.2MB / 3.4MB` layer lines), and its end (`DONE 0.1s`, `CACHED`, `ERROR: msg`,
// `CANCELED`). When vertices interleave, buildx prints `#N ...` and repeats the name on return.
import { isDigit } from './normalize.js';
import type { ReportBuilder } from './report-builder.js';
import { parseByteSize } from '../shared/units.js';
import type { VertexState } from './vertex-state.js';
import { notePush } from './vertex-state.js';
import { parseWarningText } from './warning-text.js';

const BUILDER = /^building with "([^"]*)" instance using (\S+) driver/;
const TRANSFERRING_CONTEXT = 'transferring context: ';
const PUSHING = 'pushing ';
const PUSH_DONE = / (\d+(?:\.\d+)?)s done$/;
const OUTPUT_CLIPPED = '[output clipped';

export class PlainReader {
  /** The vertex each number currently refers to (numbers restart when a log holds several builds). */
  private readonly byNumber = new Map<number, VertexState>();
  private generation = 0;

  constructor(private readonly report: ReportBuilder) {}

  /** `line` starts with `#` and a digit. Returns false when it is not a vertex line after all. */
  handle(line: string): boolean {
    const length = line.length;
    let end = 1;
    let number = 0;
    for (let code = line.charCodeAt(end); end < length && isDigit(code); code = line.charCodeAt(++end)) {
      number = number * 10 + (code - 48);
    }
    if ((end < length && line.charCodeAt(end) !== 32) || end > 16) return false;
    let vertex = this.byNumber.get(number);
    // Hot path, most lines of a big log: the output of a known step, `#8 0.065 text`.
    if (vertex !== undefined && isDigit(line.charCodeAt(end + 1))) {
      const textStart = outputTextStart(line, end + 1);
      if (textStart >= 0) {
        if (line.startsWith(OUTPUT_CLIPPED, textStart)) this.report.noteOutputClipped();
        else this.report.addOutputLine(vertex, line.slice(textStart));
        return true;
      }
    }
    const rest = end < length ? line.slice(end + 1) : '';
    if (number === 0) {
      const builder = BUILDER.exec(rest);
      if (builder !== null) {
        this.report.noteBuilder(builder[1]!, builder[2]!);
        // buildx prints this once per build, so a second one starts another build in the same
        // log (two build steps in one job): its #1, #2 ... are new steps, not repeats of the first
        // build's (a completed vertex's name may legitimately be printed again within one build).
        this.startNextBuild();
      }
      return true;
    }
    if (vertex === undefined) {
      // A log that starts mid-build may show a vertex's state before its name.
      const named = !isStateLine(rest);
      vertex = this.newVertex(number, named ? rest : `#${number}`);
      if (named) return true;
    } else if (rest === vertex.name || rest === '...') {
      return true;
    }
    this.applyLine(vertex, number, rest);
    return true;
  }

  private startNextBuild(): void {
    if (this.byNumber.size === 0) return;
    this.generation++;
    this.byNumber.clear();
  }

  private newVertex(number: number, name: string): VertexState {
    const vertex = this.report.createVertex(`#${number}@${this.generation}`, name);
    if (!vertex.untracked) this.byNumber.set(number, vertex);
    // Plain prints a vertex only once it has started.
    vertex.started = true;
    this.report.touch(vertex);
    return vertex;
  }

  private applyLine(vertex: VertexState, number: number, rest: string): void {
    const report = this.report;
    const first = rest.charCodeAt(0);
    if (isDigit(first)) {
      const textStart = outputTextStart(rest, 0);
      if (textStart >= 0) {
        if (rest.startsWith(OUTPUT_CLIPPED, textStart)) report.noteOutputClipped();
        else report.addOutputLine(vertex, rest.slice(textStart));
      }
      return;
    }
    switch (first) {
      case 68 /* D */:
        if (rest === 'DONE' || rest.startsWith('DONE ')) {
          vertex.complete(false, null);
          vertex.durationMs = parseSeconds(rest.slice(5));
          report.finish(vertex);
          return;
        }
        break;
      case 67 /* C */:
        if (rest === 'CACHED') {
          vertex.complete(true, null);
          vertex.durationMs = 0;
          report.touch(vertex);
          report.finish(vertex);
          return;
        }
        if (rest === 'CANCELED') {
          vertex.complete(false, 'context canceled');
          report.finish(vertex);
          return;
        }
        break;
      case 69 /* E */:
        if (rest.startsWith('ERROR: ') || rest === 'ERROR') {
          vertex.complete(false, rest.slice(7));
          report.followStepError(vertex);
          report.finish(vertex);
          return;
        }
        break;
      case 87 /* W */:
        if (rest.startsWith('WARN: ')) {
          report.addWarning(parseWarningText(rest.slice(6)));
          return;
        }
        break;
      case 91 /* [ */:
        if (rest.startsWith(OUTPUT_CLIPPED)) {
          report.noteOutputClipped();
          return;
        }
        break;
      case 112 /* p */:
        if (rest.startsWith(PUSHING)) {
          // `#12 pushing layers 2.1s done`: a progress item of the export, timed when it ends.
          const done = PUSH_DONE.exec(rest);
          if (done !== null) notePush(vertex, rest.slice(0, done.index), Number(done[1]) * 1000);
          return;
        }
        break;
      case 116 /* t */:
        if (rest.startsWith(TRANSFERRING_CONTEXT)) {
          const sizeEnd = rest.indexOf(' ', TRANSFERRING_CONTEXT.length);
          const size = parseByteSize(
            rest.slice(TRANSFERRING_CONTEXT.length, sizeEnd < 0 ? undefined : sizeEnd),
          );
          if (size !== null) vertex.contextBytes = size;
          return;
        }
        break;
    }
    // A different name under a number whose vertex already ended: a new build in the same log.
    if (vertex.completed && first === 91 /* [ */) {
      this.generation++;
      this.newVertex(number, rest);
    }
    // Anything else is progress (`resolve docker.io/...`, `sha256:... 1.2MB / 3.4MB`, `exporting layers`).
  }
}

/** Where the text of an output line `0.065 text` starting at `from` begins (after the seconds), or -1. */
function outputTextStart(line: string, from: number): number {
  const length = line.length;
  let i = from;
  while (i < length && isDigit(line.charCodeAt(i))) i++;
  if (i === from || i >= length || line.charCodeAt(i) !== 46 /* . */) return -1;
  i++;
  const fraction = i;
  while (i < length && isDigit(line.charCodeAt(i))) i++;
  if (i === fraction) return -1;
  if (i === length) return length;
  return line.charCodeAt(i) === 32 ? i + 1 : -1;
}

function isStateLine(rest: string): boolean {
  return (
    rest === 'DONE' ||
    rest.startsWith('DONE ') ||
    rest === 'CACHED' ||
    rest === 'CANCELED' ||
    rest.startsWith('ERROR') ||
    rest === '...' ||
    outputTextStart(rest, 0) >= 0
  );
}

/** `0.1s` -> 100; null when absent or not a duration. */
function parseSeconds(text: string): number | null {
  if (!text.endsWith('s')) return null;
  const seconds = Number(text.slice(0, -1));
  return Number.isFinite(seconds) && text.length > 1 ? Math.round(seconds * 1000) : null;
}

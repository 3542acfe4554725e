// `buildx-gate analyze [FILE|-] [--format text|json|markdown] [--dockerfile PATH] [--history-dir
// DIR ...]`: streams a buildx log (plain, rawjson or tty) through the engine and prints the
// report. The file is read in chunks, never whole, so a log of gigabytes runs in the engine's
// bounded memory. Exit 0 whenever the analysis ran, whatever the build's outcome; 1 when a
// regression gate of the history failed; 2 when the input cannot be read or the arguments are wrong.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { findCacheBusts } from '../build-action/explain/cache-bust.js';
import { locateError } from '../build-action/explain/error-location.js';
import { renderSummary } from '../build-action/explain/summary.js';
import {
  BuildLogAnalyzer,
  parseDockerfile,
  renderReportText,
  type BuildReport,
  type Dockerfile,
} from '../engine/index.js';
import { renderHistorySection, type HistoryResult } from '../build-action/history/index.js';
import {
  HISTORY_USAGE,
  HISTORY_VALUE_OPTIONS,
  historyArgs,
  renderHistoryText,
  runHistory,
  type HistoryArgs,
} from './history.js';
import { UsageError, type CliIO } from './io.js';

export const ANALYZE_USAGE = `usage: buildx-gate analyze [FILE|-] [--format text|json|markdown] [--dockerfile PATH]
                           [--history-dir DIR ...]

Reads a docker buildx / BuildKit log (--progress=plain, rawjson or the tty display, also as
downloaded from a CI job with timestamps, or bake / compose output) and prints a build report:
steps, cache hits, durations, build context size, the error with its cause and a hint, and
warnings.

  FILE               the log to read; '-' or no FILE reads standard input
  --format FORMAT    text (default), json (the report as one JSON document) or markdown (the
                     job summary the build action writes, e.g. for an issue comment)
  --json             the same as --format json
  --dockerfile PATH  the Dockerfile that was built: where the log names no line (BuildKit v0.8
                     in Docker 20.10 prints none), the failing step is matched to its line;
                     markdown also gets the cache hints the action gives
  -h, --help         this help

${HISTORY_USAGE}

exit status: 0 when the log was analysed (whatever the build's outcome), 1 when a regression gate
failed, 2 when the log could not be read, was empty, or the arguments are wrong.`;

const READ_CHUNK_BYTES = 256 * 1024;

/** Whether a chunk holds anything but ASCII whitespace (space, tab, CR, LF). */
function hasContent(chunk: string | Uint8Array): boolean {
  if (typeof chunk === 'string') return chunk.trim() !== '';
  for (const byte of chunk) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return true;
  return false;
}

export type AnalyzeFormat = 'text' | 'json' | 'markdown';
const FORMATS: readonly AnalyzeFormat[] = ['text', 'json', 'markdown'];

interface AnalyzeArgs {
  file: string | null;
  format: AnalyzeFormat;
  dockerfile: string | null;
  help: boolean;
  history: HistoryArgs | null;
}

export function parseAnalyzeArgs(argv: readonly string[]): AnalyzeArgs {
  const args: AnalyzeArgs = { file: null, format: 'text', dockerfile: null, help: false, history: null };
  const historyValues = new Map<string, string[]>();
  let formatFrom: string | null = null;
  const setFormat = (format: AnalyzeFormat, flag: string): void => {
    if (formatFrom !== null && args.format !== format)
      throw new UsageError(`${flag} conflicts with ${formatFrom}: give one output format`);
    args.format = format;
    formatFrom = flag;
  };
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyFiles || arg === '-' || !arg.startsWith('-')) {
      if (arg.trim() === '')
        throw new UsageError(`FILE: empty path (give a log file, or '-' for standard input)`);
      if (args.file !== null) throw new UsageError(`expected one log file, got '${args.file}' and '${arg}'`);
      args.file = arg;
      continue;
    }
    if (arg === '--') {
      onlyFiles = true;
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg, '=') : [arg, null];
    const value = (): string => {
      const text = inline ?? argv[++i];
      if (
        text === undefined ||
        text.trim() === '' ||
        (inline === null && text.startsWith('-') && text !== '-')
      )
        throw new UsageError(
          `${flag} needs a value (${flag === '--format' ? FORMATS.join(', ') : 'a path'})`,
        );
      return text;
    };
    switch (flag) {
      case '--json':
        if (inline !== null) throw new UsageError(`--json takes no value, got '${arg}'`);
        setFormat('json', '--json');
        break;
      case '--format': {
        const format = value();
        if (!FORMATS.includes(format as AnalyzeFormat))
          throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
        setFormat(format as AnalyzeFormat, `--format ${format}`);
        break;
      }
      case '--dockerfile':
        if (args.dockerfile !== null) throw new UsageError('--dockerfile given twice');
        args.dockerfile = value();
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (!(HISTORY_VALUE_OPTIONS as readonly string[]).includes(flag))
          throw new UsageError(`unknown option '${arg}'`);
        historyValues.set(flag, [...(historyValues.get(flag) ?? []), value()]);
    }
  }
  // --dockerfile serves the report and, with --history-dir, the history too.
  if (args.dockerfile !== null && historyValues.has('--history-dir'))
    historyValues.set('--dockerfile', [args.dockerfile]);
  args.history = historyArgs(historyValues);
  return args;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}

export async function runAnalyze(argv: string[], io: CliIO): Promise<number> {
  let args: AnalyzeArgs;
  try {
    args = parseAnalyzeArgs(argv);
  } catch (error) {
    io.stderr(`buildx-gate analyze: ${(error as Error).message}\n${ANALYZE_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${ANALYZE_USAGE}\n`);
    return 0;
  }
  // The Dockerfile first: a wrong path is reported before a long log is read.
  let dockerfile: Dockerfile | null = null;
  if (args.dockerfile !== null) {
    try {
      dockerfile = parseDockerfile(await readDockerfile(resolve(io.cwd, args.dockerfile)));
    } catch (error) {
      io.stderr(
        `buildx-gate analyze: cannot read --dockerfile '${args.dockerfile}': ${describeReadError(error)}\n`,
      );
      return 2;
    }
  }
  const fromStdin = args.file === null || args.file === '-';
  const label = fromStdin ? 'standard input' : `'${args.file}'`;
  const analyzer = new BuildLogAnalyzer();
  // Whether anything but whitespace was read: an empty log is a mistake (a wrong redirect, a
  // step that printed nothing), never an empty report that exits 0.
  let content = false;
  try {
    const input = fromStdin ? io.stdin : await openLog(resolve(io.cwd, args.file!));
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? chunk : (chunk as Uint8Array);
      content ||= hasContent(bytes);
      analyzer.write(bytes);
    }
  } catch (error) {
    io.stderr(`buildx-gate analyze: cannot read ${label}: ${describeReadError(error)}\n`);
    return 2;
  }
  if (!content) {
    io.stderr(
      `buildx-gate analyze: nothing was read from ${label}: it is empty (give the log of 'docker buildx build --progress=plain' or rawjson)\n`,
    );
    return 2;
  }
  const report = analyzer.end();
  let history: HistoryResult | null = null;
  if (args.history !== null) {
    try {
      history = await runHistory(args.history, report, io);
    } catch (error) {
      io.stderr(`buildx-gate analyze: ${(error as Error).message}\n`);
      return 2;
    }
  }
  io.stdout(render(report, args, dockerfile, history));
  return history?.regression.gates.some((g) => !g.passed) ? 1 : 0;
}

function render(
  report: BuildReport,
  args: AnalyzeArgs,
  dockerfile: Dockerfile | null,
  history: HistoryResult | null,
): string {
  switch (args.format) {
    case 'json': {
      const located = withDockerfileLine(report, dockerfile, args.dockerfile);
      const json =
        history === null
          ? located
          : {
              ...located,
              history: {
                record: history.record,
                blames: history.blames,
                proposals: history.proposals,
                regression: history.regression,
                saved: history.saved !== 'not-saved',
                warnings: history.warnings,
              },
            };
      return `${JSON.stringify(json, null, 2)}\n`;
    }
    case 'text': {
      const text = renderReportText(withDockerfileLine(report, dockerfile, args.dockerfile));
      return history === null ? text : `${text}${renderHistoryText(history)}`;
    }
    case 'markdown':
      return renderMarkdown(report, args, dockerfile, history);
  }
}

/** The build action's job summary, with its history section when there is one. */
function renderMarkdown(
  report: BuildReport,
  args: AnalyzeArgs,
  dockerfile: Dockerfile | null,
  history: HistoryResult | null,
): string {
  const summary = renderSummaryOf(report, args, dockerfile);
  const section = history === null ? [] : renderHistorySection(history, args.dockerfile);
  return section.length === 0 ? summary : `${summary}\n${section.join('\n')}\n`;
}

/**
 * The job summary of the build action, from what a log alone can tell: no gates, no image, and
 * cache hints only where the Dockerfile is known. The summary locates the error itself
 * (build-action/explain/error-location.ts) and says when the line was matched from the step rather than printed.
 */
function renderSummaryOf(report: BuildReport, args: AnalyzeArgs, dockerfile: Dockerfile | null): string {
  return renderSummary({
    report,
    durationMs: null,
    dockerfile,
    dockerfileRepoPath: args.dockerfile,
    findings: findCacheBusts(dockerfile, report, {
      hasDockerignore: null,
      noCache: false,
      noCacheStages: [],
    }),
    gates: [],
    imageId: null,
    digest: null,
    tags: [],
  });
}

/**
 * The error's Dockerfile line as the action finds it (build-action/explain/error-location.ts): from the log, else the
 * failing step matched to the Dockerfile. A line matched so is given with the Dockerfile's path.
 */
function withDockerfileLine(
  report: BuildReport,
  dockerfile: Dockerfile | null,
  path: string | null,
): BuildReport {
  const error = report.error;
  if (error === null || error.line !== null || dockerfile === null) return report;
  const location = locateError(report, dockerfile);
  if (location === null) return report;
  return { ...report, error: { ...error, line: location.line, file: error.file ?? path } };
}

async function readDockerfile(path: string): Promise<string> {
  const info = await stat(path);
  if (info.isDirectory()) throw new Error('it is a directory, expected a Dockerfile');
  return readFile(path, 'utf8');
}

async function openLog(path: string): Promise<NodeJS.ReadableStream> {
  const info = await stat(path);
  if (info.isDirectory())
    throw Object.assign(new Error('it is a directory, expected a log file'), { code: 'EISDIR' });
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, expected a log file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

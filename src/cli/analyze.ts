// `buildx-gate analyze [FILE|-] [--json]`: streams a buildx log (plain, rawjson or tty) through
// the engine and prints the report. The file is read in chunks, never whole, so a log of
// gigabytes runs in the engine's bounded memory. Exit 0 whenever the analysis ran, whatever the
// build's outcome; 2 when the input cannot be read or the arguments are wrong.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BuildLogAnalyzer, renderReportText } from '../engine/index.js';
import { UsageError, type CliIO } from './io.js';
import {
  HISTORY_USAGE,
  HISTORY_VALUE_OPTIONS,
  historyArgs,
  renderHistoryText,
  runHistory,
  type HistoryArgs,
} from './history.js';
import type { HistoryResult } from '../build-action/history/session.js';

export const ANALYZE_USAGE = `usage: buildx-gate analyze [FILE|-] [--json] [--history-dir DIR ...]

Reads a docker buildx / BuildKit log (--progress=plain, rawjson or the tty display, also as
downloaded from a CI job with timestamps) and prints a build report: steps, cache hits,
durations, build context size, the error with its cause and a hint, and warnings.

  FILE         the log to read; '-' or no FILE reads standard input
  --json       print the report as one JSON document
  -h, --help   this help

${HISTORY_USAGE}

exit status: 0 when the log was analysed (whatever the build's outcome), 1 when a regression gate
failed, 2 when the log could not be read or the arguments are wrong.`;

const READ_CHUNK_BYTES = 256 * 1024;

interface AnalyzeArgs {
  file: string | null;
  json: boolean;
  help: boolean;
  history: HistoryArgs | null;
}

export function parseAnalyzeArgs(argv: readonly string[]): AnalyzeArgs {
  const args: AnalyzeArgs = { file: null, json: false, help: false, history: null };
  const values = new Map<string, string[]>();
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const option = onlyFiles
      ? undefined
      : HISTORY_VALUE_OPTIONS.find((o) => arg === o || arg.startsWith(`${o}=`));
    if (option !== undefined) {
      const value = arg === option ? argv[++i] : arg.slice(option.length + 1);
      if (value === undefined) throw new UsageError(`${option} needs a value`);
      values.set(option, [...(values.get(option) ?? []), value]);
    } else if (!onlyFiles && arg === '--') onlyFiles = true;
    else if (!onlyFiles && arg === '--json') args.json = true;
    else if (!onlyFiles && (arg === '-h' || arg === '--help')) args.help = true;
    else if (!onlyFiles && arg.startsWith('-') && arg !== '-')
      throw new UsageError(`unknown option '${arg}'`);
    else if (args.file !== null)
      throw new UsageError(`expected one log file, got '${args.file}' and '${arg}'`);
    else args.file = arg;
  }
  args.history = historyArgs(values);
  return args;
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
  const fromStdin = args.file === null || args.file === '-';
  const label = fromStdin ? 'standard input' : `'${args.file}'`;
  const analyzer = new BuildLogAnalyzer();
  try {
    const input = fromStdin ? io.stdin : await openLog(resolve(io.cwd, args.file!));
    for await (const chunk of input)
      analyzer.write(typeof chunk === 'string' ? chunk : (chunk as Uint8Array));
  } catch (error) {
    io.stderr(`buildx-gate analyze: cannot read ${label}: ${describeReadError(error)}\n`);
    return 2;
  }
  const report = analyzer.end();
  if (args.history === null) {
    io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
    return 0;
  }
  let history: HistoryResult;
  try {
    history = await runHistory(args.history, report, io);
  } catch (error) {
    io.stderr(`buildx-gate analyze: ${(error as Error).message}\n`);
    return 2;
  }
  io.stdout(
    args.json
      ? `${JSON.stringify({ ...report, history: { record: history.record, blames: history.blames, proposals: history.proposals, regression: history.regression, saved: history.saved, warnings: history.warnings } }, null, 2)}\n`
      : `${renderReportText(report)}${renderHistoryText(history)}`,
  );
  return history.regression.gates.some((g) => !g.passed) ? 1 : 0;
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

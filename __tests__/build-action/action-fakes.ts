// The whole build action with fakes around it, for the hardening unit tests (issue 17): a buildx
// that replays a log on the streams given, an in-memory file system, a recorder of everything the
// action says, and a directory store for history. The engine is the real one.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuildCommand } from '../../src/build-action/buildx/argv.js';
import { directoryStore } from '../../src/build-action/history/index.js';
import { runAction, type BuildOutcome } from '../../src/build-action/main.js';
import type { ActionFS, BuildDeps, Buildx, BuildxExit, OutputStream } from '../../src/build-action/ports.js';
import type { RunnerAnnotation, RunnerPort } from '../../src/github/runner-port.js';

export const WORKSPACE = '/repo';

export class Recorder implements RunnerPort {
  outputs: Record<string, string> = {};
  secrets: string[] = [];
  annotations: RunnerAnnotation[] = [];
  failed: string[] = [];
  infos: string[] = [];
  warnings: string[] = [];
  raw = '';
  summary = '';
  constructor(private readonly inputs: Record<string, string>) {}
  getInput = (name: string) => this.inputs[name] ?? '';
  setOutput = (name: string, value: string) => void (this.outputs[name] = value);
  setSecret = (value: string) => void this.secrets.push(value);
  annotate = (a: RunnerAnnotation) => void this.annotations.push(a);
  setFailed = (message: string) => void this.failed.push(message);
  info = (message: string) => void this.infos.push(message);
  warning = (message: string) => void this.warnings.push(message);
  writeRaw = (chunk: Buffer | string) => void (this.raw += String(chunk));
  appendSummary = async (markdown: string) => void (this.summary += markdown);
  markFailed = () => void this.failed.push('(marked failed)');
  debug = () => {};
  saveState = () => {};
  getState = () => '';

  /** Everything the action wrote that outlives the job or leaves the runner, but the files. */
  artefacts(): string {
    return [
      JSON.stringify(this.outputs),
      JSON.stringify(this.annotations),
      this.failed.join('\n'),
      this.warnings.join('\n'),
      this.summary,
    ].join('\n');
  }
}

export class MemoryFS implements ActionFS {
  files = new Map<string, { text: string; mode?: number }>();
  constructor(initial: Record<string, string> = {}) {
    for (const [p, text] of Object.entries(initial)) this.files.set(p, { text });
  }
  readText = async (p: string) => this.files.get(p)?.text ?? null;
  exists = async (p: string) => this.files.has(p);
  writeText = async (p: string, text: string, mode?: number) => void this.files.set(p, { text, mode });
  makeTempDir = async () => '/tmp/bg-1';
  remove = async (p: string) => void this.files.delete(p);
}

/** One piece of buildx's output: on stderr unless said otherwise. */
export type ReplayLine = string | { text: string; stream: OutputStream };

export interface Replay {
  lines: ReplayLine[];
  result?: Partial<BuildxExit>;
}

/** A log as buildx's stderr, line by line (each keeps its `\n`). */
export function stderrLines(log: string): ReplayLine[] {
  return log.split(/(?<=\n)/);
}

export function replayBuildx(replay: Replay, seen: { command?: BuildCommand } = {}): Buildx {
  return {
    async run(command, _env, onLine) {
      seen.command = command;
      for (const line of replay.lines) {
        const { text, stream } = typeof line === 'string' ? { text: line, stream: 'stderr' as const } : line;
        onLine(Buffer.from(text), stream);
      }
      return { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null, ...replay.result };
    },
  };
}

export interface ActionRun {
  io: Recorder;
  fs: MemoryFS;
  outcome: BuildOutcome;
  command: BuildCommand | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON report, read by the tests field by field
  report: any;
  reportText: string;
  recordText: string;
}

export async function runFaked(
  inputs: Record<string, string>,
  replay: Replay,
  files: Record<string, string> = {},
  extra: Partial<BuildDeps> = {},
): Promise<ActionRun> {
  const io = new Recorder(inputs);
  const fs = new MemoryFS(files);
  const seen: { command?: BuildCommand } = {};
  let time = 1000;
  const outcome = await runAction({
    io,
    fs,
    buildx: replayBuildx(replay, seen),
    env: { GITHUB_WORKSPACE: WORKSPACE },
    cwd: WORKSPACE,
    now: () => (time += 500),
    randomToken: () => 'tok3n',
    ...extra,
  });
  const reportText = fs.files.get(io.outputs.report ?? '')?.text ?? '';
  return {
    io,
    fs,
    outcome,
    command: seen.command,
    report: reportText === '' ? null : JSON.parse(reportText),
    reportText,
    recordText: fs.files.get(io.outputs['history-record'] ?? '')?.text ?? '',
  };
}

/** A fresh directory store for history (what the CLI uses), so the action keeps records in tests. */
export function tempHistoryDir(): { dir: string; historyStore: BuildDeps['historyStore'] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-hist-unit-'));
  return { dir, historyStore: (keys) => directoryStore(dir, keys) };
}

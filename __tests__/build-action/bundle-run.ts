// Runs the bundled build action (dist/build/index.js, from `npm run build`) the way the Actions
// runner runs it, for the hardening integration tests: INPUT_* variables with action.yml's
// defaults, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files, and, when a cache server
// is given, the post step with the state the main step saved (it joins the worker that saves
// the record). Returns every artefact: outputs, summary, report, annotations, the job log.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUNDLE = path.join(ROOT, 'dist/build/index.js');
const POST = path.join(ROOT, 'dist/build/post.js');

export const ENGINES = [
  { name: '20.10', host: process.env.BXG_ENGINE20_HOST ?? 'unix:///var/run/docker.sock' },
  { name: '26.1', host: process.env.BXG_ENGINE26_HOST ?? 'unix:///var/run/docker26.sock' },
];

export interface Annotation {
  level: string;
  properties: Record<string, string>;
  message: string;
}

export interface BundleRun {
  code: number | null;
  /** Everything the step printed (stdout and stderr), as the job log holds it before masking. */
  stdout: string;
  postStdout: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** stdout outside the ::stop-commands:: block: what the runner reads as commands. */
  commands: string;
  /** The report file, parsed; null when there is none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON report, read by the tests field by field
  report: Record<string, any> | null;
  reportText: string;
  /** The record file the step wrote (history-record output), as text; '' when none. */
  recordText: string;
}

export interface BundleRunOptions {
  /** Extra environment (GITHUB_* of an event, cache service variables, secrets for secret-envs). */
  env?: NodeJS.ProcessEnv;
  /** Run the post step after the main step (needed to save a record through the cache worker). */
  post?: boolean;
}

export function actionDefaults(): Record<string, string> {
  const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, spec]) => spec.default !== undefined && !String(spec.default).includes('${{'))
      .map(([name, spec]) => [name, String(spec.default)]),
  );
}

const decode = (v: string) =>
  v
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

export function outsideStopCommands(stdout: string): string {
  let rest = stdout;
  let out = '';
  for (;;) {
    const start = /^::stop-commands::(\w+)$/m.exec(rest);
    if (!start) return out + rest;
    const end = rest.indexOf(`\n::${start[1]}::\n`, start.index);
    out += rest.slice(0, start.index);
    if (end === -1) return out;
    rest = rest.slice(end + start[1]!.length + 6);
  }
}

function annotationsOf(commands: string): Annotation[] {
  return [...commands.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)].map((m) => ({
    level: m[1]!,
    properties: Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), decode(pair.slice(pair.indexOf('=') + 1))]),
    ),
    message: decode(m[3]!),
  }));
}

const FILE_COMMAND = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm;

function fileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const m of text.matchAll(FILE_COMMAND)) values[m[1]!] = m[3]!;
  return values;
}

function step(
  bundle: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

export async function runBundle(
  workspace: string,
  host: string,
  inputs: Record<string, string>,
  options: BundleRunOptions = {},
): Promise<BundleRun> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npm run build' first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-hard-run-'));
  const files = {
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    state: path.join(dir, 'state'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_HOST: host,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    ...(options.post ? { GITHUB_STATE: files.state } : {}),
    ...options.env,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs }))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const main = await step(BUNDLE, workspace, env);
  let postStdout = '';
  if (options.post) {
    const state: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(fileCommands(readFileSync(files.state, 'utf8'))))
      state[`STATE_${name}`] = value;
    postStdout = (await step(POST, workspace, { ...env, ...state, GITHUB_STATE: undefined })).stdout;
  }
  const outputs = fileCommands(readFileSync(files.output, 'utf8'));
  const reportText = outputs.report && existsSync(outputs.report) ? readFileSync(outputs.report, 'utf8') : '';
  const recordFile = outputs['history-record'];
  const commands = outsideStopCommands(main.stdout);
  return {
    code: main.code,
    stdout: main.stdout,
    postStdout,
    outputs,
    summary: readFileSync(files.summary, 'utf8'),
    annotations: annotationsOf(commands),
    commands,
    report: reportText === '' ? null : (JSON.parse(reportText) as NonNullable<BundleRun['report']>),
    reportText,
    recordText: recordFile && existsSync(recordFile) ? readFileSync(recordFile, 'utf8') : '',
  };
}

/** Throws with the way to start them when an engine is not running. */
export function requireEngine(name: string, host: string): void {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      env: { ...process.env, DOCKER_HOST: host },
      stdio: 'pipe',
    });
  } catch {
    throw new Error(
      `Docker Engine ${name} is not running at ${host}: start it with 'bash scripts/docker/start.sh all'`,
    );
  }
}

/** A new workspace holding one context directory per entry: file path -> content. */
export function workspaceWith(contexts: Record<string, Record<string, string | Buffer>>): string {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-hard-ws-'));
  for (const [context, entries] of Object.entries(contexts)) {
    for (const [file, content] of Object.entries(entries)) {
      const target = path.join(workspace, context, file);
      execFileSync('mkdir', ['-p', path.dirname(target)]);
      writeFileSync(target, content);
    }
  }
  return workspace;
}

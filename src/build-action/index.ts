// Entry point of the build action (dist/build/index.js): wires the real runner,
// file system and workflow commands into run(). Nothing else belongs here.
import { randomUUID } from 'node:crypto';
import { appendFile, access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { workflowCommands } from '../github/workflow-commands.js';
import { run, type ActionFS, type ActionIO } from './main.js';
import { processSignals, spawnRunner } from './runner.js';

const core = workflowCommands();

const io: ActionIO = {
  getInput: (name) => core.getInput(name),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  annotate: (a) => {
    const properties = {
      title: a.title,
      ...(a.file ? { file: a.file } : {}),
      ...(a.line ? { startLine: a.line } : {}),
    };
    if (a.level === 'error') core.error(a.message, properties);
    else if (a.level === 'warning') core.warning(a.message, properties);
    else core.notice(a.message, properties);
  },
  setFailed: (message) => core.setFailed(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  writeRaw: (chunk) => process.stdout.write(chunk),
  appendSummary: async (markdown) => {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file) await appendFile(file, markdown);
    else core.info('No GITHUB_STEP_SUMMARY file: job summary skipped.');
  },
};

const fs: ActionFS = {
  readText: (file) => readFile(file, 'utf8').catch(() => null),
  exists: (file) =>
    access(file).then(
      () => true,
      () => false,
    ),
  writeText: (file, text, mode) => writeFile(file, text, mode === undefined ? {} : { mode }),
  makeTempDir: () => mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'buildx-gate-')),
  remove: (file) => rm(file, { force: true, recursive: true }),
};

try {
  await run({
    io,
    fs,
    runner: spawnRunner({ cancel: processSignals }),
    env: process.env,
    cwd: process.cwd(),
    now: () => performance.now(),
    randomToken: () => randomUUID().replace(/-/g, ''),
  });
} catch (error) {
  core.setFailed(`buildx-gate failed: ${error instanceof Error ? error.message : String(error)}`);
}

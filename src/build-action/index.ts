// Entry point of the build action (dist/build/index.js): wires the runner, the
// file system and buildx into run(). Nothing else belongs here.
import { randomUUID } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { actionsRunner } from '../github/actions-runner.js';
import { run } from './main.js';
import type { ActionFS } from './ports.js';
import { postRecorder } from './post-state.js';
import { processSignals, spawnRunner } from './runner.js';

const io = actionsRunner();

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

// Records buildx's process group and a copy of its log for the post step (post-state.ts).
const post = postRecorder(io, process.env);

try {
  await run({
    io,
    fs,
    runner: post.wrap(spawnRunner({ cancel: processSignals, spawn: post.spawn })),
    env: process.env,
    cwd: process.cwd(),
    now: () => performance.now(),
    randomToken: () => randomUUID().replace(/-/g, ''),
  });
} catch (error) {
  io.setFailed(`buildx-gate failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  post.finish();
}

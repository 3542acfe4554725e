// Entry point of the build action's post step (dist/build/post.js): wires the runner's state,
// the file system and workflow commands into runPost(). Nothing else belongs here.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { actionsRunner } from '../../github/actions-runner.js';
import { runPost } from './post.js';
import { readPostState } from './post-state.js';

const io = actionsRunner();

try {
  await runPost({
    io,
    fs: {
      writeText: (file, text, mode) => writeFile(file, text, mode === undefined ? {} : { mode }),
      makeTempDir: () => mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'buildx-gate-')),
      remove: (file) => rm(file, { force: true, recursive: true }),
      readText: (file) => readFile(file, 'utf8').catch(() => null),
    },
    state: readPostState((name) => io.getState(name)),
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
  });
} catch (error) {
  // Never fail the job from the post step (see post.ts); say what went wrong.
  io.warning(`buildx-gate post step: ${error instanceof Error ? error.message : String(error)}`);
}

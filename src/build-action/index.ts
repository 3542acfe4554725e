// Entry point of the build action (dist/build/index.js): wires the runner, the
// file system and buildx into runAction(). Nothing else belongs here.
import { randomUUID } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionsRunner } from '../github/actions-runner.js';
import { cacheWorkerStores, type StoreFactory } from './history/index.js';
import { runAction } from './main.js';
import type { ActionFS } from './ports.js';
import { postRecorder, saveWorkerHandle } from './post/post-state.js';
import { processSignals, spawnBuildx } from './buildx/buildx-process.js';

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

// Records buildx's process group and a copy of its log for the post step (post/post-state.ts).
const post = postRecorder(io, process.env);

/**
 * The Actions cache client runs in a worker process the post step joins (history/store/cache-worker.ts);
 * without a post step to join it (no GITHUB_STATE), in this process.
 */
const cacheStore: StoreFactory | undefined = process.env.GITHUB_STATE
  ? cacheWorkerStores({
      script: fileURLToPath(new URL('./history-worker.js', import.meta.url)),
      env: process.env,
      tempRoot: process.env.RUNNER_TEMP || os.tmpdir(),
      onStarted: (handle) => saveWorkerHandle(io, handle),
    })
  : undefined;

try {
  await runAction({
    io,
    fs,
    buildx: post.wrap(spawnBuildx({ cancel: processSignals, spawn: post.spawn })),
    env: process.env,
    cwd: process.cwd(),
    now: () => performance.now(),
    randomToken: () => randomUUID().replace(/-/g, ''),
    ...(cacheStore ? { cacheStore } : {}),
  });
} catch (error) {
  io.setFailed(`buildx-gate failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  post.finish();
}

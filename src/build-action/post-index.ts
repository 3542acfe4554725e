// Entry point of the build action's post step (dist/build/post.js): wires the runner's state,
// the file system and workflow commands into runPost(). Nothing else belongs here.
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { workflowCommands } from '../github/workflow-commands.js';
import { runPost } from './post.js';
import { readPostState } from './post-state.js';

const core = workflowCommands();

try {
  await runPost({
    io: {
      getInput: (name) => core.getInput(name),
      setOutput: (name, value) => core.setOutput(name, value),
      annotate: (a) =>
        a.level === 'error'
          ? core.error(a.message, { title: a.title })
          : core.warning(a.message, { title: a.title }),
      info: (message) => core.info(message),
      warning: (message) => core.warning(message),
      appendSummary: async (markdown) => {
        const file = process.env.GITHUB_STEP_SUMMARY;
        if (file) await appendFile(file, markdown);
      },
    },
    fs: {
      writeText: (file, text, mode) => writeFile(file, text, mode === undefined ? {} : { mode }),
      makeTempDir: () => mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'buildx-gate-')),
      remove: (file) => rm(file, { force: true, recursive: true }),
    },
    state: readPostState(process.env),
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
  });
} catch (error) {
  // Never fail the job from the post step (see post.ts); say what went wrong.
  core.warning(`buildx-gate post step: ${error instanceof Error ? error.message : String(error)}`);
}

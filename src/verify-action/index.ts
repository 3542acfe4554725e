// Entry of the verify action (dist/verify/index.js).
import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectElasticsearch } from './client.js';
import { bashRunner } from './command-runner.js';
import { octokitApi } from './github-api.js';
import { runAction } from './main.js';
import { secretsOf } from './config.js';
import { systemClock } from './watch.js';

const env = process.env;
const runUrl =
  env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
    ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;

try {
  await runAction({
    getInput: (name) => core.getInput(name),
    setSecret: core.setSecret,
    setOutput: core.setOutput,
    writeSummary: async (markdown) => {
      // Outside a runner (act, a local try) there is no summary file: say so, do not fail.
      if (!env.GITHUB_STEP_SUMMARY) return core.info('no GITHUB_STEP_SUMMARY: job summary skipped');
      await core.summary.addRaw(markdown, true).write();
    },
    annotate: (level, message, title) =>
      level === 'error' ? core.error(message, { title }) : core.warning(message, { title }),
    setFailed: core.setFailed,
    markFailed: () => {
      process.exitCode = 1;
    },
    log: { info: core.info, warning: (m) => core.warning(m), debug: core.debug },
    writeFile: async (path, text) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    },
    env,
    defaultReportPath: join(
      env.RUNNER_TEMP ?? tmpdir(),
      `buildx-gate-verify-${env.GITHUB_RUN_ID ?? process.pid}.json`,
    ),
    connect: (config) =>
      connectElasticsearch(config.connection, {
        secrets: secretsOf(config),
        sleep: systemClock.sleep,
        log: (m) => core.info(m),
      }),
    clock: systemClock,
    rollback: {
      runner: bashRunner(),
      github: (token) => octokitApi(token, env.GITHUB_API_URL ?? 'https://api.github.com'),
      onOutput: (text) => process.stdout.write(text),
    },
    ...(runUrl ? { runUrl } : {}),
  });
} catch (error) {
  core.setFailed(
    `buildx-gate verify: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  );
}

// Entry of the verify action (dist/verify/index.js): wires the runner, the file
// system, Elasticsearch, bash and the GitHub API into runAction().
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { actionsRunner } from '../github/actions-runner.js';
import { inWorkflowRun, runEnvironment, workflowRunUrl } from '../github/run-environment.js';
import { connectElasticsearch } from './elasticsearch/client.js';
import { bashShell } from './respond/bash-shell.js';
import { octokitApi } from './respond/github-api.js';
import { runAction } from './main.js';
import { defaultReportPath } from './report/report-path.js';
import { systemClock } from './watch.js';

const env = process.env;
const runner = actionsRunner();
const run = runEnvironment(env, process.cwd());

try {
  await runAction({
    runner,
    writeFile: async (path, text) => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    },
    env,
    defaultReportPath: defaultReportPath(env, env.RUNNER_TEMP ?? tmpdir(), randomBytes(4).toString('hex')),
    connect: (connection, secrets) =>
      connectElasticsearch(connection, {
        secrets,
        sleep: systemClock.sleep,
        log: (m) => runner.info(m),
      }),
    clock: systemClock,
    rollback: {
      shell: bashShell(),
      github: (token) => octokitApi(token, env.GITHUB_API_URL ?? 'https://api.github.com'),
      onOutput: (text) => runner.writeRaw(text),
    },
    ...(inWorkflowRun(run) ? { runUrl: workflowRunUrl(run) } : {}),
  });
} catch (error) {
  runner.setFailed(
    `buildx-gate verify: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  );
}

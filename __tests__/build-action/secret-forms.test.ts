// Issue 17 B.3-5: the forms a build secret takes besides a `secrets` value. A secret-like
// build-arg (BuildKit names steps with ARGs expanded), the credentials of a Git context URL, and
// a multi-line secret (the runner masks line by line): masked, and scrubbed from every artefact
// (report, record, summary, annotations, outputs, warnings, the echoed command).
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { secretParts, urlCredentials } from '../../src/github/redact.js';
import { readInputs } from '../../src/build-action/inputs.js';
import { planRun } from '../../src/build-action/run-plan.js';
import { runFaked, stderrLines, tempHistoryDir, WORKSPACE } from './action-fakes.js';

const TOKEN = 'npm_BxgUnitArgSecret0123456789';
const PEM_BODY = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', 'Aw=='];
const PEM = ['-----BEGIN PRIVATE KEY-----', ...PEM_BODY, '-----END PRIVATE KEY-----'].join('\n');

const DOCKERFILE = `FROM local/busybox:1
ARG NPM_TOKEN
WORKDIR /app/$NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && echo "token is $NPM_TOKEN"
`;

/** buildx's plain log of that Dockerfile with NPM_TOKEN=TOKEN (engine 26), failing or not. */
function log(failing: boolean, printed: string[] = []): string {
  const run = `[3/3] RUN echo "//registry.npmjs.org/:_authToken=${TOKEN}" > .npmrc && echo "token is ${TOKEN}"`;
  const out = [`token is ${TOKEN}`, ...printed].map((l) => `#6 0.064 ${l}`).join('\n');
  return `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 204B done
#1 DONE 0.0s

#4 [1/3] FROM docker.io/local/busybox:1
#4 CACHED

#5 [2/3] WORKDIR /app/${TOKEN}
#5 DONE 0.0s

#6 ${run}
${out}
${
  failing
    ? `#6 ERROR: process "/bin/sh -c exit 2" did not complete successfully: exit code: 2
------
 > ${run}:
${[`token is ${TOKEN}`, ...printed].map((l) => `0.064 ${l}`).join('\n')}
------
Dockerfile:4
--------------------
   3 |     WORKDIR /app/$NPM_TOKEN
   4 | >>> RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && echo "token is $NPM_TOKEN"
--------------------
ERROR: failed to solve: process "/bin/sh -c exit 2" did not complete successfully: exit code: 2
`
    : `#6 DONE 0.1s
`
}`;
}

const files = { [`${WORKSPACE}/Dockerfile`]: DOCKERFILE };

/** Every string the run left that outlives the job or leaves the runner. */
function artefacts(run: Awaited<ReturnType<typeof runFaked>>, historyDir?: string): string {
  const records = historyDir
    ? readdirSync(historyDir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    : [];
  return [run.io.artefacts(), run.reportText, run.recordText, ...records].join('\n');
}

describe('a secret-like build-arg', () => {
  it('its value is masked and in no artefact, the saved record included; one warning says to use secrets', async () => {
    const { dir, historyStore } = tempHistoryDir();
    const run = await runFaked(
      { context: '.', 'build-args': `NPM_TOKEN=${TOKEN}\nFLAVOR=plain` },
      { lines: stderrLines(log(false)) },
      files,
      { historyStore },
    );
    expect(run.io.failed).toEqual([]);
    expect(run.io.secrets).toContain(TOKEN);
    expect(run.recordText).toContain('WORKDIR /app/***');
    const all = artefacts(run, dir);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(Buffer.from(TOKEN).toString('base64').slice(0, 20));
    expect(run.report.steps.map((s: { name: string }) => s.name)).toContain('[2/3] WORKDIR /app/***');
    // The command line the job log shows is scrubbed too (it is masked as well).
    expect(run.io.infos[0]).toContain('--build-arg NPM_TOKEN=***');
    const warned = run.io.warnings.filter((w) => w.includes('NPM_TOKEN looks like a secret'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain("Pass it with the 'secrets' input");
    expect(run.io.summary.match(/NPM\\_TOKEN looks like a secret/g)).toHaveLength(1);
    // FLAVOR is no secret: no warning names it, nothing of it is masked.
    expect(run.io.warnings.join('\n')).not.toContain('FLAVOR');
    expect(run.io.secrets).not.toContain('plain');
  });

  it('given by name only, its value comes from the environment: masked and scrubbed all the same', async () => {
    const run = await runFaked(
      { context: '.', 'build-args': 'NPM_TOKEN' },
      { lines: stderrLines(log(true)), result: { exitCode: 1 } },
      files,
      { env: { GITHUB_WORKSPACE: WORKSPACE, NPM_TOKEN: TOKEN } },
    );
    expect(run.io.secrets).toContain(TOKEN);
    expect(run.io.outputs['failed-step']).toBe(
      '[3/3] RUN echo "//registry.npmjs.org/:_authToken=***" > .npmrc && echo "token is ***"',
    );
    expect(artefacts(run)).not.toContain(TOKEN);
  });

  it('the post step, which scrubs its own report, knows the same values (planRun)', () => {
    const values: Record<string, string> = { 'build-args': `NPM_TOKEN=${TOKEN}`, secrets: `"k=${PEM}"` };
    const inputs = readInputs((name) => values[name] ?? '');
    const plan = planRun(inputs, {}, WORKSPACE);
    expect(plan.secrets).toEqual(expect.arrayContaining([TOKEN, PEM, PEM_BODY[0], PEM_BODY[1]]));
    expect(plan.secretBuildArgs).toEqual(['NPM_TOKEN']);
  });
});

describe('credentials in a Git context URL', () => {
  const context =
    'https://x-access-token:ghs_CtxToken0123456789@github.com/o/r.git?access_token=qtok0123456789#main';

  it('urlCredentials finds the userinfo password, a lone user token and credential query values', () => {
    expect(urlCredentials(context)).toEqual(['ghs_CtxToken0123456789', 'qtok0123456789']);
    expect(urlCredentials('https://ghp_alone0123456789@github.com/o/r.git')).toEqual(['ghp_alone0123456789']);
    expect(urlCredentials('ctx=https://u:p%40ss0123@host/x.tar.gz?X-Amz-Signature=abc123&ref=main')).toEqual([
      'p%40ss0123',
      'p@ss0123',
      'abc123',
    ]);
    expect(urlCredentials('https://github.com/o/r.git?ref=main&subdir=app#main')).toEqual([]);
    expect(urlCredentials('.')).toEqual([]);
    expect(urlCredentials('git@github.com:o/r.git')).toEqual([]);
  });

  it('are masked and scrubbed from the echoed command, step names, the summary, report and failed-step', async () => {
    const source = `[internal] load git source ${context}`;
    const gitLog = `#0 building with "default" instance using docker driver

#1 ${source}
#1 0.030 fatal: unable to access 'https://github.com/o/r.git/': Could not resolve host
#1 ERROR: failed to fetch remote https://x-access-token:ghs_CtxToken0123456789@github.com/o/r.git: exit status 128
------
 > ${source}:
0.030 fatal: unable to access 'https://github.com/o/r.git/': Could not resolve host
------
ERROR: failed to solve: failed to read dockerfile: failed to load cache key: failed to fetch remote https://x-access-token:ghs_CtxToken0123456789@github.com/o/r.git: exit status 128
`;
    const run = await runFaked({ context }, { lines: stderrLines(gitLog), result: { exitCode: 1 } });
    expect(run.io.secrets).toEqual(expect.arrayContaining(['ghs_CtxToken0123456789', 'qtok0123456789']));
    expect(run.io.outputs['failed-step']).toBe(
      '[internal] load git source https://x-access-token:***@github.com/o/r.git?access_token=***#main',
    );
    expect(run.io.infos[0]).toContain('https://x-access-token:***@github.com/');
    const all = artefacts(run);
    expect(all).not.toContain('ghs_CtxToken');
    expect(all).not.toContain('qtok0123456789');
    expect(run.io.summary).toContain('Docker build failed');
  });
});

describe('a multi-line secret', () => {
  it('secretParts: the value and each line of 8 characters or more', () => {
    expect(secretParts(PEM)).toEqual([
      PEM,
      '-----BEGIN PRIVATE KEY-----',
      PEM_BODY[0],
      PEM_BODY[1],
      '-----END PRIVATE KEY-----',
    ]);
    expect(secretParts('one line')).toEqual(['one line']);
    expect(secretParts('{\r\n  "k": "v0123456789"\r\n}')).toEqual([
      '{\r\n  "k": "v0123456789"\r\n}',
      '"k": "v0123456789"',
    ]);
  });

  it('each line is masked on its own and scrubbed from the error, its excerpt and the summary', async () => {
    const run = await runFaked(
      { context: '.', secrets: `"key=${PEM}"` },
      { lines: stderrLines(log(true, PEM.split('\n'))), result: { exitCode: 1 } },
      files,
    );
    expect(run.io.secrets).toEqual(expect.arrayContaining([PEM_BODY[0], PEM_BODY[1]]));
    const all = artefacts(run);
    for (const line of PEM_BODY.slice(0, 2)) expect(all).not.toContain(line);
    expect(run.report.error.logTail).toContain('***');
  });
});

describe('credentials in cache and exporter attributes', () => {
  it('secret-like attributes and URL credentials are masked and scrubbed', () => {
    const values: Record<string, string> = {
      'cache-to':
        'type=s3,region=eu-west-1,bucket=b,access_key_id=AKIAEXAMPLE0123,secret_access_key=s3Secret0123456789',
      'cache-from': 'type=registry,ref=https://u:regPass0123@reg.example/app:cache',
      outputs: 'type=image,push=false',
    };
    const plan = planRun(
      readInputs((name) => values[name] ?? ''),
      {},
      WORKSPACE,
    );
    expect(plan.secrets).toEqual(
      expect.arrayContaining(['s3Secret0123456789', 'AKIAEXAMPLE0123', 'regPass0123']),
    );
    expect(plan.secrets).not.toContain('eu-west-1');
    expect(plan.secrets).not.toContain('false');
  });
});

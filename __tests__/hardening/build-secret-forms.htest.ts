// The secrets audit for the forms a build secret takes besides a `secrets` value (issue 17 B):
// a secret-like build-arg (BuildKit names steps with ARGs expanded: `WORKDIR /app/<value>`), the
// credentials of a Git `context` URL (BuildKit names the git source step with them), and a
// multi-line secret (a PEM: the runner masks line by line). The bundle the runner runs, on both
// engines, three builds each: a passing one whose record is saved to the Actions cache (served
// on 127.0.0.1), a failing one that prints the PEM and the token, and a Git context that cannot
// be fetched. Every artefact is searched for every form of every secret (secret-audit.ts); the
// job log for what masking leaves.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startActionsCacheServer, type ActionsCacheServer } from '../support/actions-cache-server.js';
import {
  ENGINES,
  requireEngine,
  runBundle,
  workspaceWith,
  type BundleRun,
} from '../build-action/bundle-run.js';
import { auditSecrets } from './secret-audit.js';
import { tally } from './tally.js';

const NPM_TOKEN = `npm_BxgArg${randomBytes(10).toString('hex')}`;
const CTX_TOKEN = `ghs_BxgCtx${randomBytes(10).toString('hex')}`;
const QUERY_TOKEN = `qtok${randomBytes(10).toString('hex')}`;
const PEM_LINES = Array.from({ length: 3 }, () => randomBytes(48).toString('base64'));
const PEM = ['-----BEGIN PRIVATE KEY-----', ...PEM_LINES, '-----END PRIVATE KEY-----'].join('\n');

const PASSING = `FROM local/busybox:1
ARG NPM_TOKEN
WORKDIR /app/$NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && echo "token is $NPM_TOKEN" && cat .npmrc
`;

const FAILING = `FROM local/busybox:1
ARG NPM_TOKEN
WORKDIR /app/$NPM_TOKEN
RUN --mount=type=secret,id=key cat /run/secrets/key; echo; echo "token is $NPM_TOKEN"; exit 3
`;

/** The job log as the runner shows it: every ::add-mask:: value (line by line, as it masks) replaced. */
function masked(stdout: string): string {
  const decode = (v: string) => v.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const masks = [...stdout.matchAll(/^::add-mask::(.*)$/gm)]
    .map((m) => decode(m[1]!))
    .filter((m) => m !== '');
  masks.sort((a, b) => b.length - a.length);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .map((line) => masks.reduce((out, mask) => out.split(mask).join('***'), line))
    .join('\n');
}

const artefacts: Record<string, string> = {};
const jobLogs: Record<string, string> = {};

function keep(label: string, run: BundleRun): void {
  artefacts[`${label}: summary`] = run.summary;
  artefacts[`${label}: outputs`] = JSON.stringify(run.outputs);
  artefacts[`${label}: report`] = run.reportText;
  artefacts[`${label}: annotations and errors`] = run.commands
    .split('\n')
    .filter((line) => /^::(error|warning|notice)/.test(line))
    .join('\n');
  if (run.recordText !== '') artefacts[`${label}: record`] = run.recordText;
  jobLogs[`${label}: job log`] = masked(run.stdout + run.postStdout);
}

describe.each(ENGINES)('build secret forms on Docker Engine $name', ({ name, host }) => {
  const workspace = workspaceWith({ passing: { Dockerfile: PASSING }, failing: { Dockerfile: FAILING } });
  let server: ActionsCacheServer;
  beforeAll(async () => {
    requireEngine(name, host);
    server = await startActionsCacheServer();
  });
  afterAll(() => server.close());
  const event = () => ({
    ...server.env,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: randomBytes(20).toString('hex'),
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_WORKFLOW_REF: `o/r/.github/workflows/secrets-${name}.yml@refs/heads/main`,
  });

  it('a secret-like build-arg, on a build that passes: its record is saved', async () => {
    const run = await runBundle(
      workspace,
      host,
      { context: 'passing', network: 'none', 'no-cache': 'true', 'build-args': `NPM_TOKEN=${NPM_TOKEN}` },
      { post: true, env: event() },
    );
    keep(`${name} build-arg`, run);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`token is ${NPM_TOKEN}`);
    expect(run.recordText).not.toBe('');
    expect(run.postStdout).toContain('the build record was saved');
    // Said once, in the job log and the summary: the build-arg should be a secret.
    expect(run.annotations.filter((a) => a.message.includes('NPM_TOKEN looks like a secret'))).toHaveLength(
      1,
    );
    expect(run.summary).toMatch(/NPM\\_TOKEN looks like a secret/);
  });

  it('a PEM in secrets and a secret-like build-arg, printed by a failing RUN', async () => {
    const run = await runBundle(workspace, host, {
      context: 'failing',
      network: 'none',
      'no-cache': 'true',
      'build-args': `NPM_TOKEN=${NPM_TOKEN}`,
      secrets: `"key=${PEM}"`,
    });
    keep(`${name} PEM`, run);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(PEM_LINES[1]);
    expect(run.outputs['error-category']).toBe('command-failed');
  });

  it('credentials in a Git context URL that cannot be fetched', async () => {
    const run = await runBundle(workspace, host, {
      context: `https://x-access-token:${CTX_TOKEN}@127.0.0.1:1/o/r.git?token=${QUERY_TOKEN}#main`,
      network: 'none',
    });
    keep(`${name} git context`, run);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`docker buildx build`);
  });
});

describe('secrets audit of the build secret forms', () => {
  it('no artefact holds a secret in any form; the job log none that masking can hide', () => {
    const secrets = [NPM_TOKEN, CTX_TOKEN, QUERY_TOKEN, PEM, ...PEM_LINES];
    expect(Object.keys(jobLogs)).toHaveLength(6);
    const leaks = auditSecrets(artefacts, secrets);
    const logLeaks = auditSecrets(jobLogs, secrets, { split: false });
    console.log(
      `build secret forms: ${Object.keys(artefacts).length + Object.keys(jobLogs).length} artefacts, ` +
        `${leaks.length + logLeaks.length} leaks: ${JSON.stringify([...leaks, ...logLeaks].map((l) => `${l.artefact}/${l.form}/${l.secret}`))}`,
    );
    expect(leaks).toEqual([]);
    expect(logLeaks).toEqual([]);
    tally('fault scenarios', 6);
  });
});

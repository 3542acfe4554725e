// A fork's pull request whose head branch is named `main` (issue 17 D.6), on both engines, the
// Actions cache served on 127.0.0.1: the regression gates stay on, and its record is saved under
// `pr-123`, never under the default branch's key, where every later build would compare with it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startActionsCacheServer, type ActionsCacheServer } from '../support/actions-cache-server.js';
import { ENGINES, requireEngine, runBundle, workspaceWith } from './bundle-run.js';

describe.each(ENGINES)("a fork's pull request from main on Docker Engine $name", ({ name, host }) => {
  const workspace = workspaceWith({
    app: { Dockerfile: `FROM local/busybox:1\nRUN echo ${randomBytes(6).toString('hex')}\n` },
  });
  let server: ActionsCacheServer;
  beforeAll(async () => {
    requireEngine(name, host);
    server = await startActionsCacheServer();
  });
  afterAll(() => server.close());

  it('is gated and recorded as pr-123', async () => {
    const eventFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'bxg-fork-')), 'event.json');
    writeFileSync(
      eventFile,
      JSON.stringify({
        number: 123,
        pull_request: { number: 123, base: { ref: 'main' }, head: { ref: 'main', repo: { fork: true } } },
        repository: { default_branch: 'main' },
      }),
    );
    const run = await runBundle(
      workspace,
      host,
      { context: 'app', network: 'none', 'max-duration-increase': '+50%' },
      {
        post: true,
        env: {
          ...server.env,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: eventFile,
          GITHUB_HEAD_REF: 'main',
          GITHUB_BASE_REF: 'main',
          GITHUB_REF: 'refs/pull/123/merge',
          GITHUB_REF_NAME: '123/merge',
          GITHUB_SHA: randomBytes(20).toString('hex'),
          GITHUB_RUN_ID: String(Date.now()),
          GITHUB_WORKFLOW_REF: `o/r/.github/workflows/fork-${name}.yml@refs/heads/main`,
        },
      },
    );
    const keys = server.entries().map((e) => e.key);
    console.log(
      `[${name}] fork PR from main: record branch ${JSON.parse(run.recordText).branch}; keys ${keys.join(' ')}`,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.recordText)).toMatchObject({ branch: 'pr-123' });
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/:pr-123:/);
    expect(keys[0]).not.toMatch(/:main:/);
    expect(run.summary).toMatch(/No record of the default branch yet: the regression gates pass/);
  });
});

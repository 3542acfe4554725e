// Issue 17 D.6: who a build is, in the record's keys, comes from the event. A fork's pull request
// whose head branch is named `main` is a pull request: gated against its base branch, its record
// saved under `pr-<number>`, never under the default branch's key.
import { describe, expect, it } from '@jest/globals';
import { buildIdentity } from '../../src/build-action/history/action-plan.js';
import { runFaked, stderrLines, WORKSPACE } from './action-fakes.js';
import { readFileSync } from 'node:fs';
import { CORPUS } from './reports.js';
import type { HistoryStore } from '../../src/build-action/history/store/store.js';

const identity = (env: Record<string, string>, payload: object | null = null) =>
  buildIdentity({ ...env, ...(payload ? { GITHUB_EVENT_PATH: '/event.json' } : {}) }, () =>
    payload === null ? null : JSON.stringify(payload),
  );

const FORK_PR = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_HEAD_REF: 'main',
  GITHUB_BASE_REF: 'main',
  GITHUB_REF: 'refs/pull/123/merge',
  GITHUB_REF_NAME: '123/merge',
};

describe('buildIdentity', () => {
  it("a fork's pull request from a head branch named main is pr-123, compared with main", () => {
    expect(identity(FORK_PR, { number: 123, repository: { default_branch: 'main' } })).toEqual({
      branch: 'pr-123',
      baseline: 'main',
    });
  });

  it('every pull_request* event is a pull request; the payload names the number and the base', () => {
    for (const name of ['pull_request', 'pull_request_target', 'pull_request_review']) {
      expect(
        identity(
          { GITHUB_EVENT_NAME: name, GITHUB_HEAD_REF: 'main' },
          { pull_request: { number: 9, base: { ref: 'release-1' } }, repository: { default_branch: 'main' } },
        ),
      ).toEqual({ branch: 'pr-9', baseline: 'release-1' });
    }
  });

  it('without a payload: the number from GITHUB_REF, the base from GITHUB_BASE_REF', () => {
    expect(identity(FORK_PR)).toEqual({ branch: 'pr-123', baseline: 'main' });
    expect(identity({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'x' })).toEqual({
      branch: 'pr-unknown',
      baseline: 'main',
    });
  });

  it('a pull request is never the baseline, whatever the default branch is called', () => {
    expect(
      identity(
        { ...FORK_PR, GITHUB_BASE_REF: 'pr-123' },
        { number: 123, repository: { default_branch: 'pr-123' } },
      ),
    ).toEqual({ branch: 'pr-123-pull-request', baseline: 'pr-123' });
  });

  it('a push is its branch; the default branch from the payload', () => {
    expect(
      identity(
        { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '' },
        { repository: { default_branch: 'trunk' } },
      ),
    ).toEqual({ branch: 'main', baseline: 'trunk' });
    expect(identity({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1' })).toEqual({
      branch: 'v1',
      baseline: 'main',
    });
    // A payload that is not what it should be is no payload.
    expect(
      identity({ GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'dev' }, { repository: { default_branch: 7 } }),
    ).toEqual({ branch: 'dev', baseline: 'main' });
  });
});

describe("the whole action on a fork's pull request from main", () => {
  it('keeps the regression gates on and saves under pr-123, not main', async () => {
    const calls: string[] = [];
    const store: HistoryStore = {
      description: 'memory',
      restore: async (scopes) => {
        calls.push(`restore ${scopes.join(',')}`);
        return null;
      },
      save: async (scope) => (calls.push(`save ${scope}`), 'saved'),
    };
    const corpus = (file: string) => readFileSync(`${CORPUS}/01-multistage-clean/${file}`, 'utf8');
    const run = await runFaked(
      { context: '.', 'max-duration-increase': '+10%' },
      { lines: stderrLines(corpus('plain.log')) },
      { [`${WORKSPACE}/Dockerfile`]: corpus('Dockerfile') },
      { env: { GITHUB_WORKSPACE: WORKSPACE, ...FORK_PR }, historyStore: () => store },
    );
    expect(calls).toEqual(['restore pr-123,main', 'save pr-123']);
    expect(JSON.parse(run.recordText)).toMatchObject({ branch: 'pr-123' });
    // Gated: with no record of main yet, the gate passes and says why.
    expect(run.io.summary).toMatch(/No record of the default branch yet: the regression gates pass/);
  });
});

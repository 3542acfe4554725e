// Where a build's things are: the repository's Git context as build-push-action builds it, and the
// Dockerfile and context directory as buildx finds them (buildx/paths.ts).
// covers: src/build-action/buildx/paths.ts, src/github/run-environment.ts
import { describe, it, expect } from '@jest/globals';
import { defaultGitContext, locateDockerfile } from '../../../src/build-action/buildx/paths.js';
import {
  inWorkflowRun,
  runEnvironment,
  serverHost,
  workflowRunUrl,
} from '../../../src/github/run-environment.js';

const actions = runEnvironment(
  {
    GITHUB_WORKSPACE: '/home/runner/work/app/app',
    GITHUB_SERVER_URL: 'https://ghes.example.com',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_SHA: 'abc123',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '2',
  },
  '/home/runner/work/app/app',
);

describe('paths', () => {
  it('the default context is the repository at the commit, as build-push-action builds it', () => {
    expect(defaultGitContext(actions)).toBe('https://ghes.example.com/acme/app.git#abc123');
    expect(defaultGitContext(runEnvironment({}, '/src'))).toBe('.');
    const event = (ref: string) =>
      runEnvironment(
        {
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_SHA: 'c0ffee',
          GITHUB_REF: ref,
        },
        '/w',
      );
    expect(defaultGitContext(event('refs/pull/7/merge'))).toBe(
      'https://github.com/acme/app.git#refs/pull/7/merge',
    );
    expect(defaultGitContext(event('refs/heads/main'))).toBe('https://github.com/acme/app.git#c0ffee');
    expect(workflowRunUrl(actions)).toBe('https://ghes.example.com/acme/app/actions/runs/42/attempts/2');
    expect(serverHost(actions)).toBe('ghes.example.com');
    expect(inWorkflowRun(actions)).toBe(true);
    expect(inWorkflowRun(runEnvironment({ GITHUB_REPOSITORY: 'acme/app' }, '/w'))).toBe(false);
  });

  const git = defaultGitContext(actions);
  it.each<[string, string, string, string | null, string | null]>([
    [
      'local context, default Dockerfile',
      'app',
      '',
      '/home/runner/work/app/app/app/Dockerfile',
      'app/Dockerfile',
    ],
    [
      '--file is relative to the working directory, not the context',
      'app',
      'docker/app.Dockerfile',
      '/home/runner/work/app/app/docker/app.Dockerfile',
      'docker/app.Dockerfile',
    ],
    ['the Git context reads the checkout', git, '', '/home/runner/work/app/app/Dockerfile', 'Dockerfile'],
    [
      'the Git context with a subdirectory',
      `${git}:services/api`,
      '',
      '/home/runner/work/app/app/services/api/Dockerfile',
      'services/api/Dockerfile',
    ],
    [
      'a relative --file of the Git context is inside the context subdirectory',
      `${git}:services/api`,
      'docker/prod.Dockerfile',
      '/home/runner/work/app/app/services/api/docker/prod.Dockerfile',
      'services/api/docker/prod.Dockerfile',
    ],
    [
      'an absolute --file is read from this machine whatever the context',
      `${git}:services/api`,
      '/home/runner/work/app/app/ci/Dockerfile',
      '/home/runner/work/app/app/ci/Dockerfile',
      'ci/Dockerfile',
    ],
    ['a remote context cannot be read here', 'https://github.com/other/repo.git#main', '', null, null],
    [
      'a Dockerfile outside the workspace is not annotated',
      '/tmp/elsewhere',
      '',
      '/tmp/elsewhere/Dockerfile',
      null,
    ],
    ['a Dockerfile from stdin', '.', '-', null, null],
  ])('%s', (_name, context, file, absolute, repoRelative) => {
    const location = locateDockerfile(context, file, git, actions);
    expect([location.dockerfilePath, location.dockerfileRepoPath]).toEqual([absolute, repoRelative]);
  });
});

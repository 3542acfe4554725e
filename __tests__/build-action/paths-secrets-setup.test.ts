import { describe, it, expect } from '@jest/globals';
import { readInputs } from '../../src/build-action/inputs.js';
import { defaultGitContext, locateDockerfile } from '../../src/build-action/buildx/paths.js';
import {
  inWorkflowRun,
  runEnvironment,
  serverHost,
  workflowRunUrl,
} from '../../src/github/run-environment.js';
import { materializeSecrets, planSecrets, secretValues } from '../../src/build-action/buildx/secrets.js';
import { diagnoseSetupError } from '../../src/build-action/explain/setup-errors.js';

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
    expect([location.absolute, location.repoRelative]).toEqual([absolute, repoRelative]);
  });
});

describe('secrets', () => {
  const inputs = (values: Record<string, string>) => readInputs((name) => values[name] ?? '');

  it('plans env, value and file secrets, and the GitHub token for the Git context only', () => {
    const plans = planSecrets(
      inputs({
        secrets: 'A=1',
        'secret-envs': 'B=ENV_B',
        'secret-files': 'C=./c.txt',
        'github-token': 'ghs_t',
      }),
      {
        contextIsDefaultGit: true,
        serverHost: 'github.com',
      },
    );
    expect(plans.map((p) => [p.id, p.source.kind, p.input])).toEqual([
      ['B', 'env', 'secret-envs'],
      ['A', 'value', 'secrets'],
      ['C', 'file', 'secret-files'],
      ['GIT_AUTH_TOKEN.github.com', 'value', 'github-token'],
    ]);
    expect(secretValues(plans)).toEqual(['1', 'ghs_t']);
    expect(
      planSecrets(inputs({ 'github-token': 'ghs_t' }), {
        contextIsDefaultGit: false,
        serverHost: 'github.com',
      }),
    ).toEqual([]);
    expect(
      planSecrets(inputs({ 'github-token': 'ghs_t', secrets: 'GIT_AUTH_TOKEN=mine' }), {
        contextIsDefaultGit: true,
        serverHost: 'github.com',
      }).map((p) => p.id),
    ).toEqual(['GIT_AUTH_TOKEN']);
  });

  it("keeps the value after = as build-push-action does: commas and inner spaces, not the line's outer spaces", async () => {
    const written: string[] = [];
    const specs = await materializeSecrets(
      planSecrets(inputs({ secrets: 'K= a, b ' }), { contextIsDefaultGit: false, serverHost: 'github.com' }),
      {
        writeSecret: async (_id, value) => {
          written.push(value);
          return '/tmp/s1';
        },
        fileExists: async () => true,
      },
    );
    expect(written).toEqual([' a, b']);
    expect(specs).toEqual(['id=K,src=/tmp/s1']);
  });
});

describe('diagnoseSetupError', () => {
  it.each<[string | null, string, string | null]>([
    ['ENOENT', '', 'docker-missing'],
    [null, "docker: 'buildx' is not a docker command.\nSee 'docker --help'", 'buildx-missing'],
    [null, 'unknown command: docker buildx', 'buildx-missing'],
    [
      null,
      'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'daemon-unreachable',
    ],
    [
      null,
      'ERROR: failed to dial gRPC: dial unix /var/run/docker.sock: connect: permission denied',
      'daemon-unreachable',
    ],
    [null, 'ERROR: no builder "ci-builder" found', 'builder-not-found'],
    [null, "unknown flag: --call\nSee 'docker buildx build --help'.", 'buildx-too-old'],
    [
      null,
      'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      null,
    ],
  ])('%s / %j -> %s', (code, output, kind) => {
    expect(diagnoseSetupError(code, output.split('\n'))?.kind ?? null).toBe(kind);
  });

  it('names the builder and the flag', () => {
    expect(diagnoseSetupError(null, ['ERROR: no builder "ci-builder" found'])?.message).toContain(
      'docker buildx create --name ci-builder',
    );
    expect(diagnoseSetupError(null, ['unknown flag: --call'])?.title).toBe('buildx does not support --call');
  });
});

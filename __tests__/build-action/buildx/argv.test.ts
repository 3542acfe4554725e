import { describe, it, expect } from '@jest/globals';
import {
  buildxArgv,
  hasExporterType,
  resolveContext,
  type ArgvFacts,
} from '../../../src/build-action/buildx/argv.js';
import { readInputs } from '../../../src/build-action/inputs.js';

const facts: Omit<ArgvFacts, 'context'> = {
  iidFile: '/tmp/bg/iid.txt',
  metadataFile: '/tmp/bg/metadata.json',
  defaultContext: 'https://github.com/acme/app.git#0123abc',
  workflowRunUrl: 'https://github.com/acme/app/actions/runs/42/attempts/1',
  secretSpecs: [],
};

function argvFor(values: Record<string, string>, extra: Partial<ArgvFacts> = {}): string[] {
  const inputs = readInputs((name) => values[name] ?? '');
  const defaultContext = extra.defaultContext ?? facts.defaultContext;
  return buildxArgv(inputs, { ...facts, context: resolveContext(inputs.context, defaultContext), ...extra })
    .args;
}

/** The flags the action always passes, around whatever the inputs add (`after`: flags that follow --metadata-file). */
function withDefaults(flags: string[], context = facts.defaultContext, after: string[] = []): string[] {
  return [
    'buildx',
    'build',
    '--progress=plain',
    ...flags,
    '--metadata-file',
    facts.metadataFile,
    ...after,
    context,
  ];
}

// Flags that build-push-action places before --iidfile, and after it, in its order.
const IID = ['--iidfile', facts.iidFile];

describe('buildxArgv: one case per input', () => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['no inputs: git context, iidfile, metadata file', {}, withDefaults(IID)],
    [
      'add-hosts splits on commas and lines',
      { 'add-hosts': 'docker:10.180.0.1,db:10.0.0.2\nx:1.2.3.4' },
      withDefaults([
        '--add-host',
        'docker:10.180.0.1',
        '--add-host',
        'db:10.0.0.2',
        '--add-host',
        'x:1.2.3.4',
        ...IID,
      ]),
    ],
    [
      'allow',
      { allow: 'network.host,security.insecure' },
      withDefaults(['--allow', 'network.host', '--allow', 'security.insecure', ...IID]),
    ],
    [
      'annotations keep commas',
      { annotations: 'index:org.opencontainers.image.description=a, b\nmanifest:foo=bar' },
      withDefaults([
        '--annotation',
        'index:org.opencontainers.image.description=a, b',
        '--annotation',
        'manifest:foo=bar',
        ...IID,
      ]),
    ],
    [
      'attests keep commas; a bare boolean becomes disabled=',
      { attests: 'type=sbom,generator=image\ntype=custom,false' },
      withDefaults([
        ...IID,
        '--attest',
        'type=sbom,generator=image',
        '--attest',
        'type=custom,disabled=true',
      ]),
    ],
    [
      'build-args keep commas',
      { 'build-args': 'LIST=a,b,c\nNAME=x' },
      withDefaults(['--build-arg', 'LIST=a,b,c', '--build-arg', 'NAME=x', ...IID]),
    ],
    [
      'build-contexts resolve {{defaultContext}}',
      { 'build-contexts': 'shared={{defaultContext}}:shared\nalpine=docker-image://alpine:3' },
      withDefaults([
        '--build-context',
        `shared=${facts.defaultContext}:shared`,
        '--build-context',
        'alpine=docker-image://alpine:3',
        ...IID,
      ]),
    ],
    ['builder', { builder: 'ci-builder' }, withDefaults([...IID, '--builder', 'ci-builder'])],
    [
      'cache-from keeps commas',
      { 'cache-from': 'type=gha,scope=main\nuser/app:cache' },
      withDefaults(['--cache-from', 'type=gha,scope=main', '--cache-from', 'user/app:cache', ...IID]),
    ],
    [
      'cache-to keeps commas',
      { 'cache-to': 'type=local,dest=/tmp/cache,mode=max' },
      withDefaults(['--cache-to', 'type=local,dest=/tmp/cache,mode=max', ...IID]),
    ],
    ['call', { call: 'check' }, withDefaults(['--call', 'check', ...IID])],
    ['cgroup-parent', { 'cgroup-parent': '/actions' }, withDefaults(['--cgroup-parent', '/actions', ...IID])],
    ['context (a path replaces the git context)', { context: './app' }, withDefaults(IID, './app')],
    [
      'context with {{defaultContext}} and a subdirectory',
      { context: '{{ defaultContext }}:docker' },
      withDefaults(IID, `${facts.defaultContext}:docker`),
    ],
    ['file', { file: 'docker/app.Dockerfile' }, withDefaults(['--file', 'docker/app.Dockerfile', ...IID])],
    ['github-token alone adds no flag (secrets carry it)', { 'github-token': 'ghs_x' }, withDefaults(IID)],
    [
      'labels keep commas',
      { labels: 'org.opencontainers.image.title=a,b\nteam=core' },
      withDefaults([...IID, '--label', 'org.opencontainers.image.title=a,b', '--label', 'team=core']),
    ],
    ['load', { load: 'true' }, withDefaults([...IID, '--load'])],
    ['network', { network: 'none' }, withDefaults(IID, facts.defaultContext, ['--network', 'none'])],
    ['no-cache', { 'no-cache': 'True' }, withDefaults(IID, facts.defaultContext, ['--no-cache'])],
    [
      'no-cache-filters split on commas',
      { 'no-cache-filters': 'build,test' },
      withDefaults([...IID, '--no-cache-filter', 'build', '--no-cache-filter', 'test']),
    ],
    [
      'outputs keep quotes and commas; no iidfile for a local exporter',
      { outputs: 'type=local,dest="./out"' },
      withDefaults(['--output', 'type=local,dest="./out"']),
    ],
    [
      'outputs: tar exporter also drops the iidfile',
      { outputs: 'type=tar,dest=out.tar' },
      withDefaults(['--output', 'type=tar,dest=out.tar']),
    ],
    [
      'outputs: registry keeps the iidfile',
      { outputs: 'type=registry' },
      withDefaults([...IID, '--output', 'type=registry']),
    ],
    [
      'platforms are joined with commas',
      { platforms: 'linux/amd64\nlinux/arm64' },
      withDefaults([...IID, '--platform', 'linux/amd64,linux/arm64']),
    ],
    [
      'provenance true gets the run as builder-id',
      { provenance: 'true' },
      withDefaults([...IID, '--attest', `type=provenance,builder-id=${facts.workflowRunUrl}`]),
    ],
    [
      'provenance false disables it',
      { provenance: 'false' },
      withDefaults([...IID, '--attest', 'type=provenance,disabled=true']),
    ],
    [
      'provenance attributes get a builder-id unless given',
      { provenance: 'mode=max' },
      withDefaults([...IID, '--attest', `type=provenance,mode=max,builder-id=${facts.workflowRunUrl}`]),
    ],
    [
      'provenance input wins over attests provenance',
      { provenance: 'mode=min,builder-id=me', attests: 'type=provenance,mode=max' },
      withDefaults([...IID, '--attest', 'type=provenance,mode=min,builder-id=me']),
    ],
    [
      'attests provenance gets a builder-id',
      { attests: 'type=provenance,mode=max' },
      withDefaults([...IID, '--attest', `type=provenance,mode=max,builder-id=${facts.workflowRunUrl}`]),
    ],
    ['pull', { pull: 'true' }, withDefaults(IID, facts.defaultContext, ['--pull'])],
    ['push', { push: 'true' }, withDefaults(IID, facts.defaultContext, ['--push'])],
    ['sbom', { sbom: 'true' }, withDefaults([...IID, '--attest', 'type=sbom,disabled=false'])],
    [
      'sbom input wins over attests sbom',
      { sbom: 'generator=x', attests: 'type=sbom' },
      withDefaults([...IID, '--attest', 'type=sbom,generator=x']),
    ],
    ['shm-size', { 'shm-size': '2g' }, withDefaults([...IID, '--shm-size', '2g'])],
    [
      'ssh splits on commas',
      { ssh: 'default,github=/k' },
      withDefaults([...IID, '--ssh', 'default', '--ssh', 'github=/k']),
    ],
    [
      'tags split on commas and lines',
      { tags: 'acme/app:1,acme/app:latest\nghcr.io/acme/app:1' },
      withDefaults([
        ...IID,
        '--tag',
        'acme/app:1',
        '--tag',
        'acme/app:latest',
        '--tag',
        'ghcr.io/acme/app:1',
      ]),
    ],
    ['target', { target: 'runtime' }, withDefaults([...IID, '--target', 'runtime'])],
    [
      'ulimit keeps commas',
      { ulimit: 'nofile=1024:1024\nnproc=64' },
      withDefaults([...IID, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=64']),
    ],
    [
      'annotations: true is the PR-annotation switch, not an image annotation',
      { annotations: 'true' },
      withDefaults(IID),
    ],
    [
      'our gate inputs add no flag',
      {
        summary: 'false',
        'min-cache-hit-ratio': '0.5',
        'max-duration': '10m',
        'max-context-size': '200MB',
        'fail-on-warnings': 'true',
      },
      withDefaults(IID),
    ],
  ];

  it.each(cases)('%s', (_name, values, expected) => {
    expect(argvFor(values)).toEqual(expected);
  });

  it('places resolved secrets as --secret, never their values (secrets, secret-envs, secret-files)', () => {
    const args = argvFor(
      { secrets: 'NPM_TOKEN=s3cr3t' },
      { secretSpecs: ['id=NPM_TOKEN,src=/tmp/bg/secrets/1', 'id=AWS,env=AWS_KEY'] },
    );
    expect(args).toEqual(
      withDefaults([
        ...IID,
        '--secret',
        'id=NPM_TOKEN,src=/tmp/bg/secrets/1',
        '--secret',
        'id=AWS,env=AWS_KEY',
      ]),
    );
    expect(args.join(' ')).not.toContain('s3cr3t');
  });

  it('orders everything as build-push-action does, context last', () => {
    const args = argvFor({
      context: '.',
      tags: 'a',
      'build-args': 'X=1',
      push: 'true',
      network: 'none',
      builder: 'b',
      'no-cache': 'true',
      pull: 'true',
      load: 'true',
    });
    expect(args).toEqual([
      'buildx',
      'build',
      '--progress=plain',
      '--build-arg',
      'X=1',
      ...IID,
      '--tag',
      'a',
      '--builder',
      'b',
      '--load',
      '--metadata-file',
      facts.metadataFile,
      '--network',
      'none',
      '--no-cache',
      '--pull',
      '--push',
      '.',
    ]);
  });

  it('never builds a shell string: values with spaces and quotes stay one argument', () => {
    const args = argvFor({ 'build-args': 'MSG=hello "world"; rm -rf /', context: 'dir with space' });
    expect(args).toContain('MSG=hello "world"; rm -rf /');
    expect(args[args.length - 1]).toBe('dir with space');
  });
});

describe('hasExporterType', () => {
  it.each([
    [['type=local,dest=out'], 'local', true],
    [['./out'], 'local', true],
    [['type=docker'], 'local', false],
    [['type=image,push=true', 'type=tar,dest=x.tar'], 'tar', true],
    [[], 'local', false],
  ])('%j has %s: %s', (outputs, type, expected) => {
    expect(hasExporterType(type, outputs)).toBe(expected);
  });
});

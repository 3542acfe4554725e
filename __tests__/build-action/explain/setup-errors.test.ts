// Failures before BuildKit builds anything, told from the spawn error and buildx's last lines
// (explain/setup-errors.ts).
import { describe, it, expect } from '@jest/globals';
import { diagnoseSetupError } from '../../../src/build-action/explain/setup-errors.js';

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
    [
      null,
      'error during connect: Get "http://docker:2375/v1.24/info": dial tcp: lookup docker on 127.0.0.11:53: no such host',
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

describe('diagnoseSetupError: the daemon it could not reach is named', () => {
  it.each([
    [
      'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      '(unix:///var/run/docker.sock)',
    ],
    [
      'error during connect: Head "https://10.0.0.5:2376/_ping": dial tcp 10.0.0.5:2376: i/o timeout',
      '(https://10.0.0.5:2376/_ping)',
    ],
    [
      'dial unix /run/user/1000/docker.sock: connect: no such file or directory',
      '(/run/user/1000/docker.sock)',
    ],
  ])('%s', (line, named) => {
    expect(diagnoseSetupError(null, [line])?.message).toContain(named);
  });

  it('reads a long line of repeated openers in one pass', () => {
    const hostile =
      'error during connect: '.repeat(20_000) + 'Cannot connect to the Docker daemon at '.repeat(5_000);
    const started = process.hrtime.bigint();
    diagnoseSetupError(null, [hostile]);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});

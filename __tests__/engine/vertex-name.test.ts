// covers: src/engine/vertex-name.ts, src/engine/normalize.ts, src/engine/warning-text.ts
import { describe, expect, it } from '@jest/globals';
import { LineNormalizer } from '../../src/engine/normalize.js';
import { isBuildContextVertex, isExportVertex, parseVertexName } from '../../src/engine/vertex-name.js';
import { parseWarningText } from '../../src/engine/warning-text.js';

describe('parseVertexName', () => {
  it.each([
    [
      '[build 2/5] RUN make',
      { kind: 'instruction', stage: 'build', platform: null, instruction: 'RUN', index: 2, total: 5 },
    ],
    [
      '[2/5] COPY . .',
      { kind: 'instruction', stage: null, platform: null, instruction: 'COPY', index: 2, total: 5 },
    ],
    ['[ 8/14] RUN x', { kind: 'instruction', stage: null, instruction: 'RUN', index: 8, total: 14 }],
    ['[build  8/14] RUN x', { kind: 'instruction', stage: 'build', index: 8, total: 14 }],
    [
      '[linux/arm64 builder 3/5] RUN go build',
      { stage: 'builder', platform: 'linux/arm64', instruction: 'RUN' },
    ],
    ['[linux/amd64->arm64 builder 3/5] RUN go build', { stage: 'builder', platform: 'linux/amd64->arm64' }],
    ['[linux/arm/v7 2/3] RUN x', { stage: null, platform: 'linux/arm/v7', index: 2 }],
    ['[web builder 2/3] RUN npm ci', { stage: 'builder', platform: null, instruction: 'RUN' }],
    ['[stage-1 3/3] ONBUILD RUN echo', { instruction: 'RUN', stage: 'stage-1' }],
    ['[runtime 2/2] LINK COPY --link /a /b', { instruction: 'COPY' }],
    ['[deps 1/4] FROM docker.io/local/busybox-full:1', { instruction: 'FROM', kind: 'instruction' }],
    ['[internal] load build context', { kind: 'internal', stage: null, platform: null, instruction: null }],
    [
      '[linux/amd64 internal] load metadata for docker.io/library/alpine:3.19',
      { kind: 'internal', platform: 'linux/amd64' },
    ],
    ['[web internal] load build definition from Dockerfile', { kind: 'internal', platform: null }],
    ['exporting to image', { kind: 'other', instruction: null }],
    ['[auth] library/alpine:pull token for registry-1.docker.io', { kind: 'other' }],
    ['[web] exporting to image', { kind: 'other' }],
    ['[1/2] 123', { kind: 'other' }],
    ['[', { kind: 'other' }],
    ['[]', { kind: 'other' }],
  ])('%s', (name, expected) => {
    expect(parseVertexName(name)).toMatchObject(expected);
  });

  it('recognises the build-context and export vertices', () => {
    expect(
      isBuildContextVertex('[internal] load build context', parseVertexName('[internal] load build context')),
    ).toBe(true);
    expect(
      isBuildContextVertex(
        '[web internal] load build context',
        parseVertexName('[web internal] load build context'),
      ),
    ).toBe(true);
    expect(
      isBuildContextVertex('[internal] load .dockerignore', parseVertexName('[internal] load .dockerignore')),
    ).toBe(false);
    expect(isExportVertex('exporting to image')).toBe(true);
    expect(isExportVertex('[web] exporting to image')).toBe(true);
    expect(isExportVertex('exporting cache to registry')).toBe(true);
    expect(isExportVertex('[2/2] RUN exporting to image')).toBe(false);
  });
});

describe('LineNormalizer', () => {
  const normalizer = new LineNormalizer();
  it.each([
    ['2024-05-01T12:00:00.1234567Z #1 DONE 0.1s', '#1 DONE 0.1s', '2024-05-01T12:00:00.1234567Z', false],
    ['2024-05-01T12:00:00Z ERROR: x', 'ERROR: x', '2024-05-01T12:00:00Z', false],
    ['2024-05-01T12:00:00.123+02:00 x', 'x', '2024-05-01T12:00:00.123+02:00', false],
    ['\x1b[31mERROR\x1b[0m: x', 'ERROR: x', null, true],
    ['\x1b[?25l\x1b[2K\x1b[1A => [1/2] FROM a  0.1s', ' => [1/2] FROM a  0.1s', null, false],
    ['\x1b[0m\x1b[34m => [1/2] FROM a  0.1s', ' => [1/2] FROM a  0.1s', null, true],
    ['\x1b[2m => => # output\x1b[0m', ' => => # output', null, false],
    ['\x1b]8;;http://x\x07link\x1b]8;;\x07', 'link', null, false],
    ['2024-05-01 not a timestamp', '2024-05-01 not a timestamp', null, false],
    [
      '#1 0.100 2024-05-01T12:00:00Z inside output',
      '#1 0.100 2024-05-01T12:00:00Z inside output',
      null,
      false,
    ],
  ])('%j', (line, text, timestamp, coloured) => {
    expect({ ...normalizer.normalize(line) }).toEqual({ text, timestamp, coloured });
  });
});

describe('parseWarningText', () => {
  it.each([
    [
      "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
      { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 1 },
    ],
    [
      'JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 12)',
      { rule: 'JSONArgsRecommended', line: 12 },
    ],
    ["UndefinedVar: Usage of undefined variable '$FOO'", { rule: 'UndefinedVar', line: null }],
    ['something odd', { rule: 'WARN', message: 'something odd', line: null }],
  ])('%s', (text, expected) => {
    expect(parseWarningText(text)).toMatchObject(expected);
  });
});

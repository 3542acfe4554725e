import { describe, expect, it } from '@jest/globals';
import { parseDockerfile } from '../../../../src/engine/index.js';
import { proposeDockerignore } from '../../../../src/build-action/history/record/dockerignore-advice.js';

const NODE = `FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n`;

function propose(
  dockerfile: string,
  files: string[],
  sizes: Record<string, number> = {},
  buildArgNames: string[] = [],
) {
  return proposeDockerignore({
    dockerfile: parseDockerfile(dockerfile),
    changes: files.map((path) => ({ path, change: 'modified' as const })),
    sizes: new Map(Object.entries(sizes)),
    buildArgNames,
  }).map((p) => p.pattern);
}

describe('proposeDockerignore', () => {
  it.each([
    ['docs and CI config', NODE, ['docs/guide.md', '.github/workflows/ci.yml'], ['docs', '.github']],
    ['a markdown file, but never the README', NODE, ['CHANGELOG.md', 'README.md'], ['CHANGELOG.md']],
    ['.git when nothing reads it', NODE, ['.git/index'], ['.git']],
    ['no .git when the build runs git', `${NODE}RUN git describe --tags > /version\n`, ['.git/index'], []],
    [
      'no .git when go build embeds VCS data',
      `FROM golang:1\nCOPY . .\nRUN go build ./...\n`,
      ['.git/HEAD'],
      [],
    ],
    [
      '.git when go build has -buildvcs=false',
      `FROM golang:1\nCOPY . .\nRUN go build -buildvcs=false ./...\n`,
      ['.git/HEAD'],
      ['.git'],
    ],
    [
      'tests when the build does not run them',
      NODE,
      ['test/a.test.js', 'src/b.test.ts'],
      ['test', 'src/b.test.ts'],
    ],
    ['no tests when the build runs them', `${NODE}RUN npm test\n`, ['test/a.test.js', 'src/b.test.ts'], []],
    ['never source code or manifests', NODE, ['src/index.js', 'package.json', 'package-lock.json'], []],
    ['nothing the Dockerfile names', `${NODE}COPY docs/openapi.yaml /srv/\n`, ['docs/openapi.yaml'], []],
    ['a large data file', NODE, ['data/dump.sql', 'data/small.csv'], ['data/dump.sql']],
    [
      'the Dockerfile itself',
      NODE,
      ['Dockerfile', 'docker-compose.yml'],
      ['Dockerfile', 'docker-compose.yml'],
    ],
  ])('%s', (_name, dockerfile, files, expected) => {
    expect(propose(dockerfile, files, { 'data/dump.sql': 80_000_000, 'data/small.csv': 1000 })).toEqual(
      expected,
    );
  });

  it('no .git with BUILDKIT_CONTEXT_KEEP_GIT_DIR', () => {
    expect(propose(NODE, ['.git/index'], {}, ['BUILDKIT_CONTEXT_KEEP_GIT_DIR'])).toEqual([]);
  });
});

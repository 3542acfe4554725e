import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { findCacheBusts, type CacheBustFacts } from '../../../src/build-action/explain/cache-bust.js';
import { parseDockerfile } from '../../../src/engine/dockerfile.js';
import type { BuildReport, StepReport } from '../../../src/engine/report.js';
import { CORPUS, clean01, partial03, step } from '../reports.js';

const facts: CacheBustFacts = { hasDockerignore: true, noCache: false, noCacheStages: [] };

function warmReport(steps: StepReport[], extra: Partial<BuildReport['totals']> = {}): BuildReport {
  const instructions = steps.filter((s) => s.kind === 'instruction');
  const cached = instructions.filter((s) => s.status === 'cached').length;
  return {
    ...clean01,
    steps,
    totals: {
      ...clean01.totals,
      instructionSteps: instructions.length,
      fromSteps: instructions.filter((s) => s.instruction === 'FROM').length,
      cachedInstructionSteps: cached,
      cachedSteps: cached,
      ...extra,
    },
  };
}

const NODE_APP = [
  'FROM node:20-alpine',
  'WORKDIR /app',
  'COPY . .',
  'RUN npm ci',
  'RUN npm run build',
  'CMD ["node", "dist/index.js"]',
].join('\n');

describe('findCacheBusts', () => {
  it('corpus 03: the late COPY of a changed config file is where runtime stopped hitting the cache', () => {
    const dockerfile = parseDockerfile(
      readFileSync(`${CORPUS}/03-multistage-partial-late-copy/Dockerfile`, 'utf8'),
    );
    const findings = findCacheBusts(dockerfile, partial03, facts);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'cache-bust', level: 'notice', line: 20, stage: 'runtime' });
    expect(findings[0].message).toContain(
      '`COPY config.ini /app/config.ini` (line 20): files it copies from the build context changed',
    );
  });

  it('a cold build has no cache to lose (corpus 01)', () => {
    const dockerfile = parseDockerfile(readFileSync(`${CORPUS}/01-multistage-clean/Dockerfile`, 'utf8'));
    expect(findCacheBusts(dockerfile, clean01, facts)).toEqual([]);
  });

  it('a stage whose FROM is reported cached (engine 26) but whose first step ran is cold, not busted', () => {
    const report = warmReport([
      step({ name: '[1/3] FROM docker.io/local/busybox-full:1', status: 'cached' }),
      step({ name: '[2/3] WORKDIR /app', status: 'done', durationMs: 1000 }),
      step({ name: '[3/3] COPY run-tests.sh ./', status: 'done' }),
    ]);
    expect(
      findCacheBusts(
        parseDockerfile('FROM local/busybox-full:1\nWORKDIR /app\nCOPY run-tests.sh ./\n'),
        report,
        facts,
      ),
    ).toEqual([]);
  });

  it('COPY . . before npm ci: names both lines and says to copy the lockfile first', () => {
    const report = warmReport([
      step({ name: '[1/4] FROM docker.io/library/node:20-alpine', status: 'done' }),
      step({ name: '[2/4] WORKDIR /app', status: 'cached' }),
      step({ name: '[3/4] COPY . .', status: 'done', durationMs: 300 }),
      step({ name: '[4/4] RUN npm ci', status: 'done', durationMs: 31_000 }),
      step({ name: '[5/5] RUN npm run build', status: 'done', durationMs: 9_000 }),
    ]);
    const findings = findCacheBusts(parseDockerfile(NODE_APP), report, facts);
    expect(findings.map((f) => f.kind)).toEqual(['cache-bust']);
    expect(findings[0]).toMatchObject({ level: 'warning', line: 3, rerunMs: 40_300 });
    expect(findings[0].message).toContain('2 later steps in this stage reran with it (40.3s in all)');
    expect(findings[0].message).toContain(
      '`COPY . .` (line 3) comes before `RUN npm ci` (line 4), so every source change reinstalls dependencies: copy the lockfile first (COPY package.json package-lock.json ./)',
    );
  });

  it('flags the install order statically on a cold build too, and not when the lockfile goes first', () => {
    const cold = warmReport([step({ name: '[1/4] FROM docker.io/library/node:20-alpine', status: 'done' })]);
    const findings = findCacheBusts(parseDockerfile(NODE_APP), cold, facts);
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'install-after-source-copy', line: 3, level: 'warning' }),
    ]);
    const good =
      'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n';
    expect(findCacheBusts(parseDockerfile(good), cold, facts)).toEqual([]);
  });

  it.each([
    ['RUN yarn install --frozen-lockfile', 'package.json yarn.lock'],
    ['RUN pnpm install', 'package.json pnpm-lock.yaml'],
    ['RUN pip install --no-cache-dir -r requirements.txt', 'requirements.txt'],
    ['RUN poetry install --no-root', 'pyproject.toml poetry.lock'],
    ['RUN go mod download', 'go.mod go.sum'],
    ['RUN bundle install', 'Gemfile Gemfile.lock'],
    ['RUN cargo fetch', 'Cargo.toml Cargo.lock'],
    ['RUN mvn -B dependency:go-offline', 'pom.xml'],
    ['RUN composer install --no-dev', 'composer.json composer.lock'],
  ])('recognises %s and names %s', (install, manifests) => {
    const findings = findCacheBusts(
      parseDockerfile(`FROM base:1\nCOPY src/ /src/\n${install}\n`),
      clean01,
      facts,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`copy the lockfile first (COPY ${manifests} ./)`);
  });

  it('apt-get after a source copy: move the install above the COPY', () => {
    const findings = findCacheBusts(
      parseDockerfile('FROM debian:12\nCOPY . /src\nRUN apt-get update && apt-get install -y make\n'),
      clean01,
      facts,
    );
    expect(findings[0].message).toContain(
      'so every source change reinstalls system packages: move the apt-get install above the COPY',
    );
  });

  it('a RUN that reran after cached steps points at the build argument it uses', () => {
    const dockerfile = parseDockerfile(
      'FROM alpine:3 AS app\nWORKDIR /app\nARG VERSION\nRUN echo $VERSION > /version\nRUN sleep 1\n',
    );
    const report = warmReport([
      step({ name: '[app 1/4] FROM docker.io/library/alpine:3', status: 'cached' }),
      step({ name: '[app 2/4] WORKDIR /app', status: 'cached' }),
      step({ name: '[app 3/4] RUN echo 1.2.3 > /version', status: 'done', durationMs: 50 }),
      step({ name: '[app 4/4] RUN sleep 1', status: 'done', durationMs: 1000 }),
    ]);
    const findings = findCacheBusts(dockerfile, report, facts);
    expect(findings).toEqual([expect.objectContaining({ kind: 'cache-bust', line: 4, stage: 'app' })]);
    expect(findings[0].message).toContain('the command changed, or the value of ARG VERSION it uses changed');
  });

  it('a stage whose FROM is reported cached (engine 26) but whose first step ran is cold, not busted', () => {
    const report = warmReport([
      step({ name: '[1/3] FROM docker.io/local/busybox-full:1', status: 'cached' }),
      step({ name: '[2/3] WORKDIR /app', status: 'done', durationMs: 1000 }),
      step({ name: '[3/3] COPY run-tests.sh ./', status: 'done' }),
    ]);
    const dockerfile = parseDockerfile('FROM local/busybox-full:1\nWORKDIR /app\nCOPY run-tests.sh ./\n');
    expect(findCacheBusts(dockerfile, report, facts)).toEqual([]);
  });

  it('reports the cause once, not the stages that only rebuilt because of it', () => {
    const dockerfile = parseDockerfile(readFileSync(`${CORPUS}/01-multistage-clean/Dockerfile`, 'utf8'));
    const report = warmReport([
      step({ name: '[deps 1/4] FROM docker.io/local/busybox-full:1', status: 'done' }),
      step({ name: '[deps 2/4] WORKDIR /src', status: 'cached' }),
      step({ name: '[deps 3/4] COPY deps.txt ./', status: 'done' }),
      step({
        name: '[deps 4/4] RUN echo "resolving dependencies..."  && while read',
        status: 'done',
        durationMs: 2000,
      }),
      step({ name: '[build 1/3] COPY src/ ./src/', status: 'done' }),
      step({ name: '[build 2/3] RUN mkdir -p /out', status: 'done' }),
      step({ name: '[build 3/3] COPY VERSION /out/VERSION', status: 'done' }),
      step({ name: '[runtime 1/4] FROM docker.io/local/busybox:1', status: 'done' }),
      step({ name: '[runtime 2/4] WORKDIR /app', status: 'cached' }),
      step({ name: '[runtime 3/4] COPY --from=build /out/ /app/', status: 'done' }),
      step({ name: '[runtime 4/4] COPY config.ini /app/config.ini', status: 'done' }),
    ]);
    const findings = findCacheBusts(dockerfile, report, facts);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([['cache-bust', 3]]);
  });

  it('no-cache and no-cache-filters rerun on purpose: no bust findings', () => {
    expect(
      findCacheBusts(
        parseDockerfile(readFileSync(`${CORPUS}/03-multistage-partial-late-copy/Dockerfile`, 'utf8')),
        partial03,
        { ...facts, noCache: true },
      ),
    ).toEqual([]);
    expect(
      findCacheBusts(
        parseDockerfile(readFileSync(`${CORPUS}/03-multistage-partial-late-copy/Dockerfile`, 'utf8')),
        partial03,
        { ...facts, noCacheStages: ['Runtime'] },
      ),
    ).toEqual([]);
  });

  it('flags base images without a tag or with :latest only', () => {
    const dockerfile = parseDockerfile(
      [
        'FROM node',
        'FROM node:latest AS b',
        'FROM node:20',
        'FROM ghcr.io/acme/base@sha256:abc',
        'FROM scratch',
        'ARG X',
        'FROM $X',
        'FROM b',
        'FROM registry:5000/team/img',
      ].join('\n'),
    );
    const findings = findCacheBusts(dockerfile, clean01, facts);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([
      ['unpinned-base-image', 1],
      ['unpinned-base-image', 2],
      ['unpinned-base-image', 9],
    ]);
    expect(findings[0].message).toContain('`FROM node` (line 1) has no tag, so it means :latest');
    expect(findings[1].message).toContain('uses :latest');
  });

  it('flags a large context only without a .dockerignore', () => {
    const big = { ...clean01, totals: { ...clean01.totals, contextBytes: 120_000_000 } };
    expect(findCacheBusts(null, big, { ...facts, hasDockerignore: false })).toEqual([
      expect.objectContaining({ kind: 'large-context-without-dockerignore', level: 'warning', line: null }),
    ]);
    expect(findCacheBusts(null, big, { ...facts, hasDockerignore: false })[0].message).toContain(
      'sent 120.0 MB',
    );
    expect(findCacheBusts(null, big, facts)).toEqual([]);
    expect(findCacheBusts(null, clean01, { ...facts, hasDockerignore: false })).toEqual([]);
    expect(
      findCacheBusts(null, big, { ...facts, hasDockerignore: false, largeContextBytes: 200_000_000 }),
    ).toEqual([]);
  });
});

describe('why a step after cached ones ran: no guessing', () => {
  const dockerfile = parseDockerfile('FROM alpine:3\nWORKDIR /app\nRUN ./fetch-deps.sh\nRUN make\n');
  const cachedHead = [
    step({ name: '[1/4] FROM docker.io/library/alpine:3', status: 'cached' }),
    step({ name: '[2/4] WORKDIR /app', status: 'cached' }),
  ];

  it('one build: names both causes a log cannot tell apart, the command changing and no cache yet', () => {
    const report = warmReport([
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'done', durationMs: 800 }),
      step({ name: '[4/4] RUN make', status: 'done', durationMs: 200 }),
    ]);
    const [finding] = findCacheBusts(dockerfile, report, facts);
    expect(finding).toMatchObject({ kind: 'cache-bust', line: 3 });
    expect(finding.message).toContain('the command or an ENV value it uses changed, or no earlier build');
    expect(finding.message).toContain('no cache yet, e.g. the last build failed at or before this step');
    expect(finding.message).not.toContain('changed since the cached build');
  });

  it('the step failed in an earlier build in the same log (a retry): no cache yet, not a change', () => {
    const report = warmReport([
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'error', error: 'exit code: 6' }),
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'done', durationMs: 800 }),
      step({ name: '[4/4] RUN make', status: 'done', durationMs: 200 }),
    ]);
    const finding = findCacheBusts(dockerfile, report, facts).find((f) => f.kind === 'cache-bust');
    expect(finding?.message).toContain(
      'no cache yet: in the earlier build in this log this step failed, and a step that did not complete is never cached',
    );
    expect(finding?.message).not.toContain('command');
  });

  it('the step never ran in the earlier build (cancelled): no cache yet', () => {
    const report = warmReport([
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'cancelled', error: 'context canceled' }),
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'done', durationMs: 800 }),
    ]);
    const finding = findCacheBusts(dockerfile, report, facts).find((f) => f.kind === 'cache-bust');
    expect(finding?.message).toContain(
      'no cache yet: in the earlier build in this log this step was cancelled',
    );
  });

  it('the step completed in the earlier build in the same log: it changed since', () => {
    const report = warmReport([
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'done', durationMs: 800 }),
      ...cachedHead,
      step({ name: '[3/4] RUN ./fetch-deps.sh', status: 'done', durationMs: 800 }),
    ]);
    const finding = findCacheBusts(dockerfile, report, facts).find((f) => f.kind === 'cache-bust');
    expect(finding?.message).toContain(
      'the command or an ENV value it uses changed since the earlier build in this log',
    );
    expect(finding?.message).not.toContain('no cache yet');
  });
});

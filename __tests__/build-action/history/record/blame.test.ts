// Cache-miss blame by table: each row is a recorded build and the next one, with what really
// changed between them, and the cause and cost the blame must name.
import { describe, expect, it } from '@jest/globals';
import type { BuildReport } from '../../../../src/engine/index.js';
import { blameCacheMisses, type BlameCause } from '../../../../src/build-action/history/record/blame.js';
import { describeCause } from '../../../../src/build-action/history/render.js';
import {
  parseRecord,
  serializeRecord,
  shortHash,
} from '../../../../src/build-action/history/record/record.js';
import { fingerprint, recordOf, reportOf, type StepSpec } from '../helpers.js';

const APP = `FROM local/node:20 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
ARG NODE_ENV=production
RUN npm ci

FROM deps AS build
ENV BUILD_MODE=release LOG=1
COPY . .
RUN npm run build

FROM local/node:20 AS runtime
COPY --from=build /app/dist /srv
CMD ["node", "/srv/index.js"]
`;

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

function steps(over: Partial<Record<string, 'done' | 'cached'>>, digest = DIGEST_A): StepSpec[] {
  const all: Array<[string, number]> = [
    [`[deps 1/4] FROM docker.io/local/node:20@${digest}`, 0.5],
    ['[deps 2/4] WORKDIR /app', 0.1],
    ['[deps 3/4] COPY package.json package-lock.json ./', 0.2],
    ['[deps 4/4] RUN npm ci', 20],
    ['[build 1/2] COPY . .', 1],
    ['[build 2/2] RUN npm run build', 30],
    [`[runtime 1/2] FROM docker.io/local/node:20@${digest}`, 0.5],
    ['[runtime 2/2] COPY --from=build /app/dist /srv', 2],
  ];
  return all.map(([name, seconds]) => ({ name, seconds, status: over[name] ?? 'cached' }));
}

const baseFiles = { 'package.json': 'p1', 'package-lock.json': 'l1' };
const appFiles = { 'package.json': 'p1', 'package-lock.json': 'l1', 'src/index.js': 'i1', 'README.md': 'r1' };

function previousRecord(options: { buildArgs?: string[]; dockerfile?: string } = {}) {
  const text = options.dockerfile ?? APP;
  const { dockerfile } = recordOf(text, reportOf(steps({})));
  return recordOf(text, reportOf(steps({})), {
    buildArgs: options.buildArgs ?? [],
    sources: [fingerprint(dockerfile, 3, baseFiles), fingerprint(dockerfile, 9, appFiles)],
  }).record;
}

/** Blame of a build of APP (its report, no fingerprints) against previousRecord(). */
function blameAgainstPrevious(report: BuildReport, noCacheStages: string[] = []) {
  const { dockerfile, record } = recordOf(APP, report);
  return blameCacheMisses({
    dockerfile,
    report,
    current: record,
    previous: previousRecord(),
    noCache: false,
    noCacheStages,
  });
}

interface Row {
  name: string;
  dockerfile?: string;
  ran: string[];
  files?: Record<string, string>;
  buildArgs?: string[];
  previousArgs?: string[];
  previousDockerfile?: string;
  digest?: string;
  noPrevious?: boolean;
  expect: Array<{
    stage: string;
    cause: BlameCause['kind'];
    line: number;
    costMs: number;
    totalCostMs?: number;
    text?: RegExp;
  }>;
}

const ROWS: Row[] = [
  {
    name: 'a source file changed: COPY . . names it, its stage and the stage copying from it reran',
    ran: [
      '[build 1/2] COPY . .',
      '[build 2/2] RUN npm run build',
      '[runtime 2/2] COPY --from=build /app/dist /srv',
    ],
    files: { ...appFiles, 'src/index.js': 'i2' },
    expect: [
      {
        stage: 'build',
        cause: 'files',
        line: 9,
        costMs: 31_000,
        totalCostMs: 33_000,
        text: /1 file it copies changed: src\/index\.js/,
      },
      { stage: 'runtime', cause: 'stage', line: 13, costMs: 2000, text: /stage build/ },
    ],
  },
  {
    name: 'a file added and one removed',
    ran: ['[build 1/2] COPY . .', '[build 2/2] RUN npm run build'],
    files: { 'package.json': 'p1', 'package-lock.json': 'l1', 'src/index.js': 'i1', 'src/new.js': 'n1' },
    expect: [
      {
        stage: 'build',
        cause: 'files',
        line: 9,
        costMs: 31_000,
        text: /2 files .*README\.md \(removed\), src\/new\.js \(added\)/,
      },
    ],
  },
  {
    name: 'a build-arg value changed: the RUN after the ARG reran',
    ran: ['[deps 4/4] RUN npm ci', '[build 1/2] COPY . .', '[build 2/2] RUN npm run build'],
    buildArgs: ['NODE_ENV=development'],
    previousArgs: ['NODE_ENV=production'],
    expect: [
      { stage: 'deps', cause: 'build-arg', line: 5, costMs: 20_000, text: /build-arg NODE_ENV/ },
      { stage: 'build', cause: 'stage', line: 9, costMs: 31_000 },
    ],
  },
  {
    name: 'a build-arg declared second on a multi-name ARG line changed',
    dockerfile: APP.replace('ARG NODE_ENV=production', 'ARG NODE_ENV=production REGISTRY'),
    previousDockerfile: APP.replace('ARG NODE_ENV=production', 'ARG NODE_ENV=production REGISTRY'),
    ran: ['[deps 4/4] RUN npm ci', '[build 1/2] COPY . .', '[build 2/2] RUN npm run build'],
    buildArgs: ['REGISTRY=mirror.internal'],
    previousArgs: ['REGISTRY=registry.npmjs.org'],
    expect: [
      { stage: 'deps', cause: 'build-arg', line: 5, costMs: 20_000, text: /build-arg REGISTRY/ },
      { stage: 'build', cause: 'stage', line: 9, costMs: 31_000 },
    ],
  },
  {
    name: 'an ENV value changed: named by variable',
    dockerfile: APP.replace('BUILD_MODE=release', 'BUILD_MODE=debug'),
    ran: ['[build 1/2] COPY . .', '[build 2/2] RUN npm run build'],
    expect: [{ stage: 'build', cause: 'env', line: 9, costMs: 31_000, text: /ENV BUILD_MODE \(line 8\)/ }],
  },
  {
    name: 'the instruction text changed',
    dockerfile: APP.replace('RUN npm run build', 'RUN npm run build -- --minify'),
    ran: ['[build 2/2] RUN npm run build -- --minify'],
    expect: [
      {
        stage: 'build',
        cause: 'instruction',
        line: 10,
        costMs: 30_000,
        text: /was RUN npm run build, now RUN npm run build -- --minify/,
      },
    ],
  },
  {
    name: 'the base image digest moved: every stage on it reran from its first step',
    digest: DIGEST_B,
    ran: [
      `[deps 1/4] FROM docker.io/local/node:20@${DIGEST_B}`,
      '[deps 2/4] WORKDIR /app',
      '[deps 3/4] COPY package.json package-lock.json ./',
      '[deps 4/4] RUN npm ci',
      '[build 1/2] COPY . .',
      '[build 2/2] RUN npm run build',
      `[runtime 1/2] FROM docker.io/local/node:20@${DIGEST_B}`,
      '[runtime 2/2] COPY --from=build /app/dist /srv',
    ],
    expect: [
      {
        stage: 'deps',
        cause: 'base-image',
        line: 2,
        costMs: 20_300,
        totalCostMs: 20_300 + 31_000,
        text: /local\/node:20 moved/,
      },
      { stage: 'build', cause: 'stage', line: 9, costMs: 31_000 },
      { stage: 'runtime', cause: 'base-image', line: 13, costMs: 2000 },
    ],
  },
  {
    name: 'nothing changed but the steps ran: the builder had no cache (fresh runner)',
    ran: ['[build 1/2] COPY . .', '[build 2/2] RUN npm run build'],
    expect: [{ stage: 'build', cause: 'nothing-changed', line: 9, costMs: 31_000, text: /had no cache/ }],
  },
  {
    name: 'no record yet',
    noPrevious: true,
    ran: ['[build 1/2] COPY . .', '[build 2/2] RUN npm run build'],
    expect: [{ stage: 'build', cause: 'no-record', line: 9, costMs: 31_000, text: /no cache record yet/ }],
  },
  {
    name: 'an instruction added before the step',
    dockerfile: APP.replace('COPY . .', 'RUN echo hi\nCOPY . .'),
    previousDockerfile: APP,
    ran: ['[build 1/3] RUN echo hi', '[build 2/3] COPY . .', '[build 3/3] RUN npm run build'],
    expect: [
      {
        stage: 'build',
        cause: 'instruction',
        line: 9,
        costMs: 0,
        text: /line 9 changed: was COPY \. \., now RUN echo hi/,
      },
    ],
  },
];

describe('blameCacheMisses', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const text = row.dockerfile ?? APP;
    const spec = steps(Object.fromEntries(row.ran.map((n) => [n, 'done' as const])), row.digest ?? DIGEST_A);
    const extra = row.ran
      .filter((n) => !spec.some((s) => s.name === n))
      .map((name) => ({
        name,
        status: 'done' as const,
        seconds: spec.find((s) => s.name.split(']')[0] === name.split(']')[0])?.seconds ?? 0,
      }));
    const ordered = [...spec.filter((s) => !/\[build /.test(s.name) || !extra.length), ...extra];
    const report = reportOf(ordered);
    const { dockerfile } = recordOf(text, report);
    const copyLine = dockerfile.instructions.find((i) => i.args === '. .')!.line;
    const { record } = recordOf(text, report, {
      buildArgs: row.buildArgs ?? [],
      sources: [
        fingerprint(dockerfile, 3, baseFiles),
        fingerprint(dockerfile, copyLine, row.files ?? appFiles),
      ],
    });
    const previous = row.noPrevious
      ? null
      : previousRecord({
          buildArgs: row.previousArgs ?? [],
          ...(row.previousDockerfile ? { dockerfile: row.previousDockerfile } : {}),
        });
    const blames = blameCacheMisses({
      dockerfile,
      report,
      current: record,
      previous,
      noCache: false,
      noCacheStages: [],
    });
    expect(blames.map((b) => ({ stage: b.stage, cause: b.cause.kind, line: b.line }))).toEqual(
      row.expect.map((e) => ({ stage: e.stage, cause: e.cause, line: e.line })),
    );
    row.expect.forEach((e, i) => {
      expect(blames[i]!.costMs).toBe(e.costMs);
      if (e.totalCostMs !== undefined) expect(blames[i]!.totalCostMs).toBe(e.totalCostMs);
      if (e.text) expect(describeCause(blames[i]!.cause)).toMatch(e.text);
    });
  });

  it('a fully cached build blames nothing', () => {
    expect(blameAgainstPrevious(reportOf(steps({})))).toEqual([]);
  });

  it('no-cache and no-cache-filters are named as the cause', () => {
    const report = reportOf(
      steps({ '[build 1/2] COPY . .': 'done', '[build 2/2] RUN npm run build': 'done' }),
    );
    const blames = blameAgainstPrevious(report, ['BUILD']);
    expect(blames.map((b) => b.cause.kind)).toEqual(['no-cache-requested']);
  });

  it('caps the files it lists and keeps the count', () => {
    const many = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`src/f${String(i).padStart(2, '0')}.js`, 'x']),
    );
    const report = reportOf(
      steps({ '[build 1/2] COPY . .': 'done', '[build 2/2] RUN npm run build': 'done' }),
    );
    const { dockerfile } = recordOf(APP, report);
    const { record } = recordOf(APP, report, {
      sources: [fingerprint(dockerfile, 9, { ...appFiles, ...many })],
    });
    const [blame] = blameCacheMisses({
      dockerfile,
      report,
      current: record,
      previous: previousRecord(),
      noCache: false,
      noCacheStages: [],
    });
    expect(blame!.cause).toMatchObject({ kind: 'files', total: 25 });
    expect((blame!.cause as { changes: unknown[] }).changes).toHaveLength(10);
    expect(describeCause(blame!.cause)).toMatch(/^25 files .* and 15 more$/);
  });
});

describe('build-args the record cannot compare', () => {
  const FILE = `FROM local/node:20
ARG NPM_TOKEN
ARG NODE_ENV
COPY . .
RUN npm ci
`;
  const ran = () =>
    reportOf([
      { name: '[1/3] FROM docker.io/local/node:20', status: 'cached' },
      { name: '[2/3] COPY . .', status: 'done', seconds: 1 },
      { name: '[3/3] RUN npm ci', status: 'done', seconds: 20 },
    ]);

  function blameOf(options: {
    previousArgs: string[];
    buildArgs: string[];
    /** Rewrites the previous record's buildArgs, as an older version or a tampered cache left them. */
    previousHashes?: Record<string, unknown>;
    files?: Record<string, string>;
  }) {
    const report = ran();
    const { dockerfile } = recordOf(FILE, report);
    const sources = (files: Record<string, string>) => [fingerprint(dockerfile, 4, files)];
    const previous = recordOf(FILE, report, {
      buildArgs: options.previousArgs,
      sources: sources(appFiles),
    }).record;
    if (options.previousHashes) Object.assign(previous.buildArgs, options.previousHashes);
    const reread = parseRecord(serializeRecord(previous)).record!;
    const { record } = recordOf(FILE, report, {
      buildArgs: options.buildArgs,
      sources: sources(options.files ?? appFiles),
    });
    const blames = blameCacheMisses({
      dockerfile,
      report,
      current: record,
      previous: reread,
      noCache: false,
      noCacheStages: [],
    });
    expect(blames).toHaveLength(1);
    return blames[0]!;
  }

  it('a secret-like arg, unchanged as far as the record shows, is named as possibly changed', () => {
    const blame = blameOf({
      previousArgs: ['NPM_TOKEN=old', 'NODE_ENV=production'],
      buildArgs: ['NPM_TOKEN=new', 'NODE_ENV=production'],
    });
    expect(blame.cause).toEqual({ kind: 'build-arg-not-recorded', names: ['NPM_TOKEN'] });
    expect(describeCause(blame.cause)).toBe(
      'build-arg NPM_TOKEN may have changed: its value is not recorded because its name looks like a secret (pass secrets with the secrets input, not as build-args)',
    );
  });

  it('a value the record does show changed comes first', () => {
    const blame = blameOf({
      previousArgs: ['NPM_TOKEN=same', 'NODE_ENV=production'],
      buildArgs: ['NPM_TOKEN=same', 'NODE_ENV=development'],
    });
    expect(blame.cause).toEqual({ kind: 'build-arg', names: ['NODE_ENV'] });
  });

  it('so do changed files', () => {
    const blame = blameOf({
      previousArgs: ['NPM_TOKEN=same'],
      buildArgs: ['NPM_TOKEN=same'],
      files: { ...appFiles, 'src/index.js': 'i2' },
    });
    expect(blame.cause.kind).toBe('files');
  });

  it('a secret-like arg given in one build only did change', () => {
    const blame = blameOf({ previousArgs: [], buildArgs: ['NPM_TOKEN=new'] });
    expect(blame.cause).toEqual({ kind: 'build-arg', names: ['NPM_TOKEN'] });
  });

  it('no secret-like arg in scope: nothing changed', () => {
    const blame = blameOf({ previousArgs: ['NODE_ENV=production'], buildArgs: ['NODE_ENV=production'] });
    expect(blame.cause.kind).toBe('nothing-changed');
  });

  it.each([
    // What the earlier version stored for NODE_ENV=production.
    ["an older record's unsalted 16-hex hash", shortHash('value:production')],
    ['an upper-case hash', 'ABCDEF12'],
    ['a number', 42],
    ['null', null],
  ])('%s is not read as a changed value', (_name, stored) => {
    const blame = blameOf({
      previousArgs: ['NODE_ENV=production'],
      buildArgs: ['NODE_ENV=production'],
      previousHashes: { NODE_ENV: stored },
    });
    expect(blame.cause.kind).toBe('nothing-changed');
  });

  it("an older record's hash of an arg now held secret-like: named as possibly changed", () => {
    const blame = blameOf({
      previousArgs: ['NPM_TOKEN=same'],
      buildArgs: ['NPM_TOKEN=same'],
      previousHashes: { NPM_TOKEN: shortHash('value:same') },
    });
    expect(blame.cause).toEqual({ kind: 'build-arg-not-recorded', names: ['NPM_TOKEN'] });
  });

  it('several are named together', () => {
    expect(describeCause({ kind: 'build-arg-not-recorded', names: ['NPM_TOKEN', 'DB_PASSWORD'] })).toMatch(
      /^build-args NPM_TOKEN, DB_PASSWORD may have changed: their values are not recorded/,
    );
  });
});

describe('blame in a multi-platform build', () => {
  /** The build stage's two steps on each platform, `ran` naming the ones that did not come from the cache. */
  const platformSteps = (ran: string[]): StepSpec[] =>
    ['linux/amd64', 'linux/arm64'].flatMap((platform) =>
      [
        [`[${platform} build 1/2] COPY . .`, 1],
        [`[${platform} build 2/2] RUN npm run build`, platform === 'linux/arm64' ? 90 : 30],
      ].map(([name, seconds]) => ({
        name: name as string,
        seconds: seconds as number,
        status: ran.includes(name as string) ? ('done' as const) : ('cached' as const),
      })),
    );
  const blameOf = (ran: string[]) => blameAgainstPrevious(reportOf(platformSteps(ran)));

  it('a miss on one platform only is blamed, and says which platform', () => {
    const [blame, ...rest] = blameOf(['[linux/arm64 build 2/2] RUN npm run build']);
    expect(rest).toEqual([]);
    expect(blame).toMatchObject({ stage: 'build', platform: 'linux/arm64', line: 10, costMs: 90_000 });
  });

  it('the platform whose cache missed earliest explains the build; on a tie, the one that took longest', () => {
    expect(
      blameOf([
        '[linux/amd64 build 1/2] COPY . .',
        '[linux/amd64 build 2/2] RUN npm run build',
        '[linux/arm64 build 2/2] RUN npm run build',
      ]),
    ).toMatchObject([{ platform: 'linux/amd64', line: 9, rerunSteps: 2, costMs: 31_000 }]);
    expect(
      blameOf(['[linux/amd64 build 2/2] RUN npm run build', '[linux/arm64 build 2/2] RUN npm run build']),
    ).toMatchObject([{ platform: 'linux/arm64', line: 10, costMs: 90_000 }]);
  });
});

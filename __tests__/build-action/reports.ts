// Build reports of real builds from the shared corpus, for the rendering tests.
// Written from plain.log and labels.json by hand, field by field, so these tests
// do not depend on the engine; engine-reports.test.ts checks that the engine
// produces the same facts from the same logs.
import type { BuildReport, StepReport } from '../../src/engine/report.js';

export const CORPUS = process.env.BUILDLOG_CORPUS ?? new URL('../fixtures/corpus', import.meta.url).pathname;

type StepInit = Partial<StepReport> & { name: string; status: StepReport['status'] };

export function step(init: StepInit): StepReport {
  const prefix = /^\[(?:(\S+) )?(\d+)\/(\d+)\]\s+(\S+)/.exec(init.name);
  const internal = init.name.startsWith('[internal]');
  return {
    stage: prefix?.[1] ?? null,
    platform: null,
    instruction: prefix?.[4] ?? null,
    index: prefix ? Number(prefix[2]) : null,
    total: prefix ? Number(prefix[3]) : null,
    kind: prefix ? 'instruction' : internal ? 'internal' : 'other',
    durationMs: init.status === 'cached' ? null : 0,
    startOffsetMs: null,
    outputLines: 0,
    outputTail: [],
    error: null,
    ...init,
  };
}

function report(init: Partial<BuildReport> & Pick<BuildReport, 'outcome' | 'steps' | 'totals'>): BuildReport {
  return {
    format: 'plain',
    platforms: [],
    builder: { name: 'default', driver: 'docker' },
    error: null,
    warnings: [],
    unrecognizedLines: 0,
    outputClipped: false,
    truncatedLines: 0,
    ...init,
  } as BuildReport;
}

const internals = () => [
  step({ name: '[internal] load build definition from Dockerfile', status: 'done' }),
  step({ name: '[internal] load .dockerignore', status: 'done' }),
  step({ name: '[internal] load build context', status: 'done', durationMs: 100 }),
];

/** 01-multistage-clean: cold build, 11 instruction steps, nothing cached. */
export const clean01 = report({
  outcome: 'success',
  steps: [
    ...internals(),
    step({ name: '[runtime 1/4] FROM docker.io/local/busybox:1', status: 'done' }),
    step({ name: '[deps 1/4] FROM docker.io/local/busybox-full:1', status: 'done' }),
    step({ name: '[deps 2/4] WORKDIR /src', status: 'done' }),
    step({ name: '[runtime 2/4] WORKDIR /app', status: 'done', durationMs: 100 }),
    step({ name: '[deps 3/4] COPY deps.txt ./', status: 'done' }),
    step({
      name: '[deps 4/4] RUN echo "resolving dependencies..."  && while read -r dep; do echo "  fetched $dep"; done < deps.txt  && mkdir -p /deps && cp deps.txt /deps/lock.txt',
      status: 'done',
      durationMs: 100,
      outputLines: 4,
    }),
    step({ name: '[build 1/3] COPY src/ ./src/', status: 'done' }),
    step({
      name: '[build 2/3] RUN mkdir -p /out  && cat src/*.txt > /out/app.txt  && echo "built app.txt with $(wc -l < /out/app.txt) lines (mode=release)"',
      status: 'done',
      durationMs: 100,
      outputLines: 1,
    }),
    step({ name: '[build 3/3] COPY VERSION /out/VERSION', status: 'done' }),
    step({ name: '[runtime 3/4] COPY --from=build /out/ /app/', status: 'done' }),
    step({ name: '[runtime 4/4] COPY config.ini /app/config.ini', status: 'done' }),
    step({ name: 'exporting to image', status: 'done' }),
  ],
  totals: {
    instructionSteps: 11,
    cachedInstructionSteps: 0,
    fromSteps: 2,
    cachedSteps: 0,
    cacheHitRatio: 0,
    durationMs: 400,
    contextBytes: 359,
    outputLines: 5,
  },
});

/** 03-multistage-partial-late-copy: warm build, only the last COPY of runtime reran. */
export const partial03 = report({
  outcome: 'success',
  steps: [
    ...internals(),
    step({ name: '[deps 1/4] FROM docker.io/local/busybox-full:1', status: 'done' }),
    step({ name: '[runtime 1/4] FROM docker.io/local/busybox:1', status: 'done' }),
    step({ name: '[deps 3/4] COPY deps.txt ./', status: 'cached' }),
    step({ name: '[runtime 2/4] WORKDIR /app', status: 'cached' }),
    step({ name: '[deps 2/4] WORKDIR /src', status: 'cached' }),
    step({ name: '[build 1/3] COPY src/ ./src/', status: 'cached' }),
    step({ name: '[build 3/3] COPY VERSION /out/VERSION', status: 'cached' }),
    step({
      name: '[build 2/3] RUN mkdir -p /out  && cat src/*.txt > /out/app.txt  && echo "built app.txt with $(wc -l < /out/app.txt) lines (mode=release)"',
      status: 'cached',
    }),
    step({
      name: '[deps 4/4] RUN echo "resolving dependencies..."  && while read -r dep; do echo "  fetched $dep"; done < deps.txt  && mkdir -p /deps && cp deps.txt /deps/lock.txt',
      status: 'cached',
    }),
    step({ name: '[runtime 3/4] COPY --from=build /out/ /app/', status: 'cached' }),
    step({ name: '[runtime 4/4] COPY config.ini /app/config.ini', status: 'done' }),
    step({ name: 'exporting to image', status: 'done' }),
  ],
  totals: {
    instructionSteps: 11,
    cachedInstructionSteps: 8,
    fromSteps: 2,
    cachedSteps: 8,
    cacheHitRatio: 8 / 9,
    durationMs: 100,
    contextBytes: 205,
    outputLines: 0,
  },
});

const testOutput = [
  'running 5 tests',
  'ok   test_init',
  'ok   test_parse',
  "FAIL test_render: expected 'ok', got 'err'",
  'ok   test_io',
  'ok   test_cli',
  '1 of 5 tests failed',
];

/** 06-run-fail-exit1: BuildKit 0.8, RUN exits 1, no Dockerfile line in the log. */
export const runFail06 = report({
  outcome: 'failure',
  steps: [
    ...internals(),
    step({ name: '[base 1/3] FROM docker.io/local/busybox-full:1', status: 'done' }),
    step({ name: '[base 2/3] WORKDIR /app', status: 'done' }),
    step({ name: '[base 3/3] COPY . .', status: 'done' }),
    step({
      name: '[test 1/1] RUN ./run-tests.sh',
      status: 'error',
      durationMs: null,
      outputLines: 7,
      outputTail: testOutput,
      error: 'executor failed running [/bin/sh -c ./run-tests.sh]: exit code: 1',
    }),
  ],
  totals: {
    instructionSteps: 4,
    cachedInstructionSteps: 0,
    fromSteps: 1,
    cachedSteps: 0,
    cacheHitRatio: 0,
    durationMs: 100,
    contextBytes: 672,
    outputLines: 7,
  },
  error: {
    step: '[test 1/1] RUN ./run-tests.sh',
    exitCode: 1,
    message: 'executor failed running [/bin/sh -c ./run-tests.sh]: exit code: 1',
    file: null,
    line: null,
    category: 'command-failed',
    hint: 'A RUN command exited non-zero: read its last output lines above and fix the command or what it tests.',
    excerpt: [],
    logTail: testOutput,
  },
});

/** 08-copy-missing-file: COPY of a file not in the context, BuildKit 0.8, no line in the log. */
export const copyMissing08 = report({
  outcome: 'failure',
  steps: [
    ...internals(),
    step({ name: '[1/5] FROM docker.io/local/busybox-full:1', status: 'done' }),
    step({
      name: '[3/5] COPY package.json package-lock.json ./',
      status: 'error',
      durationMs: null,
      error: '"/package-lock.json" not found: not found',
    }),
    step({ name: '[2/5] WORKDIR /app', status: 'done' }),
  ],
  totals: {
    instructionSteps: 3,
    cachedInstructionSteps: 0,
    fromSteps: 1,
    cachedSteps: 0,
    cacheHitRatio: 0,
    durationMs: 0,
    contextBytes: 346,
    outputLines: 0,
  },
  error: {
    step: '[3/5] COPY package.json package-lock.json ./',
    exitCode: null,
    message: 'failed to compute cache key: "/package-lock.json" not found: not found',
    file: null,
    line: null,
    category: 'missing-file',
    hint: 'A COPY/ADD source is not in the build context: check the path, the context directory and .dockerignore.',
    excerpt: [],
    logTail: [],
  },
});

/** 09-parse-unknown-instruction: nothing built, the line comes from the parse error. */
export const parse09 = report({
  outcome: 'failure',
  steps: [
    step({ name: '[internal] load build definition from Dockerfile', status: 'done' }),
    step({ name: '[internal] load .dockerignore', status: 'done' }),
  ],
  totals: {
    instructionSteps: 0,
    cachedInstructionSteps: 0,
    fromSteps: 0,
    cachedSteps: 0,
    cacheHitRatio: null,
    durationMs: 0,
    contextBytes: null,
    outputLines: 0,
  },
  error: {
    step: null,
    exitCode: null,
    message:
      'rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 5: unknown instruction: CPY',
    file: null,
    line: 5,
    category: 'dockerfile-syntax',
    hint: 'The Dockerfile does not parse: fix the instruction on the line shown (typo, missing argument, bad quoting).',
    excerpt: [],
    logTail: [],
  },
});

// The whole build action with fakes around it: a runner that replays real buildx
// logs from the corpus, an in-memory file system, and a recorder for everything
// the action says to the runner. The engine is the real one.
// covers: src/build-action/execute.ts, src/build-action/run-plan.ts, src/build-action/analysis.ts
// covers: src/build-action/buildx/stream-build.ts, src/build-action/buildx/safe-analyzer.ts
// covers: src/build-action/buildx/secret-files.ts, src/build-action/buildx/shell-quote.ts
// covers: src/build-action/buildx/produced-image.ts
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { BuildCommand } from '../../src/build-action/buildx/argv.js';
import { runAction } from '../../src/build-action/main.js';
import type { BuildDeps, Buildx, LogAnalyzer, BuildxExit } from '../../src/build-action/ports.js';
import { FakeRunner } from '../support/fake-runner.js';
import { MemoryFS } from '../support/memory-fs.js';
import { CORPUS } from './reports.js';

const WORKSPACE = '/repo';
/** markFailed() is one more entry in `failed` here: the tests read the failed step as one list. */
const MARKS = { markFailedNote: '(marked failed)' };

interface Replay {
  log: string;
  result?: Partial<BuildxExit>;
  /** What buildx would leave in --iidfile / --metadata-file. */
  iid?: string;
  metadata?: object;
}

function replayBuildx(
  replay: Replay,
  fs: MemoryFS,
  seen: { command?: BuildCommand; env?: NodeJS.ProcessEnv } = {},
): Buildx {
  return {
    async run(command, env, onLine) {
      seen.command = command;
      seen.env = env;
      const lines = replay.log.split(/(?<=\n)/);
      for (const line of lines) onLine(Buffer.from(line), 'stderr');
      const flag = (name: string) => command.args[command.args.indexOf(name) + 1];
      if (replay.iid) fs.files.set(flag('--iidfile'), { text: replay.iid });
      if (replay.metadata) fs.files.set(flag('--metadata-file'), { text: JSON.stringify(replay.metadata) });
      return { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null, ...replay.result };
    },
  };
}

const corpusFile = (name: string, file: string) => readFileSync(`${CORPUS}/${name}/${file}`, 'utf8');

async function action(
  inputs: Record<string, string>,
  replay: Replay,
  files: Record<string, string> = {},
  extra: Partial<BuildDeps> = {},
) {
  const io = new FakeRunner(inputs, MARKS);
  const fs = new MemoryFS(files);
  const seen: { command?: BuildCommand; env?: NodeJS.ProcessEnv } = {};
  let time = 1000;
  const outcome = await runAction({
    io,
    fs,
    buildx: replayBuildx(replay, fs, seen),
    env: { GITHUB_WORKSPACE: WORKSPACE },
    cwd: WORKSPACE,
    now: () => (time += 500),
    randomToken: () => 'tok3n',
    ...extra,
  });
  return { io, fs, seen, outcome, report: JSON.parse(fs.files.get(io.outputs.report ?? '')?.text ?? 'null') };
}

const digest = 'sha256:5f0c0a5bd41ec24ff3c1e1c9b2c44a3e8f0e7d0ff5b7c4b8f0c9a1a2b3c4d5e6';

describe('run: success (corpus 01)', () => {
  it('streams the log exactly, sets every output, writes the report and the summary, does not fail', async () => {
    const log = corpusFile('01-multistage-clean', 'plain.log');
    const { io, report, seen } = await action(
      { context: '.', tags: 'blc/01:latest', network: 'none' },
      {
        log,
        iid: 'sha256:e2c3a834\n',
        metadata: { 'containerimage.digest': digest, 'image.name': 'blc/01:latest' },
      },
      { [`${WORKSPACE}/Dockerfile`]: corpusFile('01-multistage-clean', 'Dockerfile') },
    );
    expect(io.failed).toEqual([]);
    expect(io.raw).toBe(`::stop-commands::tok3n\n${log}${log.endsWith('\n') ? '' : '\n'}::tok3n::\n`);
    expect(seen.command!.args.slice(0, 3)).toEqual(['buildx', 'build', '--progress=plain']);
    expect(seen.env!.BUILDX_METADATA_WARNINGS).toBe('true');
    expect(io.outputs).toMatchObject({
      imageid: 'sha256:e2c3a834',
      digest,
      'cache-hit-ratio': '0',
      duration: '500',
      'failed-step': '',
      'error-category': '',
      report: '/tmp/bg-1/report.json',
    });
    expect(JSON.parse(io.outputs.metadata)).toEqual({
      'containerimage.digest': digest,
      'image.name': 'blc/01:latest',
    });
    expect(report).toMatchObject({
      outcome: 'success',
      totals: { instructionSteps: 11, cachedInstructionSteps: 0, contextBytes: 359 },
    });
    expect(io.summary).toMatch(/^## ✅ Docker build succeeded/);
    expect(io.summary).toContain(`Digest: <code>${digest}</code>`);
    expect(io.summary).toContain('```mermaid');
    expect(io.infos[0]).toBe(
      `docker buildx build --progress=plain --iidfile /tmp/bg-1/iidfile.txt --tag blc/01:latest --metadata-file /tmp/bg-1/metadata.json --network none .`,
    );
  });

  it('logs the command on one line: a line break inside a quoted list item cannot start a workflow command', async () => {
    const { io, seen } = await action(
      { context: '.', 'build-args': '"NOTE=first line\n::warning::injected"\nB=it\'s' },
      { log: corpusFile('01-multistage-clean', 'plain.log') },
    );
    expect(seen.command!.args).toContain('NOTE=first line\n::warning::injected');
    expect(io.infos[0]).not.toContain('\n');
    expect(io.infos[0]).toContain(
      `--build-arg $'NOTE=first line\\x0a::warning::injected' --build-arg 'B=it'\\''s'`,
    );
  });

  it('summary: false and annotations: false turn those off', async () => {
    const { io } = await action(
      { context: '.', summary: 'false', annotations: 'false' },
      { log: corpusFile('06-run-fail-exit1', 'plain.log'), result: { exitCode: 1 } },
      {
        [`${WORKSPACE}/Dockerfile`]: corpusFile('06-run-fail-exit1', 'Dockerfile'),
      },
    );
    expect(io.summary).toBe('');
    expect(io.annotations).toEqual([]);
    expect(io.failed).toHaveLength(1);
    expect(io.failed[0]).toMatch(
      /^Build failed: command failed \(exit code 1\): .*executor failed running \[\/bin\/sh -c \.\/run-tests\.sh\]: exit code: 1$/,
    );
  });
});

describe('run: failures', () => {
  it('06 failing RUN: error annotation at the Dockerfile line matched from the step, outputs, failed step', async () => {
    const { io, outcome } = await action(
      { context: 'app' },
      { log: corpusFile('06-run-fail-exit1', 'plain.log'), result: { exitCode: 1 } },
      {
        [`${WORKSPACE}/app/Dockerfile`]: corpusFile('06-run-fail-exit1', 'Dockerfile'),
      },
    );
    expect(outcome.failed).toBe(true);
    expect(io.annotations[0]).toMatchObject({
      level: 'error',
      file: 'app/Dockerfile',
      line: 6,
      title: 'Build failed: command failed (exit code 1)',
    });
    expect(io.outputs['failed-step']).toBe('[test 1/1] RUN ./run-tests.sh');
    expect(io.outputs['error-category']).toBe('command-failed');
    expect(io.failed).toEqual(['Build failed: command failed (exit code 1).']);
    expect(io.summary).toContain('at <code>app/Dockerfile:6</code>');
  });

  it('08 missing COPY source and 09 parse error: annotated at their lines', async () => {
    const copy = await action(
      { context: '.' },
      { log: corpusFile('08-copy-missing-file', 'plain.log'), result: { exitCode: 1 } },
      {
        [`${WORKSPACE}/Dockerfile`]: corpusFile('08-copy-missing-file', 'Dockerfile'),
      },
    );
    expect(copy.io.annotations[0]).toMatchObject({ level: 'error', file: 'Dockerfile', line: 3 });
    expect(copy.io.outputs['error-category']).toBe('missing-file');
    const parse = await action(
      { context: '.', file: 'docker/Dockerfile' },
      { log: corpusFile('09-parse-unknown-instruction', 'plain.log'), result: { exitCode: 1 } },
      {
        [`${WORKSPACE}/docker/Dockerfile`]: corpusFile('09-parse-unknown-instruction', 'Dockerfile'),
      },
    );
    expect(parse.io.annotations[0]).toMatchObject({
      level: 'error',
      file: 'docker/Dockerfile',
      line: 5,
      title: 'Build failed: Dockerfile syntax error',
    });
  });

  it('cancelled: summary marked cancelled, step failed as cancelled, no error annotation', async () => {
    const partial = corpusFile('06-run-fail-exit1', 'plain.log').split('\n').slice(0, 28).join('\n') + '\n';
    const { io, report } = await action(
      { context: '.' },
      { log: partial, result: { exitCode: null, signal: 'SIGTERM', cancelled: true } },
    );
    expect(report.outcome).toBe('cancelled');
    expect(io.summary).toMatch(/^## ⏹️ Docker build cancelled/);
    expect(io.failed).toEqual(['The build was cancelled.']);
    expect(io.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  it('buildx missing: says which and what to do, no Dockerfile annotations', async () => {
    const { io } = await action(
      { context: '.' },
      { log: "docker: 'buildx' is not a docker command.\nSee 'docker --help'\n", result: { exitCode: 1 } },
    );
    expect(io.failed).toHaveLength(1);
    expect(io.failed[0]).toMatch(/^Docker buildx is not installed: .*docker\/setup-buildx-action/);
    expect(io.annotations).toEqual([]);
    expect(io.summary).toMatch(/^## ❌ Docker buildx is not installed/);
    expect(io.summary).toContain('<pre>docker: &#39;buildx&#39; is not a docker command.');
    expect(io.summary).not.toContain('Docker build failed');
  });

  it('docker CLI missing, daemon down, builder not found', async () => {
    const cli = await action({}, { log: '', result: { exitCode: null, spawnErrorCode: 'ENOENT' } });
    expect(cli.io.failed[0]).toMatch(/^The docker CLI is not installed/);
    const daemon = await action(
      {},
      {
        log: 'ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
        result: { exitCode: 1 },
      },
    );
    expect(daemon.io.failed[0]).toMatch(
      /^The Docker daemon is not reachable: .*\(unix:\/\/\/var\/run\/docker.sock\)/,
    );
    const builder = await action(
      { builder: 'ci' },
      { log: 'ERROR: no builder "ci" found\n', result: { exitCode: 1 } },
    );
    expect(builder.io.failed[0]).toMatch(/^Builder "ci" does not exist: .*docker buildx create --name ci/);
  });
});

describe('run: gates', () => {
  it('a breached gate fails a build buildx passed, with an error annotation saying by how much', async () => {
    const { io, outcome } = await action(
      { context: '.', 'min-cache-hit-ratio': '0.5', 'max-context-size': '1MB' },
      { log: corpusFile('01-multistage-clean', 'plain.log') },
    );
    expect(outcome.failed).toBe(true);
    expect(io.annotations).toEqual([
      {
        level: 'error',
        title: 'Gate min-cache-hit-ratio failed',
        message: 'cache hit ratio 0% (0/9 steps cached) < minimum 50%: 50 percentage points short.',
      },
    ]);
    expect(io.failed).toEqual(['1 build gate failed (see the annotations above).']);
    expect(io.summary).toContain('| <code>max\\-context\\-size</code> | ✅ passed |');
  });

  it('gates pass on a warm build', async () => {
    const { io } = await action(
      { context: '.', 'min-cache-hit-ratio': '0.8' },
      { log: corpusFile('02-multistage-cached', 'plain.log') },
    );
    expect(io.failed).toEqual([]);
    expect(io.outputs['cache-hit-ratio']).toBe('1');
  });
});

describe('run: inputs and secrets', () => {
  it('a bad input fails before buildx runs', async () => {
    let ran = false;
    const { io } = await action(
      { 'max-duration': 'soon' },
      { log: '' },
      {},
      {
        buildx: {
          run: async () => (
            (ran = true),
            { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null }
          ),
        },
      },
    );
    expect(ran).toBe(false);
    expect(io.failed).toEqual([
      "Input 'max-duration': expected a duration like 90s, 10m or 1h30m, got 'soon'",
    ]);
  });

  it('masks secret values first, passes them as 0600 files, never in argv or the log, and removes the files', async () => {
    const { io, fs, seen } = await action(
      { context: '.', secrets: 'NPM_TOKEN=s3cr3t-value\nOTHER=x,y', 'secret-envs': 'AWS=AWS_SECRET' },
      { log: corpusFile('01-multistage-clean', 'plain.log') },
      {},
      // Set (empty, as a fork's pull request gets it): an unset one is refused (secret-inputs.test.ts).
      { env: { GITHUB_WORKSPACE: WORKSPACE, AWS_SECRET: '' } },
    );
    expect(io.events[0]).toBe('mask');
    // With their encoded forms (base64 at three alignments, hex), which a RUN step could print.
    expect(io.secrets).toEqual([
      's3cr3t-value',
      'czNjcjN0LXZhbH',
      'MzY3IzdC12YWx1',
      'zM2NyM3QtdmFsd',
      '7333637233742d76616c7565',
      '7333637233742D76616C7565',
      'x,y',
    ]);
    const args = seen.command!.args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--secret',
        'id=AWS,env=AWS_SECRET',
        'id=NPM_TOKEN,src=/tmp/bg-1/secret-1',
        'id=OTHER,src=/tmp/bg-1/secret-2',
      ]),
    );
    expect(JSON.stringify(args) + io.infos.join('\n') + io.raw).not.toContain('s3cr3t');
    expect(fs.removed).toEqual(['/tmp/bg-1/secret-1', '/tmp/bg-1/secret-2']);
    expect(fs.files.has('/tmp/bg-1/secret-1')).toBe(false);
  });

  it('writes value secrets with mode 0600', async () => {
    const modes: Array<number | undefined> = [];
    const fsSpy = new MemoryFS();
    const original = fsSpy.writeText;
    fsSpy.writeText = async (p, text, mode) => {
      if (p.includes('secret')) modes.push(mode);
      return original(p, text, mode);
    };
    const io = new FakeRunner({ context: '.', secrets: 'A=1' }, MARKS);
    await runAction({
      io,
      fs: fsSpy,
      buildx: replayBuildx({ log: '' }, fsSpy),
      env: {},
      cwd: '/',
      now: () => 0,
      randomToken: () => 't',
    });
    expect(modes).toEqual([0o600]);
  });

  it('a secret file that does not exist is a clear input error', async () => {
    const { io } = await action({ context: '.', 'secret-files': 'NPMRC=./missing.npmrc' }, { log: '' });
    expect(io.failed).toEqual(["Input 'secret-files': secret NPMRC: file ./missing.npmrc not found"]);
  });
});

describe('run: untrusted output and analysis failures', () => {
  it('build output that looks like workflow commands stays between the stop-commands markers', async () => {
    const log =
      '#5 [2/2] RUN echo\n#5 0.1 ::error file=.github/workflows/x.yml::pwned\n#5 0.1 ::add-mask::\n#5 DONE 0.1s\nunterminated';
    const { io } = await action({ context: '.' }, { log });
    const [before, inside, after] = io.raw.split(/::stop-commands::tok3n\n|::tok3n::\n/);
    expect(before).toBe('');
    expect(inside).toBe(`${log}\n`);
    expect(after).toBe('');
  });

  it('an engine that throws is a warning; the build result stands', async () => {
    const broken: LogAnalyzer = {
      write: () => {
        throw new Error('boom');
      },
      snapshot: () => {
        throw new Error('boom');
      },
      end: () => {
        throw new Error('boom');
      },
    };
    const { io, outcome } = await action(
      { context: '.' },
      { log: corpusFile('01-multistage-clean', 'plain.log') },
      {},
      { createAnalyzer: () => broken },
    );
    expect(outcome.failed).toBe(false);
    expect(io.failed).toEqual([]);
    expect(io.warnings).toHaveLength(1);
    expect(io.warnings[0]).toMatch(
      /could not analyze the build log \(the build result is unaffected\): boom/,
    );
    // Said after commands resume: while they are stopped, the runner would print it as text.
    expect(io.warningsAt[0]!.rawSoFar).toMatch(/::tok3n::\n$/);
    expect(io.outputs.report).toBe('/tmp/bg-1/report.json');
  });

  it('a Dockerfile the parser chokes on is a warning; the build result stands', async () => {
    // Not a string: the parser throws on it, as it would on a bug of its own.
    const unreadable = { [`${WORKSPACE}/Dockerfile`]: 42 as unknown as string };
    const { io, outcome } = await action(
      { context: '.' },
      { log: corpusFile('01-multistage-clean', 'plain.log') },
      unreadable,
    );
    expect(outcome.failed).toBe(false);
    expect(io.failed).toEqual([]);
    expect(io.warnings[0]).toMatch(/could not finish its analysis \(the build result is unaffected\)/);
    expect(io.summary).toMatch(/^## ✅ Docker build succeeded/);
  });
});

describe('run: a step that prints a secret', () => {
  it('scrubs secret values from the report file, the summary and the annotations', async () => {
    const log = corpusFile('06-run-fail-exit1', 'plain.log').replaceAll(
      "FAIL test_render: expected 'ok', got 'err'",
      'FAIL token=s3cr3t-value env=from-the-env',
    );
    const { io, fs } = await action(
      { context: '.', secrets: 'NPM_TOKEN=s3cr3t-value', 'secret-envs': 'AWS=AWS_SECRET' },
      { log, result: { exitCode: 1 } },
      { [`${WORKSPACE}/Dockerfile`]: corpusFile('06-run-fail-exit1', 'Dockerfile') },
      { env: { GITHUB_WORKSPACE: WORKSPACE, AWS_SECRET: 'from-the-env' } },
    );
    const reportText = fs.files.get(io.outputs.report ?? '')?.text ?? '';
    expect(reportText).toContain('FAIL token=*** env=***');
    for (const written of [reportText, io.summary, JSON.stringify(io.annotations)]) {
      expect(written).not.toContain('s3cr3t-value');
      expect(written).not.toContain('from-the-env');
    }
    expect(io.secrets).toEqual(expect.arrayContaining(['s3cr3t-value', 'from-the-env']));
  });
});

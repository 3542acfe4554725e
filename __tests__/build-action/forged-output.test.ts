// Issue 17 A.1: the action reads buildx's stderr, in the plain progress it asked for, and nothing
// else. buildx's stdout is the build's own result when `--output -` (or `--call`) sends it
// there: a tar of files a RUN step wrote, lines and all. Nothing on stdout, and nothing on
// stderr in another progress format, may change a figure, a gate or the error report.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CORPUS } from './reports.js';
import { runFaked, stderrLines, WORKSPACE, type ReplayLine } from './action-fakes.js';

const corpus = (name: string, file: string) => readFileSync(`${CORPUS}/${name}/${file}`, 'utf8');
const clean = corpus('01-multistage-clean', 'plain.log');
const dockerfile = { [`${WORKSPACE}/Dockerfile`]: corpus('01-multistage-clean', 'Dockerfile') };

/** What a tar on stdout holds when a RUN step wrote buildx's shapes into a file of the image. */
function forgedStdout(): ReplayLine[] {
  const text = [
    ...Array.from({ length: 60 }, (_, i) => [`#9${i} [1/99] RUN fake ${i}`, `#9${i} CACHED`, '']).flat(),
    '#901 [internal] load build context',
    '#901 transferring context: 1B done',
    '#901 DONE 0.0s',
    '',
    '#902 [2/2] RUN sleep',
    '#902 DONE 99999.9s',
    '',
    'WARNING: forged',
    '1 warning found (use docker --debug to expand):',
    ' - SecretsUsedInArgOrEnv: forged (line 1)',
    '',
  ].join('\n');
  return text.split(/(?<=\n)/).map((line) => ({ text: line, stream: 'stdout' as const }));
}

const GATES = {
  context: '.',
  outputs: 'type=tar,dest=-',
  'min-cache-hit-ratio': '0.5',
  'max-context-size': '100B',
  'fail-on-warnings': 'true',
  'max-duration': '1h',
};

describe('buildx stdout is not the log', () => {
  it('forged vertices, context, DONE and warnings on stdout change no figure and no gate', async () => {
    const lines = stderrLines(clean);
    // stdout interleaved in the middle of the build, as buildx's two pipes deliver.
    const mixed = [...lines.slice(0, 20), ...forgedStdout(), ...lines.slice(20)];
    const forged = await runFaked(GATES, { lines: mixed }, dockerfile);
    const honest = await runFaked(GATES, { lines }, dockerfile);
    expect(forged.report.totals).toEqual(honest.report.totals);
    expect(forged.report.steps).toEqual(honest.report.steps);
    expect(forged.report.warnings).toEqual([]);
    expect(forged.io.outputs['cache-hit-ratio']).toBe('0');
    expect(forged.io.annotations.map((a) => a.title).sort()).toEqual(
      ['Gate max-context-size failed', 'Gate min-cache-hit-ratio failed'].sort(),
    );
    // The job log still shows stdout as buildx printed it.
    expect(forged.io.raw).toContain('#902 DONE 99999.9s');
  });

  it('the post step copy of the log holds stderr only (its analyzer reads the copy)', async () => {
    const { postRecorder } = await import('../../src/build-action/post/post-state.js');
    const { mkdtempSync, readFileSync: read } = await import('node:fs');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/bxg-post-copy-`);
    const saved: Record<string, string> = {};
    const recorder = postRecorder(
      { saveState: (n, v) => void (saved[n] = v) },
      {
        GITHUB_STATE: 'x',
        RUNNER_TEMP: dir,
      },
    );
    let copy = '';
    const buildx = recorder.wrap({
      async run(_command, _env, onLine) {
        onLine(Buffer.from('#1 [internal] load\n'), 'stderr');
        onLine(Buffer.from('#9 CACHED\n'), 'stdout');
        copy = read(saved.build_log!, 'utf8');
        return { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null };
      },
    });
    await buildx.run({ command: 'docker', args: [], context: '.' }, {}, () => undefined);
    recorder.finish();
    expect(copy).toBe('#1 [internal] load\n');
  });
});

describe('the engine reads the progress the action asked for', () => {
  it('a rawjson or tty display on stderr is not read: the action ran --progress=plain', async () => {
    const rawjson = stderrLines(corpus('01-multistage-clean', 'rawjson.log'));
    const run = await runFaked(
      { context: '.', 'min-cache-hit-ratio': '0.5' },
      { lines: rawjson },
      dockerfile,
    );
    expect(run.report.steps).toEqual([]);
    expect(run.report.format).toBe('plain');
  });
});

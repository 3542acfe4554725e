// Gates a RUN step cannot forge (issue 17, A.1): the bundled action on both engines, each case one
// build whose RUN prints what buildx's own lines look like (cached vertices, a context transfer,
// warnings, an error trailer, a step's DONE), with CRs to end a line early. Whatever it prints,
// the gates, the outputs, the error report and the record keep buildx's figures.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startActionsCacheServer, type ActionsCacheServer } from '../support/actions-cache-server.js';
import { ENGINES, requireEngine, runBundle, workspaceWith } from './bundle-run.js';

const marker = `${process.pid}-${Date.now().toString(36)}`;
const THREE_MB = randomBytes(3_000_000);

/**
 * A Dockerfile whose build stage runs `run` (its output forges with CRs), writes `lines` to a file
 * and whose last stage is that file alone: with `outputs: type=tar,dest=-` buildx writes the tar
 * to its stdout, so the same lines reach buildx's stdout as lines of their own.
 */
function forging(lines: string[], extra = '', run = '', args = ''): string {
  const text = `${lines.join('\\n')}\\n`;
  return `FROM local/busybox:1 AS build
${extra}RUN echo ${marker}; ${run}for i in $(seq 1 60); do printf '${text}' ${args} >> /forged.txt; printf '\\r${text.replace(/\\n/g, '\\r')}\\n' ${args}; done
FROM scratch
COPY --from=build /forged.txt /forged.txt
`;
}

const TAR_TO_STDOUT = { outputs: 'type=tar,dest=-' };

const FORGED_CACHED = forging(['#9%s [1/99] RUN fake %s', '#9%s CACHED', ''], '', '', '$i $i $i');

const FORGED_CONTEXT = forging(
  ['#901 [internal] load build context', '#901 transferring context: 1B done', '#901 DONE 0.0s', ''],
  'COPY big.bin /big.bin\n',
  "printf 'ok\\r#1 transferring context: 1B done\\n'; ",
);

const FORGED_WARNINGS = forging([
  'WARNING: forged plain',
  '1 warning found (use docker --debug to expand):',
  ' - SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (line 1)',
]);

const FORGED_ERROR = `FROM local/busybox:1
RUN echo ${marker} fine
RUN printf 'pull access denied for forged, repository does not exist or may require authorization\\n'; printf '\\rERROR: failed to solve: context canceled\\n'; printf 'x\\r------\\r > [9/9] RUN forged:\\r------\\n'; exit 3
`;

const FORGED_DURATION = forging(['#902 [2/2] RUN sleep', '#902 DONE 99999.9s', '']);

describe.each(ENGINES)('forging RUN steps on Docker Engine $name', ({ name, host }) => {
  const workspace = workspaceWith({
    cached: { Dockerfile: FORGED_CACHED },
    context: { Dockerfile: FORGED_CONTEXT, 'big.bin': THREE_MB },
    record: { Dockerfile: FORGED_CONTEXT, 'big.bin': randomBytes(3_000_000) },
    warnings: { Dockerfile: FORGED_WARNINGS },
    error: { Dockerfile: FORGED_ERROR },
    duration: { Dockerfile: FORGED_DURATION },
  });
  let server: ActionsCacheServer;
  beforeAll(async () => {
    requireEngine(name, host);
    server = await startActionsCacheServer();
  });
  afterAll(() => server.close());
  const base = { network: 'none', history: 'false' };

  it('min-cache-hit-ratio: 60 forged CACHED vertices on no-cache: true count for nothing', async () => {
    const run = await runBundle(workspace, host, {
      ...base,
      ...TAR_TO_STDOUT,
      context: 'cached',
      'no-cache': 'true',
      'min-cache-hit-ratio': '0.5',
    });
    console.log(
      `[${name}] forged CACHED: cache-hit-ratio ${run.outputs['cache-hit-ratio']}, exit ${run.code}`,
    );
    expect(run.stdout).toContain('#960 CACHED');
    expect(Number(run.outputs['cache-hit-ratio'])).toBeLessThan(0.5);
    expect(run.report!.steps.some((s: { name: string }) => s.name.startsWith('[1/99]'))).toBe(false);
    expect(run.code).toBe(1);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', properties: { title: 'Gate min-cache-hit-ratio failed' } }),
    );
  });

  it('max-context-size: a forged `transferring context: 1B` leaves the 3 MB context measured', async () => {
    const run = await runBundle(workspace, host, {
      ...base,
      ...TAR_TO_STDOUT,
      context: 'context',
      'no-cache': 'true',
      'max-context-size': '1MB',
    });
    const gate = run.annotations.find((a) => a.properties.title === 'Gate max-context-size failed');
    console.log(
      `[${name}] forged context: contextBytes ${run.report!.totals.contextBytes}, gate "${gate?.message}"`,
    );
    // What buildx's own line says (`transferring context: 3.00MB`), never plus the forged byte.
    expect(run.report!.totals.contextBytes).toBe(3_000_000);
    expect(run.code).toBe(1);
    expect(gate?.message).toMatch(/^build context 3\.00 MB \(the context directory\) > maximum 1\.00 MB/);
    expect(run.summary).toContain('3\\.00 MB');
  });

  it('fail-on-warnings: forged WARNING lines are output, not warnings', async () => {
    const run = await runBundle(workspace, host, {
      ...base,
      ...TAR_TO_STDOUT,
      context: 'warnings',
      'no-cache': 'true',
      'fail-on-warnings': 'true',
    });
    console.log(`[${name}] forged warnings: ${run.report!.warnings.length} warnings, exit ${run.code}`);
    expect(run.stdout).toContain('WARNING: forged plain');
    expect(run.report!.warnings).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.summary).toContain('| <code>fail\\-on\\-warnings</code> | ✅ passed |');
  });

  it("the error report: a forged 'pull access denied' and final ERROR leave the RUN's category and line", async () => {
    const run = await runBundle(workspace, host, { ...base, context: 'error', 'no-cache': 'true' });
    const error = run.annotations.find((a) => a.level === 'error' && a.properties.file);
    console.log(
      `[${name}] forged error: category ${run.outputs['error-category']}, line ${error?.properties.line}, step ${run.outputs['failed-step']}`,
    );
    expect(run.code).toBe(1);
    expect(run.outputs['error-category']).toBe('command-failed');
    expect(run.outputs['failed-step']).toMatch(/^\[3\/3\] RUN printf 'pull access denied/);
    expect(error?.properties).toMatchObject({ file: 'error/Dockerfile', line: '3' });
    expect(error?.properties.title).toBe('Build failed: command failed (exit code 3)');
  });

  it('max-duration: forged DONE lines of 99999.9s change no duration', async () => {
    const run = await runBundle(workspace, host, {
      ...base,
      ...TAR_TO_STDOUT,
      context: 'duration',
      'no-cache': 'true',
      'max-duration': '10m',
    });
    const durations = run.report!.steps.map((s: { durationMs: number | null }) => s.durationMs ?? 0);
    console.log(
      `[${name}] forged DONE: longest step ${Math.max(...durations)} ms, total ${run.report!.totals.durationMs} ms`,
    );
    expect(run.code).toBe(0);
    expect(Math.max(...durations)).toBeLessThan(60_000);
    expect(run.report!.totals.durationMs ?? 0).toBeLessThan(60_000);
    expect(run.summary).toContain('| <code>max\\-duration</code> | ✅ passed |');
  });

  it("the regression gates' record: the forged context figure is not saved as the branch's record", async () => {
    const run = await runBundle(
      workspace,
      host,
      { ...TAR_TO_STDOUT, network: 'none', context: 'record', 'no-cache': 'true' },
      {
        post: true,
        env: {
          ...server.env,
          GITHUB_EVENT_NAME: 'push',
          GITHUB_REF: 'refs/heads/main',
          GITHUB_REF_NAME: 'main',
          GITHUB_SHA: randomBytes(20).toString('hex'),
          GITHUB_RUN_ID: String(Date.now()),
          GITHUB_WORKFLOW_REF: `o/r/.github/workflows/forged-${name}.yml@refs/heads/main`,
        },
      },
    );
    expect(run.code).toBe(0);
    const record = JSON.parse(run.recordText) as { branch: string; contextBytes: number };
    console.log(`[${name}] forged context: record contextBytes ${record.contextBytes}`);
    expect(record.branch).toBe('main');
    // buildx's transfer figure, or the context measured on disk: never the forged one.
    const onDisk = FORGED_CONTEXT.length + 3_000_000;
    expect([3_000_000, onDisk]).toContain(record.contextBytes);
    expect(run.postStdout).toContain('the build record was saved');
  });
});

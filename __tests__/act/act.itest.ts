// Both actions under a real runner emulator: nektos/act (scripts/act/install.sh)
// runs __tests__/act/workflow.yml with the self-hosted platform, so each step runs
// on this machine the way a runner runs it: `uses: ./` and `uses: ./verify` read
// action.yml and start the committed bundles (dist/), act interprets the workflow
// commands, hands outputs to later steps and prints each step's job summary. The
// checks read act's own output: the annotations it raised (❗ lines), the outputs
// it set (⚙ ::set-output::), the summaries (⚙ Summary -) and what later steps saw.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForElasticsearch } from '../support/es-env.js';
import { dropScenario, seedScenario, type Scenario } from '../verify-action/itest-helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ACT = process.env.BXG_ACT ?? '/opt/buildx-gate/act/bin/act';
const ENGINE = process.env.BXG_ENGINE26_HOST ?? 'unix:///var/run/docker26.sock';

interface ActRun {
  status: number | null;
  /**
   * act's output per job: its entries for that job without the `[act/job]` prefix; an
   * entry spanning lines (a summary, a multi-line output) is one string.
   */
  jobs: Record<string, string[]>;
}

function actArgs(workflow: string, inputs: Record<string, string>): string[] {
  const args = ['workflow_dispatch', '-W', workflow, '-P', 'ubuntu-latest=-self-hosted'];
  for (const [name, value] of Object.entries(inputs)) args.push('--input', `${name}=${value}`);
  return args;
}

function runAct(inputs: Record<string, string>): ActRun {
  const args = actArgs('__tests__/act/workflow.yml', inputs);
  const run = spawnSync(ACT, args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 << 20 });
  return { status: run.status, jobs: byJob(`${run.stdout}${run.stderr}`) };
}

/** Runs act and sends it SIGINT once its output shows `when`, as Ctrl-C in a terminal does. */
function interruptAct(workflow: string, inputs: Record<string, string>, when: string): Promise<ActRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(ACT, actArgs(workflow, inputs), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!sent && output.includes(when)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, jobs: byJob(output) });
    });
  });
}

function byJob(output: string): Record<string, string[]> {
  const jobs: Record<string, string[]> = {};
  let job = '';
  // Lines without a prefix continue the previous entry (a multi-line summary or output).
  for (const line of output.split('\n')) {
    const m = /^\[[^/\]]+\/([\w-]+)\s*\] ?(.*)$/.exec(line);
    if (m) {
      job = m[1]!;
      (jobs[job] ??= []).push(m[2]!);
    } else if (job) {
      const entries = jobs[job]!;
      entries[entries.length - 1] += `\n${line}`;
    }
  }
  return jobs;
}

/** The `bxg-act <check> key=value ...` line a check step printed. */
function checkLine(lines: string[], check: string): string {
  const line = lines.find((l) => l.includes(`| bxg-act ${check} `));
  if (!line) throw new Error(`no '${check}' check line in act's output:\n${lines.join('\n')}`);
  return line.slice(line.indexOf(`bxg-act ${check} `));
}

/** Annotations act raised (it prints the commands it interpreted after ❗, notices after ❓). */
const annotations = (lines: string[]) =>
  lines
    .filter((l) => /^\s*[❗❓]\s+::(error|warning|notice)/u.test(l))
    .map((l) => l.replace(/^\s*[❗❓]\s+/u, ''));

/** The job summaries act read from each step's GITHUB_STEP_SUMMARY file (it prints `⚙  Summary - <markdown>`). */
const summaries = (lines: string[]) =>
  lines.map((l) => /^\s*⚙\s+Summary - ([\s\S]*)$/.exec(l)?.[1]).filter((s): s is string => s !== undefined);

describe('the actions under nektos/act (self-hosted runner)', () => {
  let scenario: Scenario;
  let dir: string;
  let run: ActRun;

  beforeAll(async () => {
    if (!existsSync(ACT)) throw new Error(`${ACT} is missing: run 'bash scripts/act/install.sh'`);
    for (const bundle of ['dist/build/index.js', 'dist/verify/index.js'])
      if (!existsSync(path.join(ROOT, bundle))) throw new Error(`${bundle} is missing: run 'npm run build'`);
    await waitForElasticsearch('8');
    scenario = await seedScenario('act', ['--docs', '5000']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-act-'));
    run = runAct({
      'docker-host': ENGINE,
      tag: `bxg-act-${path
        .basename(dir)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')}`,
      'elasticsearch-url': scenario.url,
      index: `${scenario.prefix}-*`,
      'deployed-at': new Date(scenario.deployAt).toISOString(),
      'rollback-marker': path.join(dir, 'rolled-back'),
    });
  }, 300_000);
  afterAll(async () => {
    await dropScenario(scenario);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the workflow to the end: the failing steps continue-on-error, every check step passes', () => {
    expect(run.status).toBe(0);
    expect(run.jobs.build?.some((l) => l.includes('🏁  Job succeeded'))).toBe(true);
    expect(run.jobs.verify?.some((l) => l.includes('🏁  Job succeeded'))).toBe(true);
  });

  it('success: outputs reach the next step, the report file exists, the summary is the build summary', () => {
    const lines = run.jobs.build!;
    expect(checkLine(lines, 'success')).toMatch(
      /^bxg-act success imageid=sha256:[0-9a-f]{64} ratio=[\d.]+ failed-step=\[\]$/,
    );
    expect(lines.some((l) => l.endsWith('| bxg-act success report-outcome=success'))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/⚙\s+::set-output:: imageid=sha256:[0-9a-f]{64}$/));
    const [first] = summaries(lines);
    expect(first).toMatch(/^## ✅ Docker build succeeded/);
    expect(first).toContain('```mermaid\n%%{init:');
  });

  it('failure: an error annotation at the Dockerfile line; output injected by the build stays inert', () => {
    const lines = run.jobs.build!;
    const raised = annotations(lines);
    expect(raised).toContainEqual(
      expect.stringMatching(
        /^::error title=Build failed%3A command failed \(exit code 3\),file=__tests__\/fixtures\/dockerfiles\/failing-run\/Dockerfile,line=5::failed to solve/,
      ),
    );
    // The fixture's RUN prints `::error file=.github/workflows/ci.yml,...`: act shows it as
    // output (and our annotation quotes it, encoded), never raises it.
    expect(lines.some((l) => /\| .*::error file=\.github\/workflows\/ci\.yml/.test(l))).toBe(true);
    expect(raised.filter((a) => a.startsWith('::error file=.github'))).toEqual([]);
    expect(checkLine(lines, 'failure')).toBe(
      'bxg-act failure outcome=failure category=command-failed failed-step=[[5/5] RUN ./run-tests.sh]',
    );
    expect(summaries(lines)).toContainEqual(expect.stringMatching(/^## ❌ Docker build failed/));
  });

  it('gates: a missed cache gate fails the step with its annotation, the image is still built', () => {
    const lines = run.jobs.build!;
    expect(annotations(lines)).toContainEqual(
      expect.stringMatching(/^::error title=Gate min-cache-hit-ratio failed::cache hit ratio \d+%25/),
    );
    expect(checkLine(lines, 'gate')).toMatch(
      /^bxg-act gate outcome=failure ratio=0\.\d+ imageid=sha256:[0-9a-f]{64}$/,
    );
    expect(summaries(lines)).toContainEqual(
      expect.stringMatching(/^## ❌ Docker build succeeded, but 1 gate failed/),
    );
  });

  it('verify: rollback against the real Elasticsearch, the rollback command ran, outputs and summary', () => {
    const lines = run.jobs.verify!;
    expect(annotations(lines)).toContainEqual(
      expect.stringMatching(
        /^::error title=Deploy verification%3A rollback::rule 'timeouts' matched \d+ times, max 20/,
      ),
    );
    expect(checkLine(lines, 'verify')).toMatch(
      /^bxg-act verify outcome=failure decision=rollback rollback-triggered=true breached=\[timeouts\] errors=\d+$/,
    );
    expect(readFileSync(path.join(dir, 'rolled-back'), 'utf8')).toBe('rolled back rollback\n');
    const [summary] = summaries(lines);
    expect(summary).toMatch(/^## ⏪ Deploy verification: rollback/);
    expect(summary).toContain('xychart-beta');
  });

  it('cancel: SIGINT to act mid-RUN leaves no buildx running; outputs and summary say cancelled', async () => {
    const tag = `bxg-act-cancel-${path
      .basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`;
    const started = Date.now();
    const cancelled = await interruptAct(
      '__tests__/act/cancel.yml',
      { 'docker-host': ENGINE, tag },
      'sleeping now',
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    const lines = cancelled.jobs.cancel!;
    expect(cancelled.status).not.toBe(0);
    // act kills the step; the post step stops the buildx it left behind before act exits.
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes.split('\n').filter((p) => p.includes(`${tag}/cancel:1`))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/⚙\s+::set-output:: error-category=cancelled$/));
    expect(annotations(lines)).toContainEqual(
      expect.stringMatching(/^::error title=Docker build cancelled::/),
    );
    expect(summaries(lines)).toContainEqual(expect.stringMatching(/^## ⏹️ Docker build cancelled/));
    expect(lines.some((l) => l.endsWith('| bxg-act cancel outcome=failure'))).toBe(true);
  }, 120_000);
});

describe('build history under nektos/act: its own Actions cache server and post steps', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-act-history-'));
  const marker = `${process.pid}-${Date.now().toString(36)}`;
  /** A push to main, or a pull request from feature-x, with the app at a version; act's cache kept in dir. */
  const runEvent = (event: 'push' | 'pull_request', version: number): ActRun => {
    const payload =
      event === 'push'
        ? { ref: 'refs/heads/main', repository: { default_branch: 'main' } }
        : {
            pull_request: { number: 7, head: { ref: 'feature-x' }, base: { ref: 'main' } },
            repository: { default_branch: 'main' },
          };
    const eventFile = path.join(dir, `${event}.json`);
    writeFileSync(eventFile, JSON.stringify(payload));
    const args = [
      event,
      '-e',
      eventFile,
      '-W',
      '__tests__/act/history.yml',
      '-P',
      'ubuntu-latest=-self-hosted',
    ];
    for (const [name, value] of Object.entries({
      DOCKER_HOST: ENGINE,
      BXG_MARKER: marker,
      BXG_APP_VERSION: String(version),
    }))
      args.push('--env', `${name}=${value}`);
    args.push('--cache-server-path', path.join(dir, 'cache'));
    const run = spawnSync(ACT, args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000, maxBuffer: 64 << 20 });
    return { status: run.status, jobs: byJob(`${run.stdout}${run.stderr}`) };
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('main, then pull request 7 that changed a source file: the record travels in act’s cache as pr-7, blame names the file', () => {
    if (!existsSync(ACT)) throw new Error(`${ACT} is missing: run 'bash scripts/act/install.sh'`);
    const main = runEvent('push', 1);
    expect(main.status).toBe(0);
    const mainLines = main.jobs.build!;
    expect(summaries(mainLines).join('\n')).toMatch(/no cache record yet/);
    // The cache worker saved the record after the step; the post step said so.
    expect(mainLines).toContainEqual(
      expect.stringContaining('buildx-gate history: the build record was saved to the GitHub Actions cache.'),
    );

    const pr = runEvent('pull_request', 2);
    expect(pr.status).toBe(0);
    const prLines = pr.jobs.build!;
    expect(prLines).toContainEqual(
      // A pull request is its number, never its head branch (a fork may call it main).
      expect.stringMatching(/buildx-gate history: record of pr-7 .*; compared with main at /),
    );
    const blame = annotations(prLines).find((a) => a.startsWith('::notice title=Cache miss'));
    expect(blame).toMatch(
      /^::notice title=Cache miss in the build,file=\.tmp\/act-history\/app\/Dockerfile,line=3::1 file it copies changed: src\/app\.txt\. Cost: /,
    );
    expect(prLines).toContainEqual(
      expect.stringContaining('buildx-gate history: the build record was saved to the GitHub Actions cache.'),
    );
  }, 300_000);
});

// The Argo Rollouts and Kubernetes recipes in examples/, executed for real: the rollback and pause
// commands of the example workflows run through the verify action's own shell (bash, BXG_*
// variables, the job's env) against a fake kubectl on PATH that records its arguments; the
// AnalysisTemplate's Job arguments run through the CLI, whose exit status is the analysis verdict.
// covers: src/verify-action/respond/rollback.ts, src/verify-action/respond/pause.ts
// covers: src/verify-action/respond/bash-shell.ts
import { beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runVerify } from '../../../src/cli/verify.js';
import { bashShell } from '../../../src/verify-action/respond/bash-shell.js';
import { INPUT_NAMES } from '../../../src/verify-action/config/input-names.js';
import { readInputs } from '../../../src/verify-action/config/inputs.js';
import type { HttpTransport } from '../../../src/verify-action/ports.js';
import { runPause } from '../../../src/verify-action/respond/pause.js';
import { runRollback, type RollbackFacts } from '../../../src/verify-action/respond/rollback.js';
import { fakeClock } from '../helpers.js';
import { BURST, depsFor } from '../run-fixtures.js';

const FACTS: RollbackFacts = {
  decision: 'rollback',
  reason: "rule 'timeouts' matched 57 times, max 20",
  errorCount: 412,
  errorRate: 41.2,
  baselineRate: 0.5,
  breachedRules: ['timeouts'],
  newErrorCount: 2,
  service: 'checkout',
  environment: 'staging',
  deployedAt: Date.parse('2026-11-27T11:50:00Z'),
};

interface Step {
  uses?: string;
  id?: string;
  with?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

const workflow = (path: string) => parse(readFileSync(path, 'utf8')) as Workflow;

/** The verify steps of a workflow, with their job's env. */
function verifySteps(
  path: string,
): { job: string; env: Record<string, string>; with: Record<string, string> }[] {
  return Object.entries(workflow(path).jobs).flatMap(([job, j]) =>
    j.steps
      .filter((s) => /\/buildx-gate\/verify@/.test(s.uses ?? ''))
      .map((s) => ({ job, env: j.env ?? {}, with: s.with ?? {} })),
  );
}

/** What the workflow expressions stand for in a run. */
const EXPRESSIONS: Record<string, string> = {
  'vars.ES_URL': 'http://127.0.0.1:9200',
  'secrets.ES_API_KEY': 'c2VjcmV0OmtleQ==',
  'steps.deploy.outputs.at': '2026-11-27T11:50:00Z',
  'vars.ALERTMANAGER_URL': 'http://127.0.0.1:9093',
  'secrets.ALERTMANAGER_HEADERS': 'Authorization: Bearer am-token',
  'secrets.SLACK_WEBHOOK_URL': 'https://hooks.slack.example/services/T0/B0/X',
};
const evaluate = (text: string) =>
  text.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in EXPRESSIONS)) throw new Error(`no value for the expression ${name}`);
    return EXPRESSIONS[name]!;
  });

let bin: string;
let log: string;

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'bxg-i8-kubectl-'));
  log = join(bin, 'calls.log');
  // A kubectl that records each call (one line, arguments shell-quoted), answers `get` with the
  // state the test sets, and fails the subcommand named in FAKE_KUBECTL_FAIL.
  await writeFile(
    join(bin, 'kubectl'),
    `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "${log}"
case "$*" in
  "get rollout "*) printf '%s' "\${FAKE_ROLLOUT_STATE:-Healthy/}" ;;
  "get deployment "*) printf '%s' "\${FAKE_DEPLOYMENT_PAUSED:-}" ;;
esac
if [ -n "\${FAKE_KUBECTL_FAIL:-}" ] && [[ "$*" == *"\${FAKE_KUBECTL_FAIL}"* ]]; then
  echo "error: the server refused \${FAKE_KUBECTL_FAIL}" >&2
  exit 1
fi
`,
  );
  await chmod(join(bin, 'kubectl'), 0o755);
});

/** Runs a command of a recipe as the verify action does, with the job env and the fake kubectl. */
async function run(
  kind: 'rollback' | 'pause',
  command: string,
  env: Record<string, string>,
  fake: Record<string, string> = {},
) {
  await writeFile(log, '');
  const output: string[] = [];
  const shell = bashShell({ PATH: `${bin}:${process.env.PATH}`, ...env, ...fake });
  const deps = { shell, onOutput: (t: string) => output.push(t), secrets: [] };
  const outcome =
    kind === 'rollback'
      ? (
          await runRollback({ command }, FACTS, {
            ...deps,
            github: async () => ({ request: async () => ({ status: 204 }) }),
          })
        ).results[0]!
      : await runPause({ command, timeoutMs: 60_000 }, { ...FACTS, decision: 'pause' }, deps);
  const calls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { outcome, calls, output: output.join('') };
}

describe('the example workflows', () => {
  const files = ['examples/argo-rollouts/deploy.yml', 'examples/notify-and-pause.yml'];

  it.each(files)('%s: every verify step uses declared inputs and parses', (file) => {
    const steps = verifySteps(file);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      for (const name of Object.keys(step.with)) expect(INPUT_NAMES).toContain(name);
      const inputs = Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, evaluate(String(v))]));
      expect(() =>
        readInputs((n) => inputs[n] ?? '', { now: Date.parse('2026-11-27T12:00:00Z'), env: {} }),
      ).not.toThrow();
    }
  });
});

describe('Argo Rollouts: examples/argo-rollouts/deploy.yml', () => {
  const [staging] = verifySteps('examples/argo-rollouts/deploy.yml');
  const rollback = staging!.with['rollback-command']!;

  it('aborts a rollout still in its canary steps', async () => {
    for (const state of ['Progressing/', 'Paused/']) {
      const r = await run('rollback', rollback, staging!.env, { FAKE_ROLLOUT_STATE: state });
      expect(r.outcome).toMatchObject({ succeeded: true });
      expect(r.calls).toEqual([
        'get rollout checkout -n shop-staging -o jsonpath={.status.phase}/{.status.abort}',
        'argo rollouts abort checkout -n shop-staging',
      ]);
      expect(r.output).toContain(
        `buildx-gate: rollback of rollout checkout in shop-staging (phase ${state.slice(0, -1)}): rule 'timeouts' matched 57 times, max 20`,
      );
    }
  });

  it('undoes a fully promoted rollout and waits for it', async () => {
    for (const state of ['Healthy/', 'Degraded/false']) {
      const r = await run('rollback', rollback, staging!.env, { FAKE_ROLLOUT_STATE: state });
      expect(r.outcome).toMatchObject({ succeeded: true });
      expect(r.calls.slice(1)).toEqual([
        'argo rollouts undo checkout -n shop-staging',
        'argo rollouts status checkout -n shop-staging --timeout 10m',
      ]);
    }
  });

  it('leaves an aborted rollout alone, and refuses a phase it does not know', async () => {
    const aborted = await run('rollback', rollback, staging!.env, { FAKE_ROLLOUT_STATE: 'Degraded/true' });
    expect(aborted.outcome).toMatchObject({ succeeded: true });
    expect(aborted.calls).toHaveLength(1);
    const unknown = await run('rollback', rollback, staging!.env, { FAKE_ROLLOUT_STATE: 'Mystery/' });
    expect(unknown.outcome).toMatchObject({
      succeeded: false,
      detail: 'rollback-command exited with code 1',
    });
  });

  it('reports a failed rollback when kubectl fails', async () => {
    const r = await run('rollback', rollback, staging!.env, {
      FAKE_ROLLOUT_STATE: 'Healthy/',
      FAKE_KUBECTL_FAIL: 'rollouts status',
    });
    expect(r.outcome).toMatchObject({ succeeded: false, detail: 'rollback-command exited with code 1' });
    expect(r.output).toContain('error: the server refused rollouts status');
  });

  it('needs ROLLOUT in the step env, and says so', async () => {
    const r = await run('rollback', rollback, {});
    expect(r.outcome).toMatchObject({ succeeded: false });
    expect(r.output).toContain('set ROLLOUT (the Rollout name) in the step env');
    expect(r.calls).toEqual([]);
  });

  it('pauses the rollout with the plugin, and tells how to resume it', async () => {
    const r = await run('pause', staging!.with['pause-command']!, staging!.env);
    expect(r.calls).toEqual(['argo rollouts pause checkout -n shop-staging']);
    expect(r.outcome).toMatchObject({ triggered: true, succeeded: true });
    expect((r.outcome as Awaited<ReturnType<typeof runPause>>).resume[0]).toEqual({
      text: 'resume the rollout',
      command: 'kubectl argo rollouts promote checkout -n shop-staging',
    });
  });
});

describe('Kubernetes Deployment: examples/notify-and-pause.yml', () => {
  const [staging] = verifySteps('examples/notify-and-pause.yml');

  it('undoes the Deployment and waits for it, resuming a paused one first', async () => {
    const rollback = staging!.with['rollback-command']!;
    const running = await run('rollback', rollback, staging!.env);
    expect(running.outcome).toMatchObject({ succeeded: true });
    expect(running.calls).toEqual([
      'get deployment checkout -n shop-staging -o jsonpath={.spec.paused}',
      'rollout undo deployment/checkout -n shop-staging',
      'rollout status deployment/checkout -n shop-staging --timeout 10m',
    ]);
    const paused = await run('rollback', rollback, staging!.env, { FAKE_DEPLOYMENT_PAUSED: 'true' });
    expect(paused.calls.slice(1)).toEqual([
      'rollout resume deployment/checkout -n shop-staging',
      'rollout undo deployment/checkout -n shop-staging',
      'rollout status deployment/checkout -n shop-staging --timeout 10m',
    ]);
  });

  it('pauses the Deployment, and tells how to resume it', async () => {
    const r = await run('pause', staging!.with['pause-command']!, staging!.env);
    expect(r.calls).toEqual(['rollout pause deployment/checkout -n shop-staging']);
    expect((r.outcome as Awaited<ReturnType<typeof runPause>>).resume[0]).toEqual({
      text: 'resume the rollout',
      command: 'kubectl rollout resume deployment/checkout -n shop-staging',
    });
  });
});

describe('Argo Rollouts analysis: examples/argo-rollouts/analysis-template.yaml', () => {
  interface Container {
    args: string[];
    env: { name: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  }
  const template = parse(readFileSync('examples/argo-rollouts/analysis-template.yaml', 'utf8')) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec: {
      args: { name: string; value?: string }[];
      metrics: {
        count: number;
        failureLimit: number;
        provider: {
          job: {
            spec: {
              backoffLimit: number;
              template: { spec: { restartPolicy: string; containers: Container[] } };
            };
          };
        };
      }[];
    };
  };
  const rollout = parse(readFileSync('examples/argo-rollouts/rollout.yaml', 'utf8')) as {
    spec: {
      strategy: {
        canary: {
          steps: {
            analysis?: { templates: { templateName: string }[]; args: { name: string; value: string }[] };
          }[];
        };
      };
    };
  };
  const metric = template.spec.metrics[0]!;
  const job = metric.provider.job.spec;
  const container = job.template.spec.containers[0]!;

  it('is an AnalysisTemplate whose Job runs once, is not retried, and the Rollout refers to it', () => {
    expect(template).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' });
    expect(metric).toMatchObject({ count: 1, failureLimit: 0 });
    expect(job.backoffLimit).toBe(0);
    expect(job.template.spec.restartPolicy).toBe('Never');
    expect(container.args.slice(0, 2)).toEqual(['verify', '--json']);
    const steps = rollout.spec.strategy.canary.steps.filter((s) => s.analysis);
    expect(steps).toHaveLength(2);
    const declared = template.spec.args.map((a) => a.name);
    for (const step of steps) {
      expect(step.analysis!.templates[0]!.templateName).toBe(template.metadata.name);
      for (const arg of step.analysis!.args) expect(declared).toContain(arg.name);
    }
    // Credentials come from a Secret, as the CLI's BUILDX_GATE_* variables, not as arguments.
    expect(container.env.map((e) => e.name)).toEqual(['BUILDX_GATE_API_KEY']);
    expect(container.env[0]!.valueFrom!.secretKeyRef).toBeDefined();
  });

  /** The Job's arguments as Argo Rollouts renders them for the Rollout's first analysis step. */
  function renderedArgs(): string[] {
    const step = rollout.spec.strategy.canary.steps.find((s) => s.analysis)!;
    const values: Record<string, string> = Object.fromEntries(
      template.spec.args.filter((a) => a.value !== undefined).map((a) => [a.name, a.value!]),
    );
    for (const a of step.analysis!.args) values[a.name] = a.value;
    // Loopback only in tests: the in-cluster service names stand for these.
    values['elasticsearch-url'] = 'http://127.0.0.1:9200';
    return container.args
      .map((arg) => arg.replace(/\{\{args\.([\w-]+)\}\}/g, (_, n: string) => values[n] ?? `<missing ${n}>`))
      .map((arg) => arg.replace('http://alertmanager.monitoring.svc:9093', 'http://127.0.0.1:9093'));
  }

  async function analysis(counts: typeof BURST) {
    const out: string[] = [];
    const err: string[] = [];
    const deps = depsFor(counts);
    const sent: string[] = [];
    const http: HttpTransport = {
      post: async (url) => {
        sent.push(url);
        return { status: 200, body: '' };
      },
    };
    const [command, ...argv] = renderedArgs();
    expect(command).toBe('verify');
    const code = await runVerify(
      argv,
      {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: { BUILDX_GATE_API_KEY: 'c2VjcmV0OmtleQ==' },
        stdin: process.stdin,
        cwd: process.cwd(),
      },
      // The Job starts right after the traffic step: the clock starts now, like deployed-at.
      { connect: deps.connect, clock: fakeClock(Date.now()), rollback: deps.rollback, http },
    );
    return { code, report: JSON.parse(out.join('')) as Record<string, unknown>, err: err.join(''), sent };
  }

  it('exits 1 on a timeout storm, the JSON report in its log: the analysis fails, Argo aborts', async () => {
    // As many errors per minute as before the deploy, but the timeouts rule breaches twice in a row.
    const r = await analysis({ ...BURST, baselineErrors: 15_000 });
    expect(r.err).not.toContain('<missing');
    expect(r.code).toBe(1);
    expect(r.report).toMatchObject({ decision: 'rollback', breachedRules: ['timeouts'], gateFailed: true });
    expect((r.report.checks as unknown[]).length).toBe(2); // consecutive: 2
  });

  it('exits 0 on clean logs: the analysis passes, the canary goes on', async () => {
    const r = await analysis({
      total: 1000,
      errors: 2,
      baselineTotal: 6000,
      baselineErrors: 12,
      rules: [0, 0],
    });
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ decision: 'pass', gateFailed: false });
    // The auth failed rule's alert (if an earlier canary raised one) is resolved in Alertmanager.
    expect(r.sent).toEqual(['http://127.0.0.1:9093/api/v2/alerts']);
  });
});

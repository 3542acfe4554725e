// Alerts through a real Prometheus Alertmanager (scripts/alertmanager/start.sh): a verification of
// real logs breaches two rules, posts them to Alertmanager's API v2 and one to a webhook; what
// Alertmanager then sends its webhook receiver (this test's recording server) is asserted, and a
// later clean verification resolves the alerts. The run_id label keeps this run's alerts apart from
// earlier runs' (Alertmanager keeps state between test runs).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForElasticsearch } from '../../support/es-env.js';
import { parseFileCommands } from '../../support/github-output.js';
import {
  bundleEntries,
  dropScenario,
  seedScenario,
  verifyScenario,
  type Scenario,
} from '../itest-helpers.js';

const AM_URL = process.env.BXG_ALERTMANAGER_URL ?? 'http://127.0.0.1:9093';
const RECEIVER_PORT = Number(process.env.BXG_ALERTMANAGER_RECEIVER_PORT ?? 9095);
const RUN_URL = 'https://github.com/acme/shop/actions/runs/88';

interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}
interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

const runId = randomBytes(6).toString('hex');
const received: Received[] = [];
let server: Server;
let scenario: Scenario;
let dir: string;

const rules = (max: number) => `
- name: timeouts
  phrase: timeout
  max: ${max}
  action: rollback
  notify: [alertmanager]
- name: auth failed
  phrase: auth failed
  max: ${max}
  action: pause
  notify: [alertmanager, webhook]
  labels: {team: security}`;

const inputs = (max: number) => ({
  service: 'checkout',
  environment: 'production',
  'max-increase': 'off',
  rules: rules(max),
  'alertmanager-url': AM_URL,
  'webhook-url': `http://127.0.0.1:${RECEIVER_PORT}/hook/T0/B0/SECRETTOKEN`,
  'webhook-headers': 'X-Hook-Secret: hook-secret-123',
  'alert-labels': `run_id: "${runId}"`,
});

/** The alerts of this run that Alertmanager notified its receiver of. */
function notified(status: 'firing' | 'resolved'): AmAlert[] {
  return received
    .filter((r) => r.path === '/alertmanager')
    .flatMap((r) => r.body.alerts as AmAlert[])
    .filter((a) => a.labels.run_id === runId && a.status === status);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(received)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const ready = await fetch(`${AM_URL}/-/ready`).catch(() => null);
  if (!ready?.ok) {
    throw new Error(
      `no Alertmanager at ${AM_URL}: run scripts/alertmanager/install.sh && scripts/alertmanager/start.sh`,
    );
  }
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({
        path: req.url!.startsWith('/hook/') ? '/hook' : req.url!,
        headers: req.headers,
        body: JSON.parse(text || '{}'),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(RECEIVER_PORT, '127.0.0.1', resolve);
  });
  await waitForElasticsearch('8');
  scenario = await seedScenario('notify', ['--docs', '5000']);
  dir = await mkdtemp(join(tmpdir(), 'bxg-i8-notify-'));
  // The action's entry bundled as scripts/bundle.mjs does, to run it as the runner would.
  await bundleEntries(dir, { 'verify/index': 'src/verify-action/index.ts' });
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await dropScenario(scenario);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('alerts through a real Alertmanager', () => {
  it('fires an alert per breached rule, with its labels and figures, and resolves them later', async () => {
    const report = await verifyScenario(scenario, inputs(10), { runUrl: RUN_URL });
    expect(report.decision).toBe('rollback');
    expect(report.breachedRules).toEqual(['timeouts', 'auth failed']);
    expect(report.notifications).toMatchObject({ sent: 3, failed: false });

    // What Alertmanager sent its webhook receiver after group_wait.
    const firing = await until('two firing alerts from Alertmanager', () => {
      const alerts = notified('firing');
      return alerts.length >= 2 ? alerts : undefined;
    });
    const byRule = Object.fromEntries(firing.map((a) => [a.labels.rule, a]));
    expect(Object.keys(byRule).sort()).toEqual(['auth failed', 'timeouts']);
    const auth = byRule['auth failed']!;
    const authResult = report.rules.find((r) => r.name === 'auth failed')!;
    expect(auth.labels).toEqual({
      alertname: 'BuildxGateVerifyBreach',
      service: 'checkout',
      environment: 'production',
      rule: 'auth failed',
      severity: 'critical',
      team: 'security',
      run_id: runId,
    });
    expect(auth.annotations).toMatchObject({
      summary: `checkout (production): rule 'auth failed' matched ${authResult.count} times, max 10 → pausing the rollout (nothing is rolled back)`,
      action: 'pause',
      matches: String(authResult.count),
      max: '10',
      error_count: String(report.errorCount),
      run_url: RUN_URL,
      deployed_at: new Date(scenario.deployAt).toISOString(),
    });
    expect(auth.annotations.top_errors).toMatch(/^\d+× /);
    expect(auth.generatorURL).toBe(RUN_URL);
    // Alertmanager blanks endsAt in notifications of firing alerts; its API below has the real one.
    expect(auth.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(byRule.timeouts!.labels).toMatchObject({ rule: 'timeouts', severity: 'critical', run_id: runId });
    expect(byRule.timeouts!.labels).not.toHaveProperty('team');

    // The webhook got the auth failed alert only, with its header and Slack-compatible text.
    const hooks = received.filter((r) => r.path === '/hook');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.headers['x-hook-secret']).toBe('hook-secret-123');
    expect(hooks[0]!.body.text).toMatch(
      /^:rotating_light: \*buildx-gate verify\*: checkout \(production\): rule 'auth failed'/,
    );
    expect(JSON.stringify(report)).not.toContain('SECRETTOKEN');

    // Alertmanager holds them as active alerts.
    const active = (await (
      await fetch(`${AM_URL}/api/v2/alerts?filter=${encodeURIComponent(`run_id="${runId}"`)}`)
    ).json()) as {
      labels: Record<string, string>;
      status: { state: string };
      startsAt: string;
      endsAt: string;
    }[];
    expect(active.map((a) => [a.labels.rule, a.status.state]).sort()).toEqual([
      ['auth failed', 'active'],
      ['timeouts', 'active'],
    ]);
    for (const a of active) expect(Date.parse(a.endsAt) - Date.parse(a.startsAt)).toBe(3_600_000);

    // A later verification finds both rules within limits: Alertmanager resolves and says so.
    const clean = await verifyScenario(scenario, inputs(1_000_000), { runUrl: RUN_URL });
    expect(clean.decision).toBe('pass');
    expect(clean.notifications.alerts.map((a) => [a.rule, a.status])).toEqual([
      ['timeouts', 'resolved'],
      ['auth failed', 'resolved'],
    ]);
    const resolved = await until('two resolved alerts from Alertmanager', () => {
      const alerts = notified('resolved');
      return alerts.length >= 2 ? alerts : undefined;
    });
    expect(resolved.map((a) => a.labels.rule).sort()).toEqual(['auth failed', 'timeouts']);
    const resolvedAuth = resolved.find((a) => a.labels.rule === 'auth failed')!;
    expect(resolvedAuth.startsAt).toBe(auth.startsAt);
    expect(Date.parse(resolvedAuth.endsAt)).toBeLessThan(Date.parse(auth.startsAt) + 3_600_000);
    expect(Date.parse(resolvedAuth.endsAt)).toBeGreaterThanOrEqual(Date.parse(auth.startsAt));
    // Resolves go to Alertmanager only; the webhook heard nothing more.
    expect(received.filter((r) => r.path === '/hook')).toHaveLength(1);
    if (process.env.BXG_PRINT_ALERTS) console.log(JSON.stringify(received, null, 2));
  });
});

describe('the verify action as a process: pause and notify', () => {
  it('pauses, alerts the security team, says how to resume, and never prints the webhook secrets', async () => {
    const actionRun = randomBytes(6).toString('hex');
    const files = {
      output: join(dir, 'output.txt'),
      summary: join(dir, 'summary.md'),
      paused: join(dir, 'paused.txt'),
    };
    await writeFile(files.output, '');
    await writeFile(files.summary, '');
    const inputs: Record<string, string> = {
      'elasticsearch-url': scenario.url,
      index: `${scenario.prefix}-*`,
      service: 'checkout',
      environment: 'production',
      'deployed-at': new Date(scenario.deployAt).toISOString(),
      duration: '0',
      'max-increase': 'off',
      rules:
        '- {name: auth failed, phrase: auth failed, max: 10, action: pause, notify: [alertmanager, webhook], labels: {team: security}}',
      'pause-command': 'kubectl argo rollouts pause checkout -n shop',
      'alertmanager-url': AM_URL,
      'webhook-url': `http://127.0.0.1:${RECEIVER_PORT}/hook/T0/B0/PROCSECRET`,
      'webhook-headers': 'X-Hook-Secret: proc-secret-456',
      'alert-labels': `run_id: "${actionRun}"`,
    };
    // A kubectl that records its arguments and the verdict it was given.
    await mkdir(join(dir, 'bin'), { recursive: true });
    await writeFile(
      join(dir, 'bin', 'kubectl'),
      `#!/usr/bin/env bash\necho "$BXG_DECISION|$BXG_BREACHED_RULES|$*" >> ${files.paused}\n`,
      { mode: 0o755 },
    );
    const env: Record<string, string> = {
      PATH: `${join(dir, 'bin')}:${process.env.PATH!}`,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: dir,
      GITHUB_RUN_ID: '99',
      GITHUB_REPOSITORY: 'acme/shop',
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    // Not spawnSync: the recording server in this process must answer the action's webhook POST.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('node', [join(dir, 'dist/verify/index.js')], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const outputs = parseFileCommands(await readFile(files.output, 'utf8'), {
      wordNames: true,
      openEnd: true,
    });
    const summary = await readFile(files.summary, 'utf8');

    expect(run.status).toBe(1);
    expect(outputs).toMatchObject({
      decision: 'pause',
      paused: 'true',
      'rollback-triggered': 'false',
      'alerts-sent': '2',
    });
    expect(await readFile(files.paused, 'utf8')).toBe(
      'pause|auth failed|argo rollouts pause checkout -n shop\n',
    );
    expect(summary).toContain('## ⏸️ Deploy verification: pause');
    expect(summary).toContain('### ⏸️ Paused: the rollout is stopped, what runs stays');
    expect(summary).toContain(
      'resume the rollout: <code>kubectl argo rollouts promote checkout \\-n shop</code>',
    );
    expect(summary).toMatch(
      /\| auth failed \| firing, ends \d\d:\d\d UTC unless resolved \| .*<code>team=security<\/code>.* \| alertmanager: sent<br>webhook: sent \|/,
    );
    expect(run.stdout).toContain('::add-mask::proc-secret-456');
    const printed = [
      run.stdout.replace(/::add-mask::.*\n/g, ''),
      run.stderr,
      summary,
      await readFile(outputs.report!, 'utf8'),
    ].join('\n');
    expect(printed).not.toContain('PROCSECRET');
    expect(printed).not.toContain('proc-secret-456');

    const firing = await until("the action's alert from Alertmanager", () => {
      const alerts = received
        .filter((r) => r.path === '/alertmanager')
        .flatMap((r) => r.body.alerts as AmAlert[])
        .filter((a) => a.labels.run_id === actionRun);
      return alerts.length ? alerts : undefined;
    });
    expect(firing[0]!.labels).toMatchObject({ rule: 'auth failed', severity: 'critical', team: 'security' });
    expect(firing[0]!.generatorURL).toBe('https://github.com/acme/shop/actions/runs/99/attempts/1');
  });
});

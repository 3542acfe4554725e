// Each rollback trigger for real: the command through bash, and the GitHub API
// calls through @actions/github's Octokit against a local server that records
// what it receives, all after a rollback decision on real logs.
// covers: src/verify-action/respond/rollback.ts, src/verify-action/respond/bash-shell.ts
// covers: src/verify-action/respond/github-api.ts
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForElasticsearch } from '../../support/es-env.js';
import { bashShell } from '../../../src/verify-action/respond/bash-shell.js';
import { octokitApi } from '../../../src/verify-action/respond/github-api.js';
import { dropScenario, seedScenario, verifyScenario, type Scenario } from '../itest-helpers.js';

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

let scenario: Scenario;
let server: Server;
let apiUrl: string;
const recorded: Recorded[] = [];
let answer: (url: string) => number = () => 204;

const rollbackRule = {
  service: 'checkout',
  environment: 'production',
  'max-increase': 'off',
  rules: '- {name: timeouts, phrase: timeout, max: 10, action: rollback}',
};

beforeAll(async () => {
  await waitForElasticsearch('8');
  scenario = await seedScenario('rollback', ['--docs', '5000']);
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      recorded.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        body: text ? JSON.parse(text) : {},
      });
      const status = answer(req.url!);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status >= 400
          ? JSON.stringify({ message: 'Resource not accessible by integration' })
          : status === 201
            ? '{"id":1}'
            : '',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await dropScenario(scenario);
});
beforeEach(() => {
  recorded.length = 0;
  answer = (url) => (url.includes('/statuses') ? 201 : 204);
});

const output: string[] = [];
const deps = {
  rollback: {
    shell: bashShell({ PATH: process.env.PATH }),
    github: (token: string) => octokitApi(token, apiUrl),
    onOutput: (t: string) => output.push(t),
  },
  runUrl: 'https://github.com/acme/shop/actions/runs/77',
};

describe('rolling back', () => {
  it('runs the rollback command with the figures in its environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bxg-rollback-'));
    const file = join(dir, 'env.txt');
    const command = `echo "rolling back $BXG_SERVICE"; env | grep ^BXG_ | sort > ${file}`;
    const report = await verifyScenario(scenario, { ...rollbackRule, 'rollback-command': command }, deps);
    expect(report.decision).toBe('rollback');
    expect(report.rollback).toMatchObject({ triggered: true, succeeded: true });
    expect(output.join('')).toContain('rolling back checkout');
    const env = Object.fromEntries(
      (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(env).toMatchObject({
      BXG_DECISION: 'rollback',
      BXG_ERROR_COUNT: String(report.errorCount),
      BXG_BREACHED_RULES: 'timeouts',
      BXG_SERVICE: 'checkout',
      BXG_ENVIRONMENT: 'production',
      BXG_DEPLOYED_AT: new Date(scenario.deployAt).toISOString(),
    });
  });

  it('a failing command is a failed rollback that fails the gate loudly', async () => {
    const report = await verifyScenario(
      scenario,
      { ...rollbackRule, 'rollback-command': 'echo cannot >&2; exit 7' },
      deps,
    );
    expect(report.rollback).toMatchObject({ triggered: true, succeeded: false });
    expect(report.rollback.results[0]!.detail).toBe('rollback-command exited with code 7');
    expect(report.reasons.at(-1)).toMatch(/^ROLLBACK FAILED/);
    expect(report.gateFailed).toBe(true);
  });

  it('dispatches the workflow, sends the event and marks the deployment', async () => {
    const report = await verifyScenario(
      scenario,
      {
        ...rollbackRule,
        'rollback-workflow': 'rollback.yml',
        'rollback-workflow-inputs': 'target: previous',
        'rollback-event': 'deploy-rollback',
        'deployment-id': '4242',
        'github-token': 'ghs_recorded',
      },
      deps,
    );
    expect(report.rollback).toMatchObject({ triggered: true, succeeded: true });
    expect(recorded.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /repos/acme/shop/actions/workflows/rollback.yml/dispatches',
      'POST /repos/acme/shop/dispatches',
      'POST /repos/acme/shop/deployments/4242/statuses',
    ]);
    expect(recorded.every((r) => r.authorization === 'token ghs_recorded')).toBe(true);
    expect(recorded[0]!.body).toEqual({ ref: 'refs/heads/main', inputs: { target: 'previous' } });
    expect(recorded[1]!.body).toMatchObject({
      event_type: 'deploy-rollback',
      client_payload: {
        buildx_gate: { decision: 'rollback', error_count: report.errorCount, breached_rules: ['timeouts'] },
      },
    });
    expect(recorded[2]!.body).toMatchObject({
      state: 'failure',
      log_url: 'https://github.com/acme/shop/actions/runs/77',
    });
  });

  it('a GitHub API refusal is a failed rollback, the other triggers still run', async () => {
    answer = (url) => (url.includes('/actions/workflows/') ? 403 : 204);
    const report = await verifyScenario(
      scenario,
      {
        ...rollbackRule,
        'rollback-workflow': 'rollback.yml',
        'rollback-event': 'deploy-rollback',
        'github-token': 'ghs_recorded',
      },
      deps,
    );
    expect(recorded).toHaveLength(2);
    expect(report.rollback.succeeded).toBe(false);
    expect(report.rollback.results.map((r) => [r.kind, r.succeeded])).toEqual([
      ['workflow', false],
      ['event', true],
    ]);
    expect(report.rollback.results[0]!.detail).toMatch(/Resource not accessible by integration/);
    expect(JSON.stringify(report)).not.toContain('ghs_recorded');
  });

  it('no rollback on a pass, and none in a dry run', async () => {
    const pass = await verifyScenario(
      scenario,
      { service: 'checkout', 'rollback-event': 'x', 'github-token': 't', 'max-increase': 'off' },
      deps,
    );
    expect(pass.decision).toBe('pass');
    const dry = await verifyScenario(
      scenario,
      { ...rollbackRule, 'rollback-event': 'x', 'github-token': 't', 'dry-run': 'true' },
      deps,
    );
    expect(dry.rollback).toMatchObject({ triggered: false, wouldTrigger: true });
    expect(recorded).toEqual([]);
  });
});

// The verify action end to end (runAction with the real Elasticsearch client) against every fault
// the brief names, through the fault proxy in front of the real node: each must end in the
// configured on-error policy (fail, or inconclusive), never a pass. Then rollback refusals
// (the command failing or hanging, the GitHub API answering 403/404/422/500 from a local server)
// must fail loudly. Every scenario's artefacts (outputs, summary, annotations, errors, log,
// report, the rollback command's environment) go through the secrets audit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashShell } from '../../src/verify-action/respond/bash-shell.js';
import { octokitApi } from '../../src/verify-action/respond/github-api.js';
import { runAction } from '../../src/verify-action/main.js';
import type { VerifyReport } from '../../src/verify-action/report/report.js';
import { ES_SECURE_URL, waitForElasticsearch } from '../support/es-env.js';
import {
  startFaultProxy,
  withShardFailures,
  withTimedOut,
  type Fault,
  type FaultProxy,
} from '../support/fault-proxy.js';
import {
  dropScenario,
  MINUTE,
  realDeps,
  seedScenario,
  type Scenario,
} from '../verify-action/itest-helpers.js';
import { auditSecrets } from './secret-audit.js';
import { fakeRunner } from '../support/fake-runner.js';
import { tally } from './tally.js';

const API_KEY = 'QnhnSGFyZGVuaW5nS2V5OnMzY3IzdC1rM3k=';
const GITHUB_TOKEN = 'ghs_BxgHardeningToken0123456789abcdefXYZ';
const SECRETS = [API_KEY, GITHUB_TOKEN];
const SEARCH = { path: /\/_search/ };

let scenario: Scenario;
let proxy: FaultProxy;
let github: Server;
let githubUrl: string;
let githubStatus = 204;
const artefactsSeen: Record<string, string> = {};
let faultsInjected = 0;
let scenarios = 0;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  await waitForElasticsearch('8');
  scenario = await seedScenario('hardening', ['--docs', '5000']);
  proxy = await startFaultProxy({ target: scenario.url });
  github = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(githubStatus, { 'content-type': 'application/json' });
      res.end(githubStatus >= 400 ? JSON.stringify({ message: `refused with ${githubStatus}` }) : '');
    });
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  githubUrl = `http://127.0.0.1:${(github.address() as { port: number }).port}`;
}, 180_000);
afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => github?.close(resolve));
  await dropScenario(scenario);
});

interface Run {
  report: VerifyReport | null;
  outputs: Record<string, string>;
  failed: string[];
  annotations: string[];
}

/** The action as the runner runs it, its credentials in INPUT_* as the runner passes them. */
async function action(inputs: Record<string, string>, label: string): Promise<Run> {
  scenarios++;
  const at = scenario.end + MINUTE;
  const values: Record<string, string> = {
    'elasticsearch-url': proxy.url,
    index: `${scenario.prefix}-*`,
    'deployed-at': new Date(scenario.deployAt).toISOString(),
    'ingest-delay': '0',
    duration: '0',
    retries: '0',
    service: 'checkout',
    environment: 'production',
    'max-increase': 'off',
    'api-key': API_KEY,
    ...inputs,
  };
  const runnerEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const [name, value] of Object.entries(values)) runnerEnv[`INPUT_${name.toUpperCase()}`] = value;
  const deps = realDeps(at, {
    rollback: {
      shell: bashShell(runnerEnv),
      github: (token) => octokitApi(token, githubUrl),
      onOutput: (t) =>
        void (artefactsSeen[`${label}: rollback output`] =
          (artefactsSeen[`${label}: rollback output`] ?? '') + t),
    },
  });
  const { log: _log, ...verifyDeps } = deps;
  const { runner, recorded } = fakeRunner(values);
  let reportFile = '';
  const report = await runAction({
    ...verifyDeps,
    runner,
    writeFile: async (_path, text) => void (reportFile = text),
    env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_REF: 'refs/heads/main' },
    defaultReportPath: '/tmp/bxg-hardening-verify.json',
  });
  const run: Run = {
    report,
    outputs: recorded.outputs,
    failed: recorded.failed,
    annotations: recorded.annotations,
  };
  const summary = recorded.summary;
  deps.logs.push(...recorded.log);
  Object.assign(artefactsSeen, {
    [`${label}: outputs`]: JSON.stringify(run.outputs),
    [`${label}: summary`]: summary,
    [`${label}: annotations`]: run.annotations.join('\n'),
    [`${label}: errors`]: run.failed.join('\n'),
    [`${label}: log`]: deps.logs.join('\n'),
    [`${label}: report`]: reportFile,
  });
  return run;
}

function inject(fault: Fault, times?: number) {
  proxy.clearFaults();
  proxy.clearRequests();
  proxy.setFault(fault, { when: SEARCH, ...(times ? { times } : {}) });
}
const injected = () => proxy.requests.filter((r) => r.fault !== 'pass').length;

const esError = (status: number, type: string, reason: string) =>
  ({ kind: 'status', status, body: JSON.stringify({ error: { type, reason }, status }) }) as Fault;

/** Each fault: how to set it up, and whether it is an error (on-error decides) or incomplete results. */
const FAULTS: Array<{ name: string; setup: () => Promise<Record<string, string>>; incomplete?: true }> = [
  {
    name: 'connection refused',
    setup: async () => ({ 'elasticsearch-url': `http://127.0.0.1:${await closedPort()}` }),
  },
  // A label over 63 characters: the resolver refuses it locally, no query leaves the machine.
  {
    name: 'DNS failure',
    setup: async () => ({ 'elasticsearch-url': `http://${'a'.repeat(70)}.invalid:9200` }),
  },
  { name: 'unknown CA', setup: async () => ({ 'elasticsearch-url': ES_SECURE_URL }) },
  {
    name: '401',
    setup: async () => (inject(esError(401, 'security_exception', 'missing authentication credentials')), {}),
  },
  {
    name: '403 (the body quotes the key)',
    setup: async () => (
      inject(
        esError(
          403,
          'security_exception',
          `action [indices:data/read/search] is unauthorized for API key [${API_KEY}]`,
        ),
      ),
      {}
    ),
  },
  {
    name: '404',
    setup: async () => (inject(esError(404, 'index_not_found_exception', 'no such index [logs-x]')), {}),
  },
  {
    name: '429 with Retry-After',
    setup: async () => (inject({ kind: 'status', status: 429, retryAfterSeconds: 1 }), { retries: '1' }),
  },
  {
    name: '503 with Retry-After',
    setup: async () => (inject({ kind: 'status', status: 503, retryAfterSeconds: 1 }), { retries: '1' }),
  },
  {
    name: 'slow beyond the timeout',
    setup: async () => (inject({ kind: 'delay', ms: 2500 }), { 'request-timeout': '1s' }),
  },
  {
    name: 'partial shards',
    setup: async () => (inject({ kind: 'transform', transform: withShardFailures(1) }), {}),
    incomplete: true,
  },
  {
    name: 'timed_out',
    setup: async () => (inject({ kind: 'transform', transform: withTimedOut }), {}),
    incomplete: true,
  },
  {
    name: 'malformed body',
    setup: async () => (
      inject({
        kind: 'status',
        status: 200,
        contentType: 'application/json',
        body: `{"took": 3, "hits": {"total": ${API_KEY}`,
      }),
      {}
    ),
  },
  // The node's own 200, product header and all, with its body changed on the way (a proxy or a
  // gateway in between): not an answer to the search.
  {
    name: 'a 200 whose body is an HTML login page',
    setup: async () => (
      inject({ kind: 'transform', transform: () => '<html><form>Sign in</form></html>' }),
      {}
    ),
  },
  {
    name: 'a 200 without the aggregations',
    setup: async () => (
      inject({ kind: 'transform', transform: (b) => ({ ...(b as object), aggregations: undefined }) }),
      {}
    ),
  },
  {
    name: 'a 200 with the sub-aggregations dropped',
    setup: async () => (
      inject({
        kind: 'transform',
        transform: (b) => {
          const aggs = (b as { aggregations?: Record<string, Record<string, unknown>> }).aggregations ?? {};
          for (const agg of Object.values(aggs))
            for (const key of Object.keys(agg)) if (key !== 'doc_count') delete agg[key];
          return b;
        },
      }),
      {}
    ),
  },
  {
    name: 'node going away between two checks of a watch',
    setup: async () => {
      proxy.clearFaults();
      proxy.clearRequests();
      // The first search is the capability probe for message grouping, the second the first check.
      proxy.setFault({ kind: 'pass' }, { when: SEARCH, times: 2 });
      proxy.setFault({ kind: 'reset' }, { when: SEARCH });
      return { duration: '2m', interval: '1m' };
    },
  },
];

describe.each(['fail', 'inconclusive'] as const)('Elasticsearch faults under on-error %s', (policy) => {
  it.each(FAULTS.map((f) => [f.name, f] as const))('%s', async (name, fault) => {
    const inputs = await fault.setup();
    const run = await action({ ...inputs, 'on-error': policy }, `${policy}/${name}`);
    faultsInjected += Math.max(1, injected());
    const expected = fault.incomplete ? 'inconclusive' : policy;
    expect({ name, decision: run.report?.decision }).toEqual({ name, decision: expected });
    // Never a silent pass: the step fails (on-inconclusive defaults to fail) with the reason.
    expect(run.report?.gateFailed).toBe(true);
    expect(run.outputs.decision).toBe(expected);
    expect(run.annotations.join('\n')).toMatch(/^error: Deploy verification: /);
    if (name === 'node going away between two checks of a watch') {
      // The first check was answered (after the message-grouping probe), then the node went away.
      const statuses = proxy.requests.filter((r) => /_search/.test(r.path)).map((r) => r.status);
      expect(statuses.slice(1, 3)).toEqual([200, null]);
      expect(run.report?.checks.length).toBeGreaterThanOrEqual(1);
    }
    if (name.includes('Retry-After')) {
      const attempts = proxy.requests.filter((r) => /_search/.test(r.path));
      expect(attempts.length).toBe(2);
      expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    }
    proxy.clearFaults();
  });
});

const ROLLBACK_RULE = { rules: '- {name: timeouts, phrase: timeout, max: 10, action: rollback}' };

describe('rollback refusals fail loudly', () => {
  const loud = (run: Run) => {
    expect(run.report?.decision).toBe('rollback');
    expect(run.report?.rollback.succeeded).toBe(false);
    expect(run.report?.gateFailed).toBe(true);
    expect(run.report?.reasons.at(-1)).toMatch(/^ROLLBACK FAILED/);
    expect(run.outputs['rollback-triggered']).toBe('true');
    expect(run.annotations.join('\n')).toMatch(/ROLLBACK FAILED/);
  };

  it('the command fails; its environment holds none of the credentials', async () => {
    proxy.clearFaults();
    const dir = await mkdtemp(join(tmpdir(), 'bxg-hardening-'));
    const dump = join(dir, 'env');
    const run = await action(
      { ...ROLLBACK_RULE, 'rollback-command': `env > ${dump}; printenv | base64 >> ${dump}; exit 3` },
      'rollback/command fails',
    );
    loud(run);
    expect(run.report?.rollback.results[0]!.detail).toBe('rollback-command exited with code 3');
    artefactsSeen['rollback/command fails: command environment'] = readFileSync(dump, 'utf8');
    tally('rollback refusals tried', 1);
  });

  it('the command hangs: stopped at rollback-timeout', async () => {
    proxy.clearFaults();
    const run = await action(
      { ...ROLLBACK_RULE, 'rollback-command': 'sleep 300', 'rollback-timeout': '2s' },
      'rollback/command hangs',
    );
    loud(run);
    expect(run.report?.rollback.results[0]!.detail).toMatch(/did not finish within rollback-timeout/);
    tally('rollback refusals tried', 1);
  });

  it.each([403, 404, 422, 500])('the GitHub API answers %i to every trigger', async (status) => {
    proxy.clearFaults();
    githubStatus = status;
    const run = await action(
      {
        ...ROLLBACK_RULE,
        'rollback-workflow': 'rollback.yml',
        'rollback-event': 'rollback',
        'deployment-id': '42',
        'github-token': GITHUB_TOKEN,
        retries: '0',
      },
      `rollback/github ${status}`,
    );
    githubStatus = 204;
    loud(run);
    const results = run.report!.rollback.results;
    expect(results.map((r) => [r.kind, r.succeeded])).toEqual([
      ['workflow', false],
      ['event', false],
      ['deployment-status', false],
    ]);
    expect(
      results.every((r) => r.detail.includes(`refused with ${status}`) || r.detail.includes(String(status))),
    ).toBe(true);
    tally('rollback refusals tried', 3);
  });
});

describe('secrets audit of every verify scenario', () => {
  it('no artefact holds a credential, in any form', () => {
    expect(Object.keys(artefactsSeen).length).toBeGreaterThan(100);
    expect(auditSecrets(artefactsSeen, SECRETS)).toEqual([]);
    tally('faults injected', faultsInjected);
    tally('fault scenarios', scenarios);
  });
});

// examples/verify-deploy.sh, the CLI recipe for any CI, run as documented against
// the real Elasticsearch 8 with seeded logs: a deploy that breaks rolls back
// (the rollback command runs, exit 1), a healthy one passes (exit 0).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForElasticsearch } from '../support/es-env.js';
import { dropScenario, seedScenario, type Scenario } from '../verify-action/itest-helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let scenario: Scenario;
let dir: string;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/cli.js')))
    throw new Error("dist/cli.js is missing: run 'npm run build'");
  await waitForElasticsearch('8');
  scenario = await seedScenario('example-sh', ['--docs', '5000']);
  dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-example-sh-'));
}, 120_000);
afterAll(async () => {
  await dropScenario(scenario);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runExample(service: string) {
  const marker = path.join(dir, `${service}-rolled-back`);
  const run = spawnSync('bash', [path.join(ROOT, 'examples/verify-deploy.sh')], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      ES_URL: scenario.url,
      INDEX: `${scenario.prefix}-*`,
      SERVICE: service,
      DEPLOYED_AT: new Date(scenario.deployAt).toISOString(),
      DURATION: '0',
      EXTRA_ARGS: '--ingest-delay 0',
      DEPLOY_COMMAND: `echo deployed > ${marker}.deploy`,
      ROLLBACK_COMMAND: `echo "$BXG_DECISION $BXG_BREACHED_RULES" > ${marker}`,
    },
  });
  return { ...run, marker };
}

describe('examples/verify-deploy.sh against Elasticsearch 8', () => {
  it('rolls back a deploy whose timeouts storm: the rollback command ran, exit 1', () => {
    const run = runExample('checkout');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^decision: rollback/m);
    expect(readFileSync(run.marker, 'utf8')).toBe('rollback timeouts\n');
    expect(readFileSync(`${run.marker}.deploy`, 'utf8')).toBe('deployed\n');
    expect(run.stderr).toContain('deploy of checkout failed verification');
  });

  it('passes a healthy deploy: exit 0, no rollback', () => {
    const run = runExample('payments');
    expect(run.stderr).toContain('deploy of payments verified: pass');
    expect(run.status).toBe(0);
    expect(existsSync(run.marker)).toBe(false);
  });
});

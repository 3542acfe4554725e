// Shared setup of the verify integration tests: seed an isolated scenario on the
// real node with scripts/es/seed.mjs, know its exact counts, and run
// verifications against it with the production adapter and a virtual clock
// (so a 10-minute watch runs in seconds over real data).
import { build } from 'esbuild';
import { join } from 'node:path';
import { parseSeedArgs, seedLogs, type SeedRow, type SeedSummary } from '../../scripts/es/seed.mjs';
import { productVersionDefine } from '../../scripts/product-version.mjs';
import { deleteIndices, ES8_URL, uniqueIndexPrefix, type RequestOptions } from '../support/es-env.js';
import { connectElasticsearch } from '../../src/verify-action/elasticsearch/client.js';
import type { VerifyConfig } from '../../src/verify-action/config/config.js';
import { readInputs } from '../../src/verify-action/config/inputs.js';
import type { VerifyReport } from '../../src/verify-action/report/report.js';
import { runVerification, type VerifyDeps } from '../../src/verify-action/run.js';
import { fakeClock } from './helpers.js';

export const MINUTE = 60_000;
export const ERROR_LEVELS = ['error', 'fatal', 'critical'];

export interface Scenario {
  prefix: string;
  url: string;
  summary: SeedSummary;
  deployAt: number;
  /** The moment all after-deploy data is in: deployAt + afterMinutes. */
  end: number;
  /** Credentials and CA for cleaning up on a secured node. */
  access?: RequestOptions;
}

/** Seeds `<prefix>-*` with a deploy at a whole minute, `afterMinutes` ago and more. */
export async function seedScenario(
  label: string,
  flags: string[] = [],
  {
    url = ES8_URL,
    afterMinutes = 10,
    access,
  }: { url?: string; afterMinutes?: number; access?: RequestOptions } = {},
): Promise<Scenario> {
  const prefix = uniqueIndexPrefix(label);
  const deployAt = Math.floor(Date.now() / MINUTE) * MINUTE - (afterMinutes + 2) * MINUTE;
  const options = parseSeedArgs([
    '--url',
    url,
    '--index-prefix',
    prefix,
    '--deploy-at',
    new Date(deployAt).toISOString(),
    '--after-minutes',
    String(afterMinutes),
    ...flags,
  ]);
  const summary = await seedLogs(options, () => {});
  return {
    prefix,
    url,
    summary,
    deployAt,
    end: deployAt + afterMinutes * MINUTE,
    ...(access ? { access } : {}),
  };
}

export async function dropScenario(scenario: Scenario | undefined): Promise<void> {
  if (scenario) await deleteIndices(scenario.url, scenario.prefix, scenario.access);
}

/** Exact count of seeded documents the predicate selects. */
export function count(summary: SeedSummary, where: (row: SeedRow) => boolean): number {
  return summary.rows.filter(where).reduce((sum, row) => sum + row.count, 0);
}

export const checkoutProd = (row: SeedRow) => row.service === 'checkout' && row.environment === 'production';
export const isError = (row: SeedRow) => ERROR_LEVELS.includes(row.level);
export const after = (row: SeedRow) => row.window === 'afterDeploy';
/** Baseline rows within `minutes` before the deploy. */
export const baselineWithin = (scenario: Scenario, minutes: number) => (row: SeedRow) =>
  row.window === 'baseline' && Date.parse(row.minute) >= scenario.deployAt - minutes * MINUTE;

export function scenarioConfig(
  scenario: Scenario,
  inputs: Record<string, string>,
  at = scenario.end + MINUTE,
): VerifyConfig {
  const all: Record<string, string> = {
    'elasticsearch-url': scenario.url,
    index: `${scenario.prefix}-*`,
    'deployed-at': new Date(scenario.deployAt).toISOString(),
    'ingest-delay': '0',
    duration: '0',
    retries: '0',
    ...inputs,
  };
  return readInputs((name) => all[name] ?? '', {
    now: at,
    env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_REF: 'refs/heads/main' },
  });
}

export function realDeps(at: number, overrides: Partial<VerifyDeps> = {}): VerifyDeps & { logs: string[] } {
  const logs: string[] = [];
  const clock = fakeClock(at);
  return {
    logs,
    connect: (connection, secrets) =>
      connectElasticsearch(connection, {
        secrets,
        // Backoff waits are real but short, so retry tests stay fast.
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        baseDelayMs: 50,
        log: (m) => logs.push(m),
      }),
    clock,
    log: {
      info: (m) => logs.push(m),
      warning: (m) => logs.push(`warning: ${m}`),
      debug: (m) => logs.push(`debug: ${m}`),
    },
    rollback: {
      shell: { run: async () => 0 },
      github: async () => {
        throw new Error('no GitHub in this test');
      },
      onOutput: (t) => logs.push(t),
    },
    ...overrides,
  };
}

/** One verification of the scenario, the clock set just after its data ends. */
export async function verifyScenario(
  scenario: Scenario,
  inputs: Record<string, string>,
  overrides: Partial<VerifyDeps> = {},
  at = scenario.end + MINUTE,
): Promise<VerifyReport> {
  return runVerification(scenarioConfig(scenario, inputs, at), realDeps(at, overrides));
}

/** Bundles entry points into dir/dist as scripts/bundle.mjs does, to run them as the runner would. */
export async function bundleEntries(dir: string, entryPoints: Record<string, string>): Promise<void> {
  await build({
    entryPoints,
    outdir: join(dir, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    // The version the CLI prints, as scripts/bundle.mjs inlines it.
    define: productVersionDefine(),
    banner: {
      js: "import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);",
    },
  });
}

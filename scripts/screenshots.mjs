#!/usr/bin/env node
// Makes the README's pictures from real runs: the bundled actions (dist/, so run
// `npm run build` first: `npm run screenshots` does) run as the runner runs them
// (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), then each job summary
// rendered as GitHub shows it (scripts/render/github-markdown.mjs) to a PNG.
//
//   build: success, failure, cache bust: real builds of __tests__/fixtures/dockerfiles
//          on Docker Engine 26.1.5 (BXG_ENGINE26_HOST, default unix:///var/run/docker26.sock)
//   verify: pass, rollback: the real Elasticsearch 8 (BXG_ES8_URL, default http://127.0.0.1:9200)
//          seeded by scripts/es/seed.mjs with a deploy 12 minutes ago, in indices of its own
//
// Writes docs/screenshots/<name>.png and <name>.md (the summary as the action wrote it).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseSeedArgs, seedLogs } from './es/seed.mjs';
import { openRenderer } from './render/github-markdown.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const ENGINE = process.env.BXG_ENGINE26_HOST ?? 'unix:///var/run/docker26.sock';
const ES_URL = process.env.BXG_ES8_URL ?? 'http://127.0.0.1:9200';
const INDEX_PREFIX = 'bxg-screenshots';
const MINUTE = 60_000;

function defaultsOf(actionYml) {
  const action = parseYaml(readFileSync(path.join(ROOT, actionYml), 'utf8'));
  return Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, spec]) => spec.default !== undefined && !String(spec.default).includes('${{'))
      .map(([name, spec]) => [name, String(spec.default)]),
  );
}

/** Runs a bundled action like the runner does; returns its exit code and job summary. */
function runAction(bundle, actionYml, workspace, inputs, extraEnv = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-shots-'));
  const summaryFile = path.join(dir, 'summary.md');
  writeFileSync(summaryFile, '');
  writeFileSync(path.join(dir, 'output'), '');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/checkout',
    GITHUB_RUN_ID: '4242',
    RUNNER_TEMP: dir,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries({ ...defaultsOf(actionYml), ...inputs }))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const run = spawnSync(process.execPath, [path.join(ROOT, bundle)], {
    cwd: workspace,
    env,
    encoding: 'utf8',
  });
  const summary = readFileSync(summaryFile, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  if (!summary)
    throw new Error(`${bundle} wrote no summary (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return { code: run.status, summary };
}

function buildSummaries() {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-shots-ws-'));
  cpSync(path.join(ROOT, '__tests__/fixtures/dockerfiles'), workspace, { recursive: true });
  const build = (inputs) =>
    runAction(
      'dist/build/index.js',
      'action.yml',
      workspace,
      { network: 'none', ...inputs },
      { DOCKER_HOST: ENGINE },
    );
  const summaries = {};
  summaries['build-success'] = build({
    context: 'success',
    tags: 'bxg-screenshots/app:1',
    'no-cache': 'true',
  });
  // A warm cache, then one source file changes: `COPY . .` before `npm ci` reinstalls everything.
  build({ context: 'cache-bust', tags: 'bxg-screenshots/cache-bust:1' });
  writeFileSync(path.join(workspace, 'cache-bust/src/index.js'), `console.log('changed ${Date.now()}');\n`);
  summaries['build-cache-bust'] = build({
    context: 'cache-bust',
    tags: 'bxg-screenshots/cache-bust:1',
    'min-cache-hit-ratio': '0.9',
  });
  summaries['build-failure'] = build({ context: 'failing-run', 'no-cache': 'true' });
  rmSync(workspace, { recursive: true, force: true });
  return summaries;
}

async function verifySummaries() {
  const deployAt = Math.floor(Date.now() / MINUTE) * MINUTE - 12 * MINUTE;
  const options = parseSeedArgs([
    '--url',
    ES_URL,
    '--index-prefix',
    INDEX_PREFIX,
    '--deploy-at',
    new Date(deployAt).toISOString(),
    '--after-minutes',
    '10',
    '--history-minutes',
    '40',
    '--docs',
    '30000',
  ]);
  await seedLogs(options, () => {});
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'bxg-shots-verify-'));
  const common = {
    'elasticsearch-url': ES_URL,
    index: `${INDEX_PREFIX}-*`,
    environment: 'production',
    'deployed-at': new Date(deployAt).toISOString(),
    'ingest-delay': '0',
    duration: '0',
    'kibana-url': 'https://kibana.example.com',
  };
  const rules = [
    '- {name: timeouts, phrase: timeout, max: 20, action: rollback}',
    '- {name: auth failed, phrase: auth failed, max: 50, action: fail}',
  ].join('\n');
  const verify = (inputs) =>
    runAction('dist/verify/index.js', 'verify/action.yml', workspace, { ...common, ...inputs });
  const summaries = {
    'verify-pass': verify({ service: 'payments', version: '3.2.0', rules }),
    'verify-rollback': verify({
      service: 'checkout',
      rules,
      'rollback-command': 'echo "kubectl rollout undo deployment/checkout -n production"',
    }),
  };
  rmSync(workspace, { recursive: true, force: true });
  await deleteSeededIndices();
  return summaries;
}

/** Drops what the seed wrote: its indices (listed by name, as the node refuses wildcard deletes) and template. */
// Node 20 has fetch; the lint config lists only a few globals.
const { fetch } = globalThis;

async function deleteSeededIndices() {
  const listed = await fetch(`${ES_URL}/_cat/indices/${INDEX_PREFIX}-*?format=json&h=index`);
  const names = (await listed.json()).map((row) => row.index);
  if (names.length) await fetch(`${ES_URL}/${names.join(',')}`, { method: 'DELETE' });
  await fetch(`${ES_URL}/_index_template/${INDEX_PREFIX}-seed`, { method: 'DELETE' });
}

async function main() {
  for (const bundle of ['dist/build/index.js', 'dist/verify/index.js'])
    if (!existsSync(path.join(ROOT, bundle)))
      throw new Error(`${bundle} is missing: run 'npm run build' first`);
  mkdirSync(OUT, { recursive: true });
  const runs = { ...buildSummaries(), ...(await verifySummaries()) };
  const renderer = await openRenderer();
  try {
    for (const [name, run] of Object.entries(runs)) {
      const png = path.join(OUT, `${name}.png`);
      writeFileSync(path.join(OUT, `${name}.md`), run.summary);
      const { errors } = await renderer.render(run.summary, { screenshot: png });
      if (errors.length) throw new Error(`${name}: mermaid failed: ${errors.join('; ')}`);
      console.log(`${path.relative(ROOT, png)}\t(exit ${run.code})`);
    }
  } finally {
    await renderer.close();
  }
}

await main();

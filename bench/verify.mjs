#!/usr/bin/env node
// Check latency and round trips of `buildx-gate verify` against a real
// Elasticsearch node holding at least 1,000,000 log documents, side by side with
// the naive approach (one _count per rule, plus one for the total and one for
// the errors), in the same run, on the same data and windows.
//
//   npm run bench:verify [-- --url http://127.0.0.1:9200] [--docs 1000000] [--iterations 30] [--rules 5]
//        [--today-commit 9635df3]   (its last check with templates beside this tree's)
//
// Each iteration moves the window end by a few milliseconds, as consecutive
// checks do, and every request bypasses the shard request cache.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { URL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseSeedArgs, seedLogs } from '../scripts/es/seed.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs),
      [],
    ),
);
const URL_ = args.url ?? process.env.BXG_ES8_URL ?? 'http://127.0.0.1:9200';
const DOCS = Number(args.docs ?? 1_000_000);
const ITERATIONS = Number(args.iterations ?? 30);
const WARMUP = 3;
const PREFIX = args.prefix ?? 'bxgverifybench';
const OUT = 'bench/out';
const BEFORE = args['baseline-commit'] ?? '03d1a15';
/** The tree before the current round of work (issue 18's "today"): its checks side by side with this tree's. */
const TODAY = args['today-commit'] ?? '9635df3';

const RULES = [
  '- {name: timeouts, phrase: timeout, max: 100, action: rollback}',
  '- {name: auth failed, phrase: auth failed, levels: [error], max: 50, action: fail}',
  '- {name: undefined currency, phrase: "reading \'currency\'", max: 0, action: fail}',
  '- {name: connection refused, phrase: connection refused, max: 100, action: warn}',
  '- {name: out of memory, phrase: Java heap space, max: 0, action: rollback}',
].slice(0, Number(args.rules ?? 5));

/** The modules the bench uses: where this tree has them, and where (and as what) BEFORE had them. */
const LAYOUT = {
  now: {
    client: 'elasticsearch/client.js',
    inputs: 'config/inputs.js',
    readInputs: 'readInputs',
    query: 'measure/query.js',
    plan: 'measure/plan.js',
    templates: 'measure/template-query.js',
  },
  before: {
    client: 'client.js',
    inputs: 'inputs.js',
    readInputs: 'parseInputs',
    query: 'query.js',
    plan: 'plan.js',
    templates: null,
  },
};

async function loadLibrary(root = '.', name = 'verify-lib', layout = LAYOUT.now) {
  // The bench measures the real sources: bundle them (like dist/) into bench/out.
  const from = (module) => `'./${root}/src/verify-action/${module}'`;
  await build({
    stdin: {
      contents: [
        `export { connectElasticsearch } from ${from(layout.client)};`,
        `export { ${layout.readInputs} as readInputs } from ${from(layout.inputs)};`,
        `export { buildCheckRequest, parseCheckResponse, levelsQuery, scopeFilters, ruleQuery } from ${from(layout.query)};`,
        `export { resolvePlan, fieldsToInspect } from ${from(layout.plan)};`,
        layout.templates ? `export { countTemplates } from ${from(layout.templates)};` : '',
      ].join('\n'),
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    outfile: join(OUT, `${name}.mjs`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);",
    },
  });
  return import(pathToFileURL(join(process.cwd(), OUT, `${name}.mjs`)).href);
}

/** The verify action as of a commit, from git (BEFORE, 03d1a15: one search per check, top messages by terms). */
async function loadCommit(commit, layout) {
  const dir = join('.tmp', `verify-${commit}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  execFileSync('tar', ['-x', '-C', dir], {
    input: execFileSync('git', ['archive', commit, 'src'], { maxBuffer: 1 << 28 }),
  });
  return loadLibrary(dir, `verify-lib-${commit}`, layout);
}
const loadBefore = () => loadCommit(BEFORE, LAYOUT.before);

async function json(path, init = {}) {
  const response = await globalThis.fetch(`${URL_}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Reuses the bench indices when they hold the documents; seeds them otherwise. */
async function ensureData() {
  const summaryFile = join(OUT, `${PREFIX}-${new URL(URL_).port || 'default'}-summary.json`);
  const counted = await json(`/${PREFIX}-*/_count`);
  try {
    const summary = JSON.parse(await readFile(summaryFile, 'utf8'));
    if (
      counted.status === 200 &&
      counted.body.count === summary.docs &&
      summary.docs >= DOCS &&
      summary.url === URL_
    )
      return summary;
  } catch {
    // No usable summary: seed.
  }
  console.error(`seeding ${DOCS} documents into ${PREFIX}-* on ${URL_} (a few minutes)...`);
  const options = parseSeedArgs([
    '--url',
    URL_,
    '--docs',
    String(DOCS),
    '--index-prefix',
    PREFIX,
    '--message-keyword',
    '--concurrency',
    '4',
  ]);
  const summary = await seedLogs(options, (line) => console.error(line));
  const { rows: _rows, ...small } = summary;
  await writeFile(summaryFile, JSON.stringify(small, null, 2));
  return small;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    meanMs: round(samples.reduce((s, x) => s + x, 0) / samples.length),
    minMs: round(sorted[0]),
    maxMs: round(sorted.at(-1)),
  };
}
const round = (x) => Math.round(x * 10) / 10;

async function main() {
  await mkdir(OUT, { recursive: true });
  const lib = await loadLibrary();
  const summary = await ensureData();
  const deployAt = Date.parse(summary.deployAt);
  const end = Date.parse(summary.end);
  const inputs = {
    'elasticsearch-url': URL_,
    index: `${PREFIX}-*`,
    service: 'checkout',
    environment: 'production',
    'deployed-at': new Date(deployAt).toISOString(),
    rules: RULES.join('\n'),
    retries: '0',
  };
  const config = lib.readInputs((n) => inputs[n] ?? '', { now: end + 60_000, env: {} });
  // The same figures the naive approach gets (no baseline, no timeline), to compare like with like.
  const countsOnly = lib.readInputs(
    (n) => ({ ...inputs, 'baseline-window': '0', 'max-increase': 'off' })[n] ?? '',
    {
      now: end + 60_000,
      env: {},
    },
  );
  const store = await lib.connectElasticsearch(config.connection, {
    secrets: [],
    sleep: (ms) => sleep(ms),
  });
  const caps = await store.fieldCaps(config.scope.index, lib.fieldsToInspect(config));
  const { plan } = lib.resolvePlan(config, caps);
  const before = await loadBefore();
  // BEFORE reads its own config shape (flat, where this tree's has sections).
  const configBefore = before.readInputs((n) => inputs[n] ?? '', { now: end + 60_000, env: {} });
  const planBefore = before.resolvePlan(configBefore, caps, false).plan;
  const today = await loadCommit(TODAY, LAYOUT.now);
  const configToday = today.readInputs((n) => inputs[n] ?? '', { now: end + 60_000, env: {} });
  const planToday = today.resolvePlan(configToday, caps).plan;
  const docs = (await json(`/${PREFIX}-*/_count`)).body.count;

  const windowFor = (i) => ({
    baselineStart: deployAt - config.scope.baselineWindowMs,
    deployedAt: deployAt,
    end: end + i * 7,
  });

  // Searches bypass the shard request cache (live checks rarely repeat a request,
  // and a cached answer would measure the cache); _count has no such cache.
  const noRequestCache = (request) => ({ ...request, params: { ...request.params, request_cache: false } });

  // buildx-gate: one search with filter aggregations per check (the top messages
  // only on the last check, or on every check when max-new-errors gates them).
  async function gateCheck(i, messages = false) {
    const window = windowFor(i);
    const request = noRequestCache(lib.buildCheckRequest(config, plan, window, { messages }));
    const started = performance.now();
    const response = await store.search(request);
    const ms = performance.now() - started;
    const m = lib.parseCheckResponse(config, plan, window, response);
    return { ms, roundTrips: 1, counts: [m.total, m.errors, ...m.rules.map((r) => r.count)] };
  }

  // The last check with messages: this tree samples both periods, mines error
  // templates and counts them exactly in a second search; BEFORE took the top
  // distinct messages (terms on message.keyword) in the one search.
  async function lastCheckNow(i, tree = { lib, config, plan }) {
    const window = windowFor(i);
    const started = performance.now();
    const response = await store.search(
      noRequestCache(tree.lib.buildCheckRequest(tree.config, tree.plan, window)),
    );
    const m = tree.lib.parseCheckResponse(tree.config, tree.plan, window, response);
    const more = await tree.lib.countTemplates(
      (r) => store.search(noRequestCache(r)),
      tree.config,
      tree.plan,
      window,
      m,
    );
    return {
      ms: performance.now() - started,
      roundTrips: 1 + more,
      counts: [m.total, m.errors, ...m.rules.map((r) => r.count)],
    };
  }

  async function lastCheckBefore(i) {
    const window = windowFor(i);
    const started = performance.now();
    const response = await store.search(
      noRequestCache(before.buildCheckRequest(configBefore, planBefore, window)),
    );
    const m = before.parseCheckResponse(configBefore, planBefore, window, response);
    return {
      ms: performance.now() - started,
      roundTrips: 1,
      counts: [m.total, m.errors, ...m.rules.map((r) => r.count)],
    };
  }

  async function countsOnlyCheck(i) {
    const window = { ...windowFor(i), baselineStart: deployAt };
    const request = noRequestCache(lib.buildCheckRequest(countsOnly, plan, window, { messages: false }));
    delete request.body.aggs.timeline;
    const started = performance.now();
    const response = await store.search(request);
    const ms = performance.now() - started;
    const m = lib.parseCheckResponse(countsOnly, plan, window, response, { messages: false });
    return { ms, roundTrips: 1, counts: [m.total, m.errors, ...m.rules.map((r) => r.count)] };
  }

  // Naive: a _count for the total, one for the errors, one per rule, one after another.
  async function naiveCheck(i, parallel = false) {
    const window = windowFor(i);
    const scope = [
      {
        range: {
          [plan.fields.timestamp]: { gte: window.deployedAt, lte: window.end, format: 'epoch_millis' },
        },
      },
      ...lib.scopeFilters(config, plan),
    ];
    const queries = [
      { bool: { filter: scope } },
      { bool: { filter: [...scope, lib.levelsQuery(plan.fields.level, config.scope.levels)] } },
      ...config.judgement.rules.map((rule) => ({
        bool: { filter: [...scope, lib.ruleQuery(rule, plan.fields.level)] },
      })),
    ];
    const one = (query) =>
      json(`/${encodeURIComponent(config.scope.index)}/_count?allow_no_indices=false`, {
        method: 'POST',
        body: JSON.stringify({ query }),
      }).then((r) => r.body.count);
    const started = performance.now();
    let counts;
    if (parallel) counts = await Promise.all(queries.map(one));
    else {
      counts = [];
      for (const q of queries) counts.push(await one(q));
    }
    return { ms: performance.now() - started, roundTrips: queries.length, counts };
  }

  const approaches = {
    'buildx-gate check (1 search: counts+baseline+timeline)': (i) => gateCheck(i),
    'buildx-gate last check (the same + top messages)': (i) => gateCheck(i, true),
    'last check with error templates (2 searches)': (i) => lastCheckNow(i),
    [`the same as of ${TODAY}`]: (i) => lastCheckNow(i, { lib: today, config: configToday, plan: planToday }),
    [`last check as of ${BEFORE} (terms, 1 search)`]: (i) => lastCheckBefore(i),
    'buildx-gate, counts only (what naive gets, 1 search)': (i) => countsOnlyCheck(i),
    'naive sequential (_count per rule + total + errors)': (i) => naiveCheck(i, false),
    'naive parallel (same _counts, concurrently)': (i) => naiveCheck(i, true),
  };
  const samples = Object.fromEntries(Object.keys(approaches).map((k) => [k, []]));
  const roundTrips = {};
  let mismatch = null;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    // Interleaved, so drift (GC, merges, caches) hits every approach alike.
    const results = {};
    for (const [name, run] of Object.entries(approaches)) {
      const r = await run(1000 + i);
      results[name] = r;
      roundTrips[name] = r.roundTrips;
      if (i >= WARMUP) samples[name].push(r.ms);
    }
    const [first, ...rest] = Object.values(results);
    for (const r of rest)
      if (JSON.stringify(r.counts) !== JSON.stringify(first.counts))
        mismatch = { first: first.counts, other: r.counts };
  }
  const gate = await gateCheck(0);
  await store.close();
  if (mismatch) throw new Error(`the approaches disagree on the counts: ${JSON.stringify(mismatch)}`);
  const result = {
    server: store.server,
    url: URL_,
    index: config.scope.index,
    documents: docs,
    windowDocuments: gate.counts[0],
    windowErrors: gate.counts[1],
    rules: config.judgement.rules.length,
    iterations: ITERATIONS,
    approaches: Object.fromEntries(
      Object.entries(samples).map(([name, s]) => [
        name,
        { roundTripsPerCheck: roundTrips[name], ...stats(s) },
      ]),
    ),
    note: 'buildx-gate returns the baseline and the per-minute timeline (and on the last check the top messages) in the same round trip; the naive approach returns only the counts.',
  };
  await writeFile(join(OUT, `verify-es${store.server.major}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `Elasticsearch ${store.server.version} at ${URL_}: ${docs.toLocaleString('en')} documents in ${config.scope.index}`,
  );
  console.log(
    `window: ${gate.counts[0].toLocaleString('en')} logs, ${gate.counts[1].toLocaleString('en')} errors; ${config.judgement.rules.length} rules; ${ITERATIONS} checks each`,
  );
  console.log('');
  console.log('approach'.padEnd(56), 'round trips', 'median ms', '   p95 ms', '  mean ms');
  for (const [name, r] of Object.entries(result.approaches)) {
    console.log(
      name.padEnd(56),
      String(r.roundTripsPerCheck).padStart(11),
      String(r.medianMs).padStart(9),
      String(r.p95Ms).padStart(9),
      String(r.meanMs).padStart(9),
    );
  }
  console.log(`\n${result.note}\nwritten to ${join(OUT, `verify-es${store.server.major}.json`)}`);
}

main().catch((error) => {
  console.error(`bench:verify: ${error.stack ?? error}`);
  process.exitCode = 1;
});

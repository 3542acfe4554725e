#!/usr/bin/env node
// The verify gate's judgement, measured: deploy scenarios built from real log
// lines with known templates (see __tests__/support/deploy-scenarios.ts), seeded
// into a real Elasticsearch node, each verified by this tree and by the verify
// action as of --baseline-commit (default 9635df3; extracted with git archive and
// bundled), in the same run on the same data. Reports decisions right, new-error
// precision and recall, the cost per check (latency p50/p95, round trips), and an
// A/A check: steady services under other seeds whose baseline halves are judged
// against each other (no false new kind, no rise).
//
//   npm run bench:verify-scenarios [-- --url http://127.0.0.1:9200] [--baseline-commit 9635df3]
//        [--low-volume 3] [--new-kind 5]   (repeats of those scenarios per system, other seeds)
//        [--aa-splits 20]                  (A/A services per system)
//        [--report-only]                   (also the report-only systems: measured once, after the rules are fixed)
//
// Without the corpus (../shared/corpus/logs) it says so and exits 0.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs),
      [],
    ),
);
const URL_ = args.url ?? process.env.BXG_ES8_URL ?? 'http://127.0.0.1:9200';
const BEFORE = args['baseline-commit'] ?? '9635df3';
/** The report-only systems are measured only when asked, once, after the rules are fixed. */
const REPORT_ONLY = process.argv.includes('--report-only');
/** A/A: steady scenarios of this many seeds per system, each judged between its baseline halves. */
const AA_SPLITS = Number(args['aa-splits'] ?? 20);
const LOW_VOLUME = Number(args['low-volume'] ?? 3);
const NEW_KIND = Number(args['new-kind'] ?? 5);
const OUT = 'bench/out';
const INDEX = `bxgbench-scenarios-${process.pid}`;
const BANNER = {
  js: "import { createRequire as __bxgCreateRequire } from 'node:module';const require = __bxgCreateRequire(import.meta.url);",
};

/** The modules the bench uses: where this tree has them, and where (and as what) BEFORE had them. */
const LAYOUT = {
  now: {
    client: 'elasticsearch/client.js',
    inputs: 'config/inputs.js',
    readInputs: 'readInputs',
    run: 'run.js',
  },
  before: { client: 'client.js', inputs: 'inputs.js', readInputs: 'parseInputs', run: 'run.js' },
};

async function bundle(root, name, layout, extra = '') {
  const outfile = join(OUT, `${name}.mjs`);
  const from = (module) => `'./${root}/src/verify-action/${module}'`;
  await build({
    stdin: {
      contents: [
        `export { connectElasticsearch } from ${from(layout.client)};`,
        `export { ${layout.readInputs} as readInputs } from ${from(layout.inputs)};`,
        `export { runVerification } from ${from(layout.run)};`,
        extra,
      ].join('\n'),
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: BANNER,
  });
  return import(`${pathToFileURL(join(process.cwd(), outfile)).href}?${Date.now()}`);
}

/** The verify action as of the baseline commit, from git, into .tmp/. */
async function extractBefore() {
  const dir = join('.tmp', `verify-${BEFORE}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', BEFORE, 'src'], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return dir;
}

/** Virtual time for the watch's sleeps plus real time, so the reported check latencies are real. */
function clockAt(start) {
  let slept = 0;
  const real = performance.now();
  return {
    now: () => Math.floor(start + slept + (performance.now() - real)),
    sleep: async (ms) => void (slept += ms),
  };
}

function deps(lib, at) {
  return {
    // This tree hands connect() the connection; BEFORE handed it the whole config.
    connect: (connection) =>
      lib.connectElasticsearch(connection.connection ?? connection, {
        secrets: [],
        sleep: (ms) => sleep(ms),
      }),
    clock: clockAt(at),
    log: { info: () => {}, warning: () => {}, debug: () => {} },
    rollback: {
      shell: { run: async () => 0 },
      // BEFORE's name for the shell.
      runner: { run: async () => 0 },
      github: async () => {
        throw new Error('no GitHub in the bench');
      },
      onOutput: () => {},
    },
  };
}

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
};
const r3 = (x) => (x === null ? 'n/a' : Math.round(x * 1000) / 1000);

async function main() {
  await mkdir(OUT, { recursive: true });
  const now = await bundle(
    '.',
    'scenarios-after',
    LAYOUT.now,
    "export * from './__tests__/support/deploy-scenarios.js';",
  );
  const systems = REPORT_ONLY ? now.SYSTEMS : now.TUNED;
  if (!REPORT_ONLY)
    console.log(`report-only systems hidden (${now.HELD_OUT.join(', ')}): --report-only measures them`);
  const corpus = systems.map((s) => [s, now.readSystem(s)]);
  if (corpus.some(([, lines]) => lines === null)) {
    console.log(`bench:verify-scenarios: no corpus at ${now.CORPUS_DIR}; nothing measured`);
    return;
  }
  const beforeDir = await extractBefore();
  // Trees from issue 16 on have the phase folders; older ones the flat layout.
  const phased = existsSync(join(beforeDir, 'src/verify-action/config/inputs.ts'));
  const before = await bundle(beforeDir, 'scenarios-before', phased ? LAYOUT.now : LAYOUT.before);
  const deployAt = Math.floor(Date.now() / now.MINUTE) * now.MINUTE - 20 * now.MINUTE;
  const scenarios = corpus.flatMap(([system, lines]) =>
    now.buildScenarios(system, lines, deployAt, {
      repeats: { 'low-volume': LOW_VOLUME, 'new-kind': NEW_KIND },
    }),
  );
  // A/A: steady services (nothing changes at the deploy) under other seeds: the baseline halves
  // judged against each other should find no new kind and no rise.
  const aaScenarios = corpus.flatMap(([system, lines]) =>
    Array.from({ length: AA_SPLITS }, (_, i) =>
      now
        .buildScenarios(system, lines, deployAt, { seed: 100 + i, kinds: ['steady'] })
        .map((sc) => ({ ...sc, service: `${sc.service}-aa${i}` })),
    ).flat(),
  );
  for (const sc of aaScenarios) for (const d of sc.docs) d.service.name = sc.service;
  const docs = await now.seedScenarios(URL_, INDEX, [...scenarios, ...aaScenarios]);
  console.log(
    `${scenarios.length} scenarios, ${docs.toLocaleString('en')} documents in ${INDEX} on ${URL_}\n`,
  );
  const outcomes = { after: [], before: [], aa: [] };
  try {
    for (const scenario of scenarios) {
      const inputs = now.scenarioInputs(URL_, INDEX, scenario, deployAt);
      // Interleaved, so machine noise hits both alike.
      for (const [name, lib] of [
        ['after', now],
        ['before', before],
      ]) {
        const config = lib.readInputs((n) => inputs[n] ?? '', { now: deployAt, env: {} });
        const report = await lib.runVerification(config, deps(lib, deployAt));
        const p = report.performance;
        outcomes[name].push({
          scenario,
          decision: report.decision,
          newExamples: report.newErrors.map((m) => m.message),
          latenciesMs: p.checkLatencyMs,
          // 03d1a15 made one search per check and reported no per-check figure.
          roundTrips: p.checkRoundTrips ?? p.checkLatencyMs.map(() => p.requestsPerCheck),
        });
      }
    }
    for (const scenario of aaScenarios) {
      const inputs = now.scenarioInputs(URL_, INDEX, scenario, deployAt);
      const config = now.readInputs((n) => inputs[n] ?? '', { now: deployAt, env: {} });
      const report = await now.runVerification(config, deps(now, deployAt));
      outcomes.aa.push({
        system: scenario.system,
        judged: report.aa?.newKindCount !== null && report.aa?.newKindCount !== undefined,
        newKinds: report.aa?.newKindCount ?? 0,
        rateRise: report.aa?.rate?.significant === true,
        decision: report.decision,
        kinds: (report.aa?.newKinds ?? []).map(
          (k) =>
            `${scenario.service}: ${k.template.slice(0, 100)} x${k.count} (p ${k.chance?.toPrecision(2)})`,
        ),
      });
    }
  } finally {
    await globalThis.fetch(`${URL_}/${INDEX}`, { method: 'DELETE' }).catch(() => {});
  }
  const rows = [];
  const groups = [
    ...systems.map((s) => [s, (o) => o.scenario.system === s]),
    [`tuned (${now.TUNED.join(', ')})`, (o) => now.TUNED.includes(o.scenario.system)],
    ...(REPORT_ONLY
      ? [[`report-only (${now.HELD_OUT.join(', ')})`, (o) => now.HELD_OUT.includes(o.scenario.system)]]
      : []),
    ['all', () => true],
  ];
  console.log(
    'systems'.padEnd(40),
    'version'.padEnd(8),
    'right'.padStart(7),
    ' new P',
    ' new R',
    'reported',
    ' p50 ms',
    ' p95 ms',
    'trips/check',
  );
  for (const [label, where] of groups) {
    for (const name of ['after', 'before']) {
      const os = outcomes[name].filter(where);
      const s = now.score(os);
      const lat = os.flatMap((o) => o.latenciesMs);
      const trips = os.flatMap((o) => o.roundTrips);
      const row = {
        systems: label,
        version: name === 'after' ? 'this' : BEFORE,
        decisionsRight: `${s.decisionsRight}/${s.scenarios}`,
        precision: r3(s.precision),
        recall: r3(s.recall),
        newReported: s.newReported,
        p50Ms: r3(percentile(lat, 50)),
        p95Ms: r3(percentile(lat, 95)),
        roundTripsPerCheck: r3(trips.reduce((a, b) => a + b, 0) / trips.length),
        maxRoundTrips: Math.max(...trips),
        wrong: s.wrong,
      };
      rows.push(row);
      console.log(
        label.padEnd(40),
        row.version.padEnd(8),
        row.decisionsRight.padStart(7),
        String(row.precision).padStart(6),
        String(row.recall).padStart(6),
        String(row.newReported).padStart(8),
        String(Math.round(row.p50Ms)).padStart(7),
        String(Math.round(row.p95Ms)).padStart(7),
        `${row.roundTripsPerCheck} (max ${row.maxRoundTrips})`.padStart(11),
      );
    }
  }
  console.log(
    `\nA/A over ${AA_SPLITS} steady services per system (seeds 100..${99 + AA_SPLITS}): the baseline halves judged against each other`,
  );
  console.log(
    'system'.padEnd(14),
    'judged'.padStart(7),
    'no false new'.padStart(13),
    'no rise'.padStart(8),
    'passed'.padStart(7),
  );
  const aaRows = [];
  for (const system of [...systems, 'all']) {
    const os = outcomes.aa.filter((o) => system === 'all' || o.system === system);
    const judged = os.filter((o) => o.judged);
    const share = (xs, ok) =>
      xs.length ? Math.round((xs.filter(ok).length / xs.length) * 1000) / 1000 : null;
    const row = {
      system,
      judged: judged.length,
      noFalseNew: share(judged, (o) => o.newKinds === 0),
      noRise: share(os, (o) => !o.rateRise),
      passed: share(os, (o) => o.decision === 'pass'),
    };
    aaRows.push(row);
    console.log(
      system.padEnd(14),
      `${row.judged}/${os.length}`.padStart(7),
      String(row.noFalseNew).padStart(13),
      String(row.noRise).padStart(8),
      String(row.passed).padStart(7),
    );
  }
  const aaKinds = outcomes.aa.flatMap((o) => o.kinds);
  if (aaKinds.length) console.log(`A/A false new kinds:\n  ${aaKinds.join('\n  ')}`);
  const wrong = rows.filter((r) => r.systems === 'all');
  for (const r of wrong)
    if (r.wrong.length) console.log(`\nwrong decisions (${r.version}):\n  ${r.wrong.join('\n  ')}`);
  const mistakes = now.score(outcomes.after).mistakes;
  if (mistakes.length) console.log(`\nnew-kind mistakes (this tree):\n  ${mistakes.join('\n  ')}`);
  await writeFile(join(OUT, 'verify-scenarios.json'), `${JSON.stringify({ rows, aa: aaRows }, null, 2)}\n`);
  console.log(`\nwritten to ${join(OUT, 'verify-scenarios.json')}`);
}

main().catch((error) => {
  console.error(`bench:verify-scenarios: ${error.stack ?? error}`);
  process.exitCode = 1;
});

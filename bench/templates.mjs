#!/usr/bin/env node
// Error templates, measured: grouping accuracy on real log lines with known
// templates (Loghub's definition) side by side with the reference Drain (the
// drain3 Python package) on the same lines in the same run; "new error"
// precision and recall when one known kind at a time appears only after a
// simulated deploy; and the miner's throughput and memory over 100,000 lines.
//
//   npm run bench:templates [-- --corpus ../shared/corpus/logs] [--python .tmp/drain-venv/bin/python]
//
// Tuned on HDFS, Hadoop, HPC, Linux and Mac; Apache, Proxifier, Thunderbird and Windows are report-only (never
// looked at while choosing masks and thresholds) and reported separately.
// Without the corpus it says so and exits 0; without drain3 it reports ours only
// and says how to install it (python3 -m venv .tmp/drain-venv && .tmp/drain-venv/bin/pip install drain3).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadTemplatesLibrary, readCorpus, SYSTEMS, TUNED, HELD_OUT } from './lib/corpus.mjs';
import { haystackOf, holdsPhrases } from './lib/match-phrase.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs),
      [],
    ),
);
const CORPUS = args.corpus ?? '../shared/corpus/logs';
const PYTHON = args.python ?? '.tmp/drain-venv/bin/python';
const OUT = 'bench/out';

/** Loghub's grouping accuracy: a line is right when its predicted group holds exactly its true group's lines. */
export function groupingAccuracy(truth, predicted) {
  const byPredicted = new Map();
  predicted.forEach((p, i) => (byPredicted.get(p) ?? byPredicted.set(p, []).get(p)).push(i));
  const truthSize = new Map();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  let right = 0;
  for (const lines of byPredicted.values()) {
    const kinds = new Set(lines.map((i) => truth[i]));
    if (kinds.size === 1 && truthSize.get(truth[lines[0]]) === lines.length) right += lines.length;
  }
  return right / truth.length;
}

function oursGroups(lib, messages) {
  const miner = new lib.TemplateMiner();
  const joined = messages.map((m) => miner.add(m));
  // A line's group is its template at the end (templates that ended equal are one).
  return joined.map((t) => t.tokens.join(' '));
}

function drainGroups(files) {
  if (!existsSync(PYTHON)) return null;
  const out = execFileSync(PYTHON, ['bench/drain3-groups.py', ...files], { maxBuffer: 1 << 28 });
  return JSON.parse(out.toString());
}

/**
 * For each kind with at least two lines: the lines of the other kinds alternate
 * between before and after the deploy, and the kind appears only after. The
 * detector (the same code the verify action runs, with match_phrase simulated on
 * words) should call exactly that kind new.
 */
function newErrorScores(lib, rows) {
  const byKind = new Map();
  for (const r of rows) (byKind.get(r.template) ?? byKind.set(r.template, []).get(r.template)).push(r);
  const haystacks = new Map(rows.map((r) => [r, haystackOf(r.message)]));
  let truePositive = 0;
  let falsePositive = 0;
  let found = 0;
  let scenarios = 0;
  for (const [kind, own] of byKind) {
    if (own.length < 2) continue;
    scenarios++;
    // Every other kind occurs on both sides of the deploy (a kind seen once, before it).
    const baseline = [];
    const window = [];
    for (const [other, lines] of byKind) {
      if (other === kind) continue;
      lines.forEach((r, i) => (i % 2 === 0 ? baseline : window).push(r));
    }
    window.push(...own);
    const verdicts = lib.detectNew(
      baseline.map((r) => r.message),
      window.map((r) => r.message),
      (phrases) => baseline.filter((r) => holdsPhrases(haystacks.get(r), phrases)).length,
    );
    let hit = false;
    for (const v of verdicts) {
      const truthOfExample = window.find((r) => r.message === v.example)?.template;
      if (truthOfExample === kind) {
        truePositive++;
        hit = true;
      } else falsePositive++;
    }
    if (hit) found++;
  }
  return {
    scenarios,
    precision: truePositive + falsePositive === 0 ? 1 : truePositive / (truePositive + falsePositive),
    recall: scenarios === 0 ? 1 : found / scenarios,
    reportedNew: truePositive + falsePositive,
  };
}

function throughput(lib, corpus) {
  const lines = Object.values(corpus).flatMap((rows) => rows.map((r) => r.message));
  const messages = Array.from({ length: 100_000 }, (_, i) =>
    // Vary the variable parts so repeated corpus lines are not identical.
    lines[i % lines.length].replace(/\d+/g, (d) => String((Number(d.slice(0, 9)) + i) % 1e9)),
  );
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const miner = new lib.TemplateMiner();
  const started = performance.now();
  for (const m of messages) miner.add(m);
  const seconds = (performance.now() - started) / 1000;
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const capped = new lib.TemplateMiner({ maxTemplates: 100 });
  for (const m of messages) capped.add(m);
  return {
    messages: messages.length,
    seconds: Math.round(seconds * 1000) / 1000,
    messagesPerSecond: Math.round(messages.length / seconds),
    templates: miner.size,
    heapGrowthMB: Math.round(((heapAfter - heapBefore) / 2 ** 20) * 10) / 10,
    cappedAt100: { templates: capped.size, evicted: capped.evicted },
  };
}

async function main() {
  const corpus = await readCorpus(CORPUS);
  if (!corpus) {
    console.log(`bench:templates: no corpus at ${CORPUS}; nothing measured`);
    return;
  }
  await mkdir(OUT, { recursive: true });
  const lib = await loadTemplatesLibrary(OUT);
  const files = SYSTEMS.map((s) => join(CORPUS, `${s}.tsv`));
  const drain = drainGroups(files);
  if (!drain)
    console.log(
      `drain3 not found at ${PYTHON}: python3 -m venv .tmp/drain-venv && .tmp/drain-venv/bin/pip install drain3`,
    );
  const rows = [];
  for (const [i, system] of SYSTEMS.entries()) {
    const lines = corpus[system];
    const truth = lines.map((r) => r.template);
    const started = performance.now();
    const ours = oursGroups(
      lib,
      lines.map((r) => r.message),
    );
    const oursMs = performance.now() - started;
    const d = drain?.[files[i]];
    rows.push({
      system,
      set: TUNED.includes(system) ? 'tuned' : 'held out',
      lines: lines.length,
      kinds: new Set(truth).size,
      ours: Math.round(groupingAccuracy(truth, ours) * 1000) / 1000,
      drain: d ? Math.round(groupingAccuracy(truth, d.groups) * 1000) / 1000 : null,
      oursMs: Math.round(oursMs),
      drainMs: d ? Math.round(d.seconds * 1000) : null,
      newErrors: newErrorScores(lib, lines),
    });
  }
  const perf = throughput(lib, corpus);
  const mean = (set, key) => {
    const xs = rows.filter((r) => r.set === set && r[key] !== null).map((r) => r[key]);
    return xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000 : null;
  };
  console.log(
    'Grouping accuracy (Loghub 2k lines per system; tuned on',
    TUNED.join(', '),
    '; held out',
    HELD_OUT.join(', '),
    ')\n',
  );
  console.log(
    'system'.padEnd(10),
    'set'.padEnd(9),
    'kinds'.padStart(5),
    '  ours',
    ' drain3',
    ' ours ms',
    'drain ms',
    ' new-err P',
    ' new-err R',
    'scenarios',
  );
  for (const r of rows)
    console.log(
      r.system.padEnd(10),
      r.set.padEnd(9),
      String(r.kinds).padStart(5),
      r.ours.toFixed(3).padStart(6),
      (r.drain === null ? 'n/a' : r.drain.toFixed(3)).padStart(7),
      String(r.oursMs).padStart(8),
      String(r.drainMs ?? 'n/a').padStart(8),
      r.newErrors.precision.toFixed(3).padStart(10),
      r.newErrors.recall.toFixed(3).padStart(10),
      String(r.newErrors.scenarios).padStart(9),
    );
  for (const set of ['tuned', 'held out'])
    console.log(
      `mean ${set.padEnd(9)}`.padEnd(26),
      String(mean(set, 'ours')).padStart(6),
      String(mean(set, 'drain')).padStart(7),
    );
  console.log(
    `\nThroughput: ${perf.messages.toLocaleString('en')} lines in ${perf.seconds}s = ${perf.messagesPerSecond.toLocaleString('en')} lines/s, ${perf.templates} templates, heap growth ${perf.heapGrowthMB} MB; capped at 100 templates: ${perf.cappedAt100.templates} kept, ${perf.cappedAt100.evicted} evicted`,
  );
  await writeFile(join(OUT, 'templates.json'), `${JSON.stringify({ rows, throughput: perf }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(`bench:templates: ${error.stack ?? error}`);
  process.exitCode = 1;
});

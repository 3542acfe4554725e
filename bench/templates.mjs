#!/usr/bin/env node
// Error templates, measured on real log lines with known templates (the shared Loghub corpus), for
// three miners in the same run on the same lines: this tree (`ours`), the tree at a git ref
// (`before`, default 9635df3: its src/ extracted with git archive into bench/out/before-<ref>/ and
// bundled the same way) and the reference Drain (the drain3 Python package). It prints, per system:
// - grouping: Loghub's grouping accuracy (GA, a share of lines), the F1 of grouping accuracy (FGA,
//   Loghub-2.0: a share of kinds, each kind counting once) and templates found / true templates;
// - time to group the system's lines, per miner;
// - "new error" precision and recall, ours and before (drain3 has no detector): one known kind at a
//   time appears only after a simulated deploy;
// then the means of each set, and each tree's throughput over 100,000 lines (tuned systems' lines,
// numbers varied), heap growth and what a 100-template cap keeps. Everything goes to
// bench/out/templates.json.
//
//   npm run bench:templates [-- --corpus ../shared/corpus/logs] [--python .tmp/drain-venv/bin/python]
//                              [--before <git-ref>] [--report-only]
//
// Tuned on HDFS, Hadoop, HPC, Linux and Mac; Apache, Proxifier, Thunderbird and Windows are
// report-only (never looked at while choosing masks and thresholds): they are neither measured nor
// printed unless --report-only is given, and then their mean is a line of its own.
// Without the corpus it says so and exits 0; without drain3 it reports the two trees and says how to
// install it (python3 -m venv .tmp/drain-venv && .tmp/drain-venv/bin/pip install drain3).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { extractSources } from './lib/before-ref.mjs';
import { loadTemplatesLibrary, readCorpus, SYSTEMS, TUNED, HELD_OUT } from './lib/corpus.mjs';
import { groupingScores, minerGroups } from './lib/grouping.mjs';
import { haystackOf, holdsPhrases } from './lib/match-phrase.mjs';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus/logs' },
    python: { type: 'string', default: '.tmp/drain-venv/bin/python' },
    before: { type: 'string', default: '9635df3' },
    'report-only': { type: 'boolean', default: false },
  },
});
const CORPUS = args.corpus;
const PYTHON = args.python;
const REPORT_ONLY = args['report-only'];
const OUT = 'bench/out';
const TREES = ['ours', 'before'];
const MINERS = [...TREES, 'drain3'];
const THROUGHPUT_LINES = 100_000;

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

/** 100,000 lines cycled from the given ones, the variable parts varied so repeats are not identical. */
function throughputLines(lines) {
  return Array.from({ length: THROUGHPUT_LINES }, (_, i) =>
    lines[i % lines.length].replace(/\d+/g, (d) => String((Number(d.slice(0, 9)) + i) % 1e9)),
  );
}

function throughput(lib, messages) {
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
    seconds: round(seconds),
    messagesPerSecond: Math.round(messages.length / seconds),
    templates: miner.size,
    heapGrowthMB: Math.round(((heapAfter - heapBefore) / 2 ** 20) * 10) / 10,
    cappedAt100: { templates: capped.size, evicted: capped.evicted },
  };
}

const round = (x) => (x === null ? null : Math.round(x * 1000) / 1000);

function measureSystem(system, lines, libs, drain) {
  const truth = lines.map((r) => r.template);
  const messages = lines.map((r) => r.message);
  const scores = {};
  const ms = {};
  for (const tree of TREES) {
    const started = performance.now();
    const groups = minerGroups(libs[tree], messages);
    ms[tree] = Math.round(performance.now() - started);
    scores[tree] = groupingScores(truth, groups);
  }
  if (drain) {
    scores.drain3 = groupingScores(truth, drain.groups);
    ms.drain3 = Math.round(drain.seconds * 1000);
  }
  const pick = (key) => Object.fromEntries(MINERS.map((m) => [m, round(scores[m]?.[key] ?? null)]));
  return {
    system,
    set: TUNED.includes(system) ? 'tuned' : 'held out',
    lines: lines.length,
    kinds: new Set(truth).size,
    ga: pick('ga'),
    fga: pick('fga'),
    pga: pick('pga'),
    rga: pick('rga'),
    found: pick('found'),
    ms: Object.fromEntries(MINERS.map((m) => [m, ms[m] ?? null])),
    newErrors: Object.fromEntries(TREES.map((tree) => [tree, newErrorScores(libs[tree], lines)])),
  };
}

/** The mean over a set's systems of row[measure][miner], per miner (null where a miner has none). */
function meansOf(rows, measure) {
  return Object.fromEntries(
    MINERS.map((m) => {
      const xs = rows.map((r) => r[measure][m]).filter((x) => x !== null);
      return [m, xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : null];
    }),
  );
}

const cell = (x, width) => (x === null || x === undefined ? 'n/a' : x.toFixed(3)).padStart(width);
const triple = (byMiner) => MINERS.map((m) => cell(byMiner[m], 7)).join('');

function printGrouping(bySet, means) {
  console.log(''.padEnd(27), 'GA'.padEnd(21), 'FGA'.padEnd(21), 'templates found / true');
  console.log(
    'system'.padEnd(12),
    'lines'.padStart(6),
    'kinds'.padStart(6),
    ...Array.from({ length: 3 }, () => MINERS.map((m) => m.padStart(7)).join('')),
  );
  for (const [set, rows] of bySet) {
    for (const r of rows)
      console.log(
        r.system.padEnd(12),
        String(r.lines).padStart(6),
        String(r.kinds).padStart(6),
        triple(r.ga),
        triple(r.fga),
        triple(r.found),
      );
    const m = means[set];
    console.log(`mean ${set}`.padEnd(26), triple(m.ga), triple(m.fga), triple(m.found));
  }
}

function printPerSystem(bySet) {
  console.log(
    '\n' + 'system'.padEnd(12),
    'ms:',
    ...MINERS.map((m) => m.padStart(7)),
    '  new-err P',
    'ours'.padStart(7),
    'before'.padStart(7),
    '  new-err R',
    'ours'.padStart(7),
    'before'.padStart(7),
    '  reported',
    'ours'.padStart(5),
    'before'.padStart(6),
    '  scenarios',
  );
  for (const rows of bySet.values())
    for (const r of rows)
      console.log(
        r.system.padEnd(12),
        '   ',
        ...MINERS.map((m) => String(r.ms[m] ?? 'n/a').padStart(7)),
        ''.padEnd(11),
        ...TREES.map((t) => cell(r.newErrors[t].precision, 7)),
        ''.padEnd(11),
        ...TREES.map((t) => cell(r.newErrors[t].recall, 7)),
        ''.padEnd(10),
        String(r.newErrors.ours.reportedNew).padStart(5),
        String(r.newErrors.before.reportedNew).padStart(6),
        String(r.newErrors.ours.scenarios).padStart(11),
      );
}

function printThroughput(perf) {
  console.log(
    `\nThroughput over ${THROUGHPUT_LINES.toLocaleString('en')} lines (the tuned systems' lines, cycled):`,
  );
  for (const tree of TREES) {
    const p = perf[tree];
    console.log(
      `  ${tree.padEnd(7)} ${p.messagesPerSecond.toLocaleString('en').padStart(9)} lines/s (${p.seconds}s), ${p.templates} templates, heap growth ${p.heapGrowthMB} MB; capped at 100 templates: ${p.cappedAt100.templates} kept, ${p.cappedAt100.evicted} evicted`,
    );
  }
}

async function main() {
  const corpus = await readCorpus(CORPUS);
  if (!corpus) {
    console.log(`bench:templates: no corpus at ${CORPUS}; nothing measured`);
    return;
  }
  await mkdir(OUT, { recursive: true });
  const before = await extractSources(args.before, OUT);
  const libs = {
    ours: await loadTemplatesLibrary(OUT),
    before: await loadTemplatesLibrary(before.dir, before.dir),
  };
  // Report-only systems are not even measured unless asked for, so no figure of theirs is seen by chance.
  const systems = SYSTEMS.filter((s) => TUNED.includes(s) || (REPORT_ONLY && HELD_OUT.includes(s)));
  const files = systems.map((s) => join(CORPUS, `${s}.tsv`));
  const drain = drainGroups(files);
  if (!drain)
    console.log(
      `drain3 not found at ${PYTHON}: python3 -m venv .tmp/drain-venv && .tmp/drain-venv/bin/pip install drain3`,
    );
  const rows = systems.map((system, i) => measureSystem(system, corpus[system], libs, drain?.[files[i]]));
  const bySet = new Map(
    ['tuned', 'held out']
      .map((set) => [set, rows.filter((r) => r.set === set)])
      .filter(([, setRows]) => setRows.length > 0),
  );
  const means = Object.fromEntries(
    [...bySet].map(([set, setRows]) => [
      set,
      {
        systems: setRows.length,
        ga: meansOf(setRows, 'ga'),
        fga: meansOf(setRows, 'fga'),
        found: meansOf(setRows, 'found'),
      },
    ]),
  );
  const messages = throughputLines(TUNED.flatMap((s) => corpus[s].map((r) => r.message)));
  const perf = Object.fromEntries(TREES.map((tree) => [tree, throughput(libs[tree], messages)]));

  console.log(
    `Grouping on Loghub's 2k-line samples: ours = this tree, before = ${args.before} (${before.commit}), drain3 = the reference Drain\n`,
  );
  printGrouping(bySet, means);
  if (!REPORT_ONLY)
    console.log(`(report-only systems hidden: ${HELD_OUT.join(', ')}; --report-only shows them)`);
  printPerSystem(bySet);
  printThroughput(perf);
  await writeFile(
    join(OUT, 'templates.json'),
    `${JSON.stringify({ before: { ref: args.before, commit: before.commit }, systems, rows, means, throughput: perf }, null, 2)}\n`,
  );
}

main().catch((error) => {
  console.error(`bench:templates: ${error.stack ?? error}`);
  process.exitCode = 1;
});

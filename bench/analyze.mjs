#!/usr/bin/env node
// Throughput and peak memory of `buildx-gate analyze --json` (the bundled CLI) on logs of at
// least 200 MB made from the real recorded logs, side by side in the same run with a bare Node
// loop that only splits the same file into lines with readline.
//
//   npm run bench:analyze            (runs `npm run build` first; BENCH_NO_BUILD=1 skips it)
//   BENCH_LOG_MB=400 BENCH_RUNS=5 npm run bench:analyze
//
// The big logs are real builds repeated: every copy of a recorded build gets its own vertex
// numbers (plain) or digests (rawjson), and each step's recorded output is repeated so steps
// print thousands of lines, the way a verbose compile or test run does. The generator counts
// what it wrote, and the bench checks the analyzer's totals against those counts.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_BYTES = Number(process.env.BENCH_LOG_MB ?? 210) * 1e6;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** Each step's recorded output is repeated until the step prints about this many lines. */
const LINES_PER_STEP = 2000;
const repeatFor = (lines) => Math.max(1, Math.round(LINES_PER_STEP / Math.max(1, lines)));
const GOAL_RSS_MB = 150;
const CLI = join(ROOT, 'dist', 'cli.js');

function recordedLogs() {
  const dirs = [];
  const corpus = join(ROOT, '__tests__', 'fixtures', 'corpus');
  for (const name of readdirSync(corpus).sort()) dirs.push(join(corpus, name));
  const generated = join(ROOT, '__tests__', 'fixtures', 'buildlogs');
  if (existsSync(generated)) {
    for (const engine of readdirSync(generated).sort()) {
      const engineDir = join(generated, engine);
      // wild/ holds pastes with text around buildx's (a runner's preamble, compose's lines) and
      // --check results: not builds to repeat into a big log whose every line must be read.
      if (!statSync(engineDir).isDirectory() || engine === 'wild') continue;
      for (const name of readdirSync(engineDir).sort()) dirs.push(join(engineDir, name));
    }
  }
  const logs = { plain: [], rawjson: [] };
  for (const dir of dirs) {
    for (const format of ['plain', 'rawjson']) {
      const path = join(dir, `${format}.log`);
      if (existsSync(path)) logs[format].push(readFileSync(path, 'utf8'));
    }
  }
  return logs;
}

/** Buffers writes into large strings: the generator must not be the slow part. */
class LogWriter {
  constructor(path) {
    this.stream = createWriteStream(path);
    this.parts = [];
    this.pending = 0;
    this.bytes = 0;
  }
  async line(text) {
    this.parts.push(text, '\n');
    this.pending += text.length + 1;
    if (this.pending >= 1 << 20) await this.flush();
  }
  async flush() {
    const chunk = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await new Promise((resolve) => this.stream.once('drain', resolve));
  }
  async close() {
    await this.flush();
    await new Promise((resolve, reject) => this.stream.end((error) => (error ? reject(error) : resolve())));
  }
}

const PLAIN_LINE = /^#(\d+) (.*)$/;
const PLAIN_OUTPUT = /^(\d+\.\d+) (.*)$/;

/** Plain: copies of the recorded builds, vertex numbers shifted per copy, step output repeated. */
async function writePlainLog(path, logs) {
  const out = new LogWriter(path);
  const expected = { outputLines: 0, builds: 0 };
  let offset = 0;
  while (out.bytes + out.pending < TARGET_BYTES) {
    for (const log of logs) {
      let highest = 0;
      let outputGroup = [];
      const flushOutput = async () => {
        const repeat = repeatFor(outputGroup.length);
        for (let round = 0; round < repeat; round++) {
          for (const [number, seconds, text] of outputGroup) {
            await out.line(`#${number} ${(Number(seconds) + round * 0.001).toFixed(3)} ${text}`);
          }
        }
        // buildx's `[output clipped ...]` marker is not step output.
        const markers = outputGroup.filter(([, , text]) => text.startsWith('[output clipped')).length;
        expected.outputLines += (outputGroup.length - markers) * repeat;
        outputGroup = [];
      };
      for (const line of log.split('\n')) {
        const vertex = PLAIN_LINE.exec(line);
        if (vertex === null || vertex[1] === '0') {
          await flushOutput();
          await out.line(line);
          continue;
        }
        const number = Number(vertex[1]) + offset;
        highest = Math.max(highest, Number(vertex[1]));
        const output = PLAIN_OUTPUT.exec(vertex[2]);
        if (output !== null) {
          outputGroup.push([number, output[1], output[2]]);
          continue;
        }
        await flushOutput();
        await out.line(`#${number} ${vertex[2]}`);
      }
      await flushOutput();
      offset += highest + 1;
      expected.builds++;
    }
  }
  await out.close();
  return { bytes: out.bytes, expected };
}

/** The SolveStatus objects of a rawjson log (pretty-printed or compact), and its plain trailer lines. */
function rawjsonParts(log) {
  const objects = [];
  const trailer = [];
  let pending = null;
  for (const line of log.split('\n')) {
    if (pending !== null) {
      pending.push(line);
      if (line === '}') {
        objects.push(JSON.parse(pending.join('\n')));
        pending = null;
      }
    } else if (line === '{') pending = [line];
    else if (line.startsWith('{')) objects.push(JSON.parse(line));
    else if (line.length > 0) trailer.push(line);
  }
  return { objects, trailer };
}

/** Lines of one vertex's output as the engine counts them: newline-ended or last, no clip marker. */
function countOutputLines(text) {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.filter((line) => !line.startsWith('[output clipped')).length;
}

/**
 * One recorded rawjson build as compact lines, with the log messages of each step repeated so
 * the step prints about LINES_PER_STEP lines, and the number of output lines that makes.
 */
function rawjsonPlan(log) {
  const { objects, trailer } = rawjsonParts(log);
  const recorded = new Map();
  for (const object of objects) {
    for (const entry of object.logs ?? []) {
      recorded.set(
        entry.vertex,
        (recorded.get(entry.vertex) ?? 0) +
          countOutputLines(Buffer.from(entry.data, 'base64').toString('utf8')),
      );
    }
  }
  const lines = [];
  const printed = new Map();
  for (const object of objects) {
    const text = JSON.stringify(object);
    const repeat = object.logs?.length > 0 ? repeatFor(recorded.get(object.logs[0].vertex)) : 1;
    for (let i = 0; i < repeat; i++) {
      lines.push(text);
      for (const entry of object.logs ?? []) {
        printed.set(
          entry.vertex,
          (printed.get(entry.vertex) ?? '') + Buffer.from(entry.data, 'base64').toString('utf8'),
        );
      }
    }
  }
  let outputLines = 0;
  for (const text of printed.values()) outputLines += countOutputLines(text);
  return { lines: [...lines, ...trailer], outputLines };
}

/** rawjson as current buildx writes it (one compact object per line), digests made unique per copy. */
async function writeRawjsonLog(path, logs) {
  const out = new LogWriter(path);
  const expected = { outputLines: 0, builds: 0 };
  const plans = logs.map(rawjsonPlan);
  let copy = 0;
  while (out.bytes + out.pending < TARGET_BYTES) {
    for (const plan of plans) {
      const suffix = copy.toString(16).padStart(8, '0');
      for (const line of plan.lines)
        await out.line(line.replace(/sha256:([0-9a-f]{56})[0-9a-f]{8}/g, `sha256:$1${suffix}`));
      expected.outputLines += plan.outputLines;
      copy++;
      expected.builds++;
    }
  }
  await out.close();
  return { bytes: out.bytes, expected };
}

const READLINE_LOOP = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const lines = createInterface({ input: createReadStream(process.argv[1], { highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
let count = 0;
for await (const _line of lines) count++;
console.log(count);
`;

/** Runs node with args; wall time measured here, peak RSS from GNU time or /proc polling. */
function measure(args) {
  return new Promise((resolve, reject) => {
    const useTime = existsSync('/usr/bin/time');
    const command = useTime ? '/usr/bin/time' : process.execPath;
    const argv = useTime ? ['-v', process.execPath, ...args] : args;
    const started = performance.now();
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (d) => stdout.push(d));
    child.stderr.on('data', (d) => stderr.push(d));
    let polledPeakKb = 0;
    const poll = useTime
      ? null
      : setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            const match = /VmHWM:\s+(\d+) kB/.exec(status);
            if (match) polledPeakKb = Math.max(polledPeakKb, Number(match[1]));
          } catch {
            // the process has exited
          }
        }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (poll) clearInterval(poll);
      const errText = Buffer.concat(stderr).toString('utf8');
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${errText.slice(-2000)}`));
      const timeMatch = /Maximum resident set size \(kbytes\): (\d+)/.exec(errText);
      const peakKb = timeMatch ? Number(timeMatch[1]) : polledPeakKb;
      // CPU time (user + system) is what the program itself cost; wall time also counts waiting
      // for a busy machine.
      const user = /User time \(seconds\): ([\d.]+)/.exec(errText);
      const system = /System time \(seconds\): ([\d.]+)/.exec(errText);
      const cpuSeconds = user && system ? Number(user[1]) + Number(system[1]) : null;
      resolve({ seconds, cpuSeconds, peakMb: peakKb / 1024, stdout: Buffer.concat(stdout).toString('utf8') });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function bench(label, path, bytes, expected) {
  const rows = [];
  const programs = [
    ['analyze --json', [CLI, 'analyze', path, '--json']],
    ['readline loop', ['--input-type=module', '-e', READLINE_LOOP, path]],
  ];
  const results = {};
  // Interleave the programs run by run, so both see the same machine state and page cache.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, args] of programs) {
      const result = await measure(args);
      (results[name] ??= []).push(result);
    }
  }
  const report = JSON.parse(results['analyze --json'][0].stdout);
  const problems = [];
  if (report.totals.outputLines !== expected.outputLines) {
    problems.push(`outputLines ${report.totals.outputLines}, generator wrote ${expected.outputLines}`);
  }
  if (report.unrecognizedLines !== 0) problems.push(`${report.unrecognizedLines} unrecognised lines`);
  if (report.format !== label) problems.push(`format ${report.format}`);
  for (const [name] of programs) {
    const seconds = median(results[name].map((r) => r.seconds));
    const cpu = results[name].map((r) => r.cpuSeconds);
    const cpuSeconds = cpu.includes(null) ? null : median(cpu);
    const peakMb = Math.max(...results[name].map((r) => r.peakMb));
    rows.push({ label, name, bytes, seconds, cpuSeconds, mbPerSecond: bytes / 1e6 / seconds, peakMb });
  }
  return { rows, report, problems };
}

function table(rows) {
  const header = [
    'log',
    'size',
    'program',
    'wall (median)',
    'throughput',
    'CPU (median)',
    'peak RSS',
    'speed vs readline',
  ];
  const body = rows.map((row) => {
    const baseline = rows.find((r) => r.label === row.label && r.name === 'readline loop');
    return [
      row.label,
      `${(row.bytes / 1e6).toFixed(0)} MB`,
      row.name,
      `${row.seconds.toFixed(2)} s`,
      `${row.mbPerSecond.toFixed(0)} MB/s`,
      row.cpuSeconds === null ? 'n/a' : `${row.cpuSeconds.toFixed(2)} s`,
      `${row.peakMb.toFixed(0)} MB`,
      row.name === 'readline loop' ? '1.00x' : `${(baseline.seconds / row.seconds).toFixed(2)}x`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const format = (cells) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(format)].join('\n');
}

async function main() {
  if (process.env.BENCH_NO_BUILD !== '1') {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const logs = recordedLogs();
  const dir = mkdtempSync(join(tmpdir(), 'buildx-gate-bench-'));
  try {
    console.log(`node ${process.version}; making logs of >= ${(TARGET_BYTES / 1e6).toFixed(0)} MB in ${dir}`);
    const plain = await writePlainLog(join(dir, 'plain.log'), logs.plain);
    const rawjson = await writeRawjsonLog(join(dir, 'rawjson.log'), logs.rawjson);
    const results = [];
    for (const [label, made] of [
      ['plain', plain],
      ['rawjson', rawjson],
    ]) {
      const path = join(dir, `${label}.log`);
      // Warm the page cache so the first measured program does not pay for the disk.
      await readFile(path).then(() => undefined);
      const result = await bench(label, path, made.bytes, made.expected);
      const t = result.report.totals;
      console.log(
        `${label}: ${made.expected.builds} builds, ${result.report.steps.length} steps, ${t.instructionSteps} instruction steps, ` +
          `${t.outputLines} output lines (expected ${made.expected.outputLines}), outcome ${result.report.outcome}`,
      );
      results.push(result);
    }
    const rows = results.flatMap((r) => r.rows);
    console.log(`\n${table(rows)}\n`);
    const analyzeRows = rows.filter((r) => r.name === 'analyze --json');
    const slower = analyzeRows.filter(
      (r) => r.seconds > rows.find((b) => b.label === r.label && b.name === 'readline loop').seconds,
    );
    const heavy = analyzeRows.filter((r) => r.peakMb >= GOAL_RSS_MB);
    console.log(
      `goal: at least as fast as readline: ${slower.length === 0 ? 'met' : `NOT met (${slower.map((r) => r.label).join(', ')})`}`,
    );
    console.log(
      `goal: peak RSS < ${GOAL_RSS_MB} MB: ${heavy.length === 0 ? 'met' : `NOT met (${heavy.map((r) => r.label).join(', ')})`}`,
    );
    const problems = results.flatMap((r) => r.problems);
    if (problems.length > 0) {
      console.error(`analyze gave wrong totals on the generated logs: ${problems.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

await main();

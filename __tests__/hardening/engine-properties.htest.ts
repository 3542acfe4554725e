// Property-based tests over the engine, with fast-check: it generates the hostile inputs
// (random bytes, real logs mutated line by line, invalid UTF-8, NUL, huge lines, any chunking)
// and, when an invariant breaks, shrinks the input to a minimal case and prints its seed, which
// hand-written tables cannot do. Invariants: no throw, counts that add up, durations and ratios
// in range, a report whose size does not follow the input's, the same report however the log
// is cut into chunks.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BuildLogAnalyzer, MAX_INPUT_LINE_CHARS, type BuildReport } from '../../src/engine/index.js';
import { MAX_VERTICES } from '../../src/engine/report-builder.js';
import { tally } from './tally.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'buildlogs');

/** Every recorded log (plain, rawjson, tty), smaller ones only: the mutations multiply them. */
const REAL_LOGS: Array<{ name: string; bytes: Buffer }> = readdirSync(FIXTURES)
  .flatMap((engine) => {
    const dir = path.join(FIXTURES, engine);
    return statSync(dir).isDirectory() ? readdirSync(dir).map((c) => path.join(dir, c)) : [];
  })
  .flatMap((dir) =>
    statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .map((f) => path.join(dir, f))
      : [],
  )
  .filter((file) => statSync(file).size < 200_000)
  .map((file) => ({ name: path.relative(FIXTURES, file), bytes: readFileSync(file) }));

const RUNS = Number(process.env.BXG_PROPERTY_RUNS ?? 300);
let fedBytes = 0;
let cases = 0;

function analyze(
  chunks: ReadonlyArray<Uint8Array | string>,
  result?: { exitCode?: number | null; cancelled?: boolean },
) {
  cases++;
  const analyzer = new BuildLogAnalyzer();
  for (const chunk of chunks) {
    fedBytes += chunk.length;
    analyzer.write(chunk);
  }
  return analyzer.end(result);
}

/** The invariants every report holds, whatever the input. */
function checkInvariants(report: BuildReport, inputBytes: number): void {
  const by = (status: string) => report.steps.filter((s) => s.status === status).length;
  expect(by('cached') + by('done') + by('error')).toBeLessThanOrEqual(report.steps.length);
  const totals = report.totals;
  expect(totals.cachedInstructionSteps).toBeLessThanOrEqual(totals.instructionSteps);
  expect(totals.fromSteps).toBeLessThanOrEqual(totals.instructionSteps);
  expect(totals.instructionSteps).toBeLessThanOrEqual(report.steps.length);
  for (const step of report.steps) {
    if (step.durationMs !== null) expect(step.durationMs).toBeGreaterThanOrEqual(0);
    if (step.startOffsetMs !== null) expect(step.startOffsetMs).toBeGreaterThanOrEqual(0);
    expect(step.outputLines).toBeGreaterThanOrEqual(0);
  }
  if (totals.durationMs !== null) expect(totals.durationMs).toBeGreaterThanOrEqual(0);
  if (totals.contextBytes !== null) expect(totals.contextBytes).toBeGreaterThanOrEqual(0);
  if (totals.cacheHitRatio !== null) {
    expect(totals.cacheHitRatio).toBeGreaterThanOrEqual(0);
    expect(totals.cacheHitRatio).toBeLessThanOrEqual(1);
  }
  expect(['success', 'failure', 'cancelled', 'unknown']).toContain(report.outcome);
  if (report.error?.exitCode != null) expect(Number.isInteger(report.error.exitCode)).toBe(true);
  // Bounded: what the report keeps follows the steps (at most MAX_VERTICES), never the input's
  // size: a few hundred bytes per step plus bounded tails, excerpt and warnings.
  const size = JSON.stringify(report).length;
  expect(size).toBeLessThan(8 * 1024 * 1024 + report.steps.length * 2048);
  expect(report.steps.length).toBeLessThanOrEqual(MAX_VERTICES);
  void inputBytes;
}

const realLog = fc.constantFrom(...REAL_LOGS);
/** A log as lines (bytes, so invalid UTF-8 survives), mutated by a list of edits. */
type Edit =
  | { kind: 'drop' | 'duplicate'; at: number }
  | { kind: 'truncate'; at: number; keep: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const hostileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom(
    Uint8Array.of(0xff, 0xfe),
    Uint8Array.of(0xc3),
    Uint8Array.of(0xe2, 0x82),
    Uint8Array.of(0xc0, 0xaf),
    Uint8Array.of(0xed, 0xa0, 0x80),
    Uint8Array.of(0),
    Buffer.from('#1 \u0000ERROR: \u0000'),
    Buffer.from('\u001b[2K\u001b[1A\r'),
    Buffer.from('::error::x\r\n'),
    Buffer.from('{"vertexes":[{"digest":"sha256:x","name":"[1/2] RUN x","started":"bad"}]}'),
  ),
);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat({ max: 200 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: hostileBytes }),
);

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
    lines.push(bytes.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function applyEdits(lines: Buffer[], edits: readonly Edit[]): Buffer[] {
  const out = lines.slice();
  for (const e of edits) {
    if (out.length === 0) break;
    const at = e.at % out.length;
    if (e.kind === 'drop') out.splice(at, 1);
    else if (e.kind === 'duplicate') out.splice(at, 0, out[at]!);
    else if (e.kind === 'truncate') out[at] = out[at]!.subarray(0, e.keep);
    else if (e.kind === 'swap') {
      const other = e.with % out.length;
      [out[at], out[other]] = [out[other]!, out[at]!];
    } else if (e.kind === 'insert') out.splice(at, 0, Buffer.from(e.bytes));
  }
  return out;
}

/** Cuts bytes into chunks at the given (sorted, deduplicated) offsets. */
function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

const params = {
  numRuns: RUNS,
  seed: process.env.BXG_PROPERTY_SEED ? Number(process.env.BXG_PROPERTY_SEED) : undefined,
};

describe('the engine under generated hostile input', () => {
  it('random bytes, in random chunks: no throw, invariants hold', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 20_000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bytes, cuts) => {
          const buffer = Buffer.from(bytes);
          checkInvariants(analyze(chunked(buffer, cuts)), buffer.length);
        },
      ),
      params,
    );
  });

  it('real logs mutated (lines dropped, duplicated, truncated, reordered, hostile bytes inserted): invariants hold', () => {
    fc.assert(
      fc.property(
        realLog,
        fc.array(edit, { maxLength: 30 }),
        fc.constantFrom(undefined, { exitCode: 1 }, { exitCode: 0 }, { cancelled: true }),
        (log, edits, result) => {
          const bytes = Buffer.concat(applyEdits(splitLines(log.bytes), edits));
          checkInvariants(analyze([bytes], result), bytes.length);
        },
      ),
      params,
    );
  });

  it('two real logs interleaved line by line (two builds in one job log): invariants hold', () => {
    fc.assert(
      fc.property(
        realLog,
        realLog,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 400 }),
        (a, b, picks) => {
          const left = splitLines(a.bytes);
          const right = splitLines(b.bytes);
          const merged: Buffer[] = [];
          for (const pick of picks) {
            const from = pick ? left : right;
            if (from.length > 0) merged.push(from.shift()!);
          }
          merged.push(...left, ...right);
          const bytes = Buffer.concat(merged);
          checkInvariants(analyze([bytes]), bytes.length);
        },
      ),
      params,
    );
  });

  it('the report does not depend on where the log is cut into chunks (bytes or text)', () => {
    fc.assert(
      fc.property(realLog, fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (log, cuts, asText) => {
        const whole = analyze([log.bytes], { exitCode: 1 });
        const pieces = chunked(log.bytes, cuts);
        // Text chunks: decoded as a stream decoder would, never splitting a character.
        const decoder = new TextDecoder();
        const parts = asText ? pieces.map((p) => decoder.decode(p, { stream: true })) : pieces;
        expect(analyze(parts, { exitCode: 1 })).toEqual(whole);
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('huge lines (beyond the engine line limit), NUL runs and invalid UTF-8 inside a real log', () => {
    const huge = Buffer.alloc(MAX_INPUT_LINE_CHARS + 1024 * 1024, 0x41);
    fc.assert(
      fc.property(
        realLog,
        fc.nat(),
        fc.constantFrom(
          huge,
          Buffer.alloc(300_000, 0),
          Buffer.alloc(100_000, 0xff),
          Buffer.alloc(200_000, 0x23),
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        (log, at, blob, cuts) => {
          const lines = splitLines(log.bytes);
          lines.splice(at % (lines.length + 1), 0, blob, Buffer.from('\n'));
          const bytes = Buffer.concat(lines);
          const report = analyze(chunked(bytes, cuts));
          checkInvariants(report, bytes.length);
        },
      ),
      { ...params, numRuns: 25 },
    );
  });

  it('memory stays bounded over 64 MB of mutated log (streamed, never held)', () => {
    const analyzer = new BuildLogAnalyzer();
    const before = process.memoryUsage().heapUsed;
    const sample = fc.sample(fc.tuple(realLog, fc.array(edit, { maxLength: 10 })), {
      numRuns: 2000,
      seed: 7,
    });
    let fed = 0;
    let peak = 0;
    for (let round = 0; fed < 64 * 1024 * 1024; round++) {
      const [log, edits] = sample[round % sample.length]!;
      const bytes = Buffer.concat(applyEdits(splitLines(log.bytes), edits));
      analyzer.write(bytes);
      fed += bytes.length;
      if (round % 200 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    const report = analyzer.end();
    fedBytes += fed;
    cases++;
    checkInvariants(report, 0);
    // The engine keeps steps (bounded in number) and bounded tails, never the log.
    expect(peak).toBeLessThan(256 * 1024 * 1024);
  });

  it('counts', () => {
    expect(cases).toBeGreaterThan(RUNS);
    tally('property cases generated', cases);
    tally('log bytes fed to the engine', fedBytes);
  });
});

// Whatever arrives, the engine returns a report: malformed input is counted, never thrown, and
// memory stays bounded by the steps, not by the input.
// covers: src/engine/index.ts, src/engine/report-builder.ts, src/engine/line-splitter.ts
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BuildLogAnalyzer,
  MAX_INPUT_LINE_CHARS,
  OUTPUT_TAIL_LINES,
  analyzeLog,
} from '../../src/engine/index.js';
import { MAX_VERTICES } from '../../src/engine/report-builder.js';
import { FIXTURES } from '../engine/real-logs.js';

const rawjsonFailure = readFileSync(join(FIXTURES, 'corpus', '06-run-fail-exit1', 'rawjson.log'), 'utf8');
const plainFailure = readFileSync(join(FIXTURES, 'corpus', '06-run-fail-exit1', 'plain.log'), 'utf8');

/** Deterministic pseudo-random bytes (xorshift), so a failure can be replayed. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('hostile input', () => {
  it.each([1, 2, 3, 42])('random bytes (seed %i) are counted, not thrown', (seed) => {
    const report = analyzeLog(noise(200_000, seed));
    expect(report.outcome).toBe('unknown');
    expect(report.unrecognizedLines).toBeGreaterThan(0);
    expect(report.steps).toEqual([]);
  });

  it('binary content mixed into a plain log does not hide the build', () => {
    const lines = plainFailure.split('\n');
    const middle = Math.floor(lines.length / 2);
    const binary = Buffer.from(noise(5000, 7))
      .toString('latin1')
      .replace(/[\r\n]/g, '');
    const mixed = [...lines.slice(0, middle), binary, '\u0000\u0001\u0002', ...lines.slice(middle)].join(
      '\n',
    );
    const report = analyzeLog(mixed);
    expect(report.error?.step).toBe('[test 1/1] RUN ./run-tests.sh');
    expect(report.unrecognizedLines).toBe(2);
  });

  it('a pretty-printed JSON object cut short is counted and the log goes on', () => {
    const cut = rawjsonFailure.indexOf('"logs"');
    const truncated =
      rawjsonFailure.slice(0, cut) +
      '\nERROR: failed to solve: executor failed running [/bin/sh -c x]: exit code: 3\n';
    const report = analyzeLog(truncated);
    expect(report.format).toBe('rawjson');
    expect(report.unrecognizedLines).toBeGreaterThan(0);
    expect(report.error).toMatchObject({ exitCode: 3, category: 'command-failed' });
    expect(report.steps.find((s) => s.name === '[test 1/1] RUN ./run-tests.sh')?.status).toBe('incomplete');
  });

  it.each([
    ['truncated compact object', '{"vertexes":[{"digest":"sha256:1","name":"[1/2] RUN x","started":"2024-'],
    ['not an object', '{}\n[1,2]\n"text"\nnull'],
    [
      'wrong types',
      '{"vertexes":"no","statuses":[1,null,{"vertex":5}],"logs":[{"vertex":"x","data":7}],"warnings":[{"short":9}]}',
    ],
    [
      'bad timestamps and base64',
      '{"vertexes":[{"digest":"d","name":"[1/1] RUN x","started":"yesterday"}],"logs":[{"vertex":"d","data":"%%%"}]}',
    ],
  ])('rawjson %s never throws', (_name, text) => {
    expect(() => analyzeLog(text)).not.toThrow();
  });

  it('a 50 MB line is cut, counted and not held', () => {
    const analyzer = new BuildLogAnalyzer();
    const chunk = 'A'.repeat(1 << 20);
    const before = process.memoryUsage().heapUsed;
    analyzer.write('#1 [1/1] RUN cat big\n#1 0.1 ');
    for (let i = 0; i < 50; i++) analyzer.write(chunk);
    const growth = process.memoryUsage().heapUsed - before;
    analyzer.write('\n#1 DONE 1.0s\n');
    const report = analyzer.end();
    expect(report.truncatedLines).toBe(1);
    expect(report.steps[0]).toMatchObject({ status: 'done', outputLines: 1 });
    expect(report.steps[0]!.outputTail[0]!.length).toBeLessThan(2100);
    // The kept head is bounded by MAX_INPUT_LINE_CHARS (UTF-16), far from the 50 MB streamed.
    expect(growth).toBeLessThan(MAX_INPUT_LINE_CHARS * 2 + 16 * (1 << 20));
  });

  it('a 50 MB compact JSON line is skipped as unrecognised', () => {
    const analyzer = new BuildLogAnalyzer();
    analyzer.write('{"logs":[{"vertex":"a","data":"');
    const chunk = 'QUFB'.repeat(1 << 18);
    for (let i = 0; i < 50; i++) analyzer.write(chunk);
    analyzer.write('"}]}\n');
    const report = analyzer.end();
    expect(report.truncatedLines).toBe(1);
    expect(report.unrecognizedLines).toBe(1);
  });

  it('a step that prints a million lines keeps only its tail', () => {
    const analyzer = new BuildLogAnalyzer();
    analyzer.write('#1 [1/1] RUN seq 1000000\n');
    for (let i = 1; i <= 1_000_000; i++) analyzer.write(`#1 0.5 ${i}\n`);
    analyzer.write('#1 DONE 0.9s\n');
    const step = analyzer.end().steps[0]!;
    expect(step.outputLines).toBe(1_000_000);
    expect(step.outputTail).toHaveLength(OUTPUT_TAIL_LINES);
    expect(step.outputTail.at(-1)).toBe('1000000');
  });

  it('lines that only look like the formats are counted, not misread', () => {
    const report = analyzeLog('#\n#x y\n=>\n[+]\n------\n');
    expect(report.steps).toEqual([]);
    expect(report.outcome).toBe('unknown');
  });
});

describe('a log that names more vertices than any build has', () => {
  it('keeps MAX_VERTICES and counts the rest as unrecognised', () => {
    const analyzer = new BuildLogAnalyzer();
    const total = MAX_VERTICES + 500;
    for (let i = 1; i <= total; i += 1000) {
      let chunk = '';
      for (let n = i; n < i + 1000 && n <= total; n++)
        chunk += `#${n} [${n}/${total}] RUN step ${n}\n#${n} DONE 0.0s\n`;
      analyzer.write(chunk);
    }
    const report = analyzer.end();
    expect(report.steps).toHaveLength(MAX_VERTICES);
    expect(report.unrecognizedLines).toBeGreaterThanOrEqual(500);
  });
});

// The report must not depend on how the log was chunked on its way in, and snapshots taken
// while the log streams must show the build as far as it got.
// covers: src/engine/index.ts
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { BuildLogAnalyzer, analyzeLog } from '../../src/engine/index.js';
import { discoverCases } from './real-logs.js';
import { MODERN_RUN_FAILURE, TTY_SUCCESS_CAPTURED } from './samples.js';

function feedInPieces(bytes: Uint8Array, size: number) {
  const analyzer = new BuildLogAnalyzer();
  for (let i = 0; i < bytes.length; i += size) analyzer.write(bytes.subarray(i, i + size));
  return analyzer.end();
}

const corpusLogs = discoverCases()
  .filter((c) => c.id.startsWith('corpus/'))
  .flatMap((c) => c.logs.map((log) => [`${c.id} ${log.file}`, log.path] as const));

describe('streaming', () => {
  it.each(corpusLogs)('%s: 1-byte chunks, odd chunks and one chunk give the same report', (_name, path) => {
    const bytes = readFileSync(path);
    const whole = analyzeLog(bytes);
    expect(feedInPieces(bytes, 1)).toEqual(whole);
    expect(feedInPieces(bytes, 7)).toEqual(whole);
    expect(analyzeLog(bytes.toString('utf8'))).toEqual(whole);
  });

  it.each([
    ['plain', MODERN_RUN_FAILURE],
    ['tty with CR', TTY_SUCCESS_CAPTURED],
  ])('%s sample: byte-by-byte equals whole', (_name, text) => {
    const bytes = new TextEncoder().encode(text);
    expect(feedInPieces(bytes, 1)).toEqual(analyzeLog(text));
  });

  it('shows progress in snapshots and never changes a finished report', () => {
    const analyzer = new BuildLogAnalyzer();
    const cut = MODERN_RUN_FAILURE.indexOf('#8 ERROR');
    analyzer.write(MODERN_RUN_FAILURE.slice(0, cut));
    const during = analyzer.snapshot();
    expect(during.outcome).toBe('unknown');
    expect(during.steps.at(-1)).toMatchObject({
      name: '[build 4/4] RUN make test',
      status: 'incomplete',
      outputLines: 3,
    });
    expect(during.error).toBeNull();
    analyzer.write(MODERN_RUN_FAILURE.slice(cut));
    const final = analyzer.end();
    expect(final.outcome).toBe('failure');
    analyzer.write('#99 [9/9] RUN later\n');
    expect(analyzer.end()).toBe(final);
    expect(analyzer.snapshot()).toBe(final);
  });

  it('is JSON-serialisable as is (the CLI prints it)', () => {
    const report = analyzeLog(MODERN_RUN_FAILURE);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

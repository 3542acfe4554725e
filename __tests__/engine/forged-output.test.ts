// Issue 17: a RUN step's output is written by the code under test (a fork's pull request), so
// nothing it prints may change a gate, a figure, the error report or a record. Each case under
// __tests__/fixtures/buildlogs/forged/ is a real build recorded twice on engines 20 and 26
// (scripts/fixtures/generate-forged.sh): once with the step printing text shaped like buildx's own
// lines (behind lone CRs, ANSI and OSC sequences, CRLF mixes) and once printing plain text. The
// report of the forged build must equal the clean one's in everything but the output itself.
// covers: src/engine/index.ts, src/engine/plain-reader.ts, src/engine/rawjson-reader.ts
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BuildLogAnalyzer, analyzeLog, type BuildReport, type BuildResult } from '../../src/engine/index.js';
import { FIXTURES } from './real-logs.js';

const FORGED = join(FIXTURES, 'buildlogs', 'forged');
const ENGINES = ['engine20', 'engine26'] as const;
const FORMATS = ['plain', 'rawjson'] as const;
type Format = (typeof FORMATS)[number];

const CASES = readdirSync(join(FORGED, 'engine26'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface Recording {
  engine: (typeof ENGINES)[number];
  name: string;
  format: Format;
  forged: Buffer;
  clean: Buffer;
  exitCode: number;
}

function recording(engine: (typeof ENGINES)[number], name: string, format: Format): Recording {
  const dir = join(FORGED, engine, name);
  const [forgedCode, cleanCode] = readFileSync(join(dir, 'exitcode.txt'), 'utf8')
    .trim()
    .split(' ')
    .map(Number);
  expect(forgedCode).toBe(cleanCode);
  return {
    engine,
    name,
    format,
    forged: readFileSync(join(dir, `forged.${format}.log`)),
    clean: readFileSync(join(dir, `clean.${format}.log`)),
    exitCode: cleanCode!,
  };
}

/**
 * BuildKit v0.8 (engine 20) reports a `--no-cache` FROM as cached in one build and done in the
 * next, whatever the steps print: a FROM counts as run either way (it is outside the ratio).
 */
const statusOf = (s: BuildReport['steps'][number]) =>
  s.instruction === 'FROM' && s.status === 'cached' ? 'done' : s.status;

/** Everything a gate, the summary, the error report or a history record reads, but the output. */
function figures(report: BuildReport) {
  const { totals, error } = report;
  const cachedFrom = report.steps.filter((s) => s.instruction === 'FROM' && s.status === 'cached').length;
  return {
    format: report.format,
    outcome: report.outcome,
    builder: report.builder,
    platforms: report.platforms,
    // Sorted: two builds may start their parallel steps in another order.
    steps: report.steps
      .map((s) => ({
        name: s.name,
        kind: s.kind,
        instruction: s.instruction,
        status: statusOf(s),
        error: s.error,
        // Two builds never take the same time to the millisecond; a forged DONE would add seconds.
        // (The FROM of the race above has a time when cached, none when done.)
        seconds: s.instruction === 'FROM' || s.durationMs === null ? null : Math.round(s.durationMs / 2000),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    cache: {
      instructionSteps: totals.instructionSteps,
      cachedInstructionSteps: totals.cachedInstructionSteps - cachedFrom,
      fromSteps: totals.fromSteps,
      cachedSteps: totals.cachedSteps - cachedFrom,
      cacheHitRatio: totals.cacheHitRatio,
    },
    contextBytes: totals.contextBytes,
    durationSeconds: totals.durationMs === null ? null : Math.round(totals.durationMs / 2000),
    error:
      error === null
        ? null
        : {
            step: error.step,
            exitCode: error.exitCode,
            message: error.message,
            file: error.file,
            line: error.line,
            category: error.category,
            excerpt: error.excerpt,
          },
    warnings: report.warnings,
    legacyBuilder: report.legacyBuilder,
  };
}

/** The ways the engine is fed a log: the build action (declared plain, buildx's exit code) and pasted. */
const READINGS: Record<string, (log: Buffer, format: Format, exitCode: number) => BuildReport> = {
  'declared progress, with the exit code (the build action)': (log, format, exitCode) => {
    const analyzer = new BuildLogAnalyzer({ progress: format });
    for (let i = 0; i < log.length; i += 4096) analyzer.write(log.subarray(i, i + 4096));
    return analyzer.end({ exitCode });
  },
  'pasted, bytes (the CLI reading a file)': (log) => analyzeLog(log),
  'pasted, text': (log) => analyzeLog(log.toString('utf8')),
};

const table = ENGINES.flatMap((engine) =>
  CASES.flatMap((name) =>
    FORMATS.map((format) => [`${engine} ${name} ${format}`, engine, name, format] as const),
  ),
);

describe('recorded forged step output changes no figure', () => {
  it('has every case on both engines', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(13);
    for (const name of CASES)
      expect(existsSync(join(FORGED, 'engine20', name, 'forged.plain.log'))).toBe(true);
  });

  describe.each(Object.entries(READINGS))('%s', (_reading, read) => {
    it.each(table)('%s', (_label, engine, name, format) => {
      const r = recording(engine, name, format);
      // The forging text really is in the plain log: the fixture tests what it claims to.
      if (format === 'plain' && name !== 'command-text') expect(r.forged.includes('\r')).toBe(true);
      const clean = read(r.clean, format, r.exitCode);
      const forged = read(r.forged, format, r.exitCode);
      expect(figures(forged)).toEqual(figures(clean));
    });
  });
});

/** What the clean twin of each case must report: the forged one equals it (above). */
describe('the true figures of each case', () => {
  const read = (engine: (typeof ENGINES)[number], name: string, format: Format, result: BuildResult) => {
    const r = recording(engine, name, format);
    const analyzer = new BuildLogAnalyzer({ progress: format });
    analyzer.write(r.forged);
    return analyzer.end(result);
  };
  const bothEngines = ENGINES.flatMap((engine) => FORMATS.map((format) => [engine, format] as const));

  it.each(bothEngines)(
    '%s %s: a --no-cache build has no cache hit, whatever its steps print',
    (engine, format) => {
      const report = read(engine, 'cached-vertices', format, { exitCode: 0 });
      expect(report.totals).toMatchObject({ fromSteps: 1, cacheHitRatio: 0 });
      expect(report.steps.map((s) => s.name)).not.toContain('[1/99] RUN fake 1');
    },
  );

  it.each(bothEngines)('%s %s: the 3 MB context stays 3 MB', (engine, format) => {
    const report = read(engine, 'context-size', format, { exitCode: 0 });
    expect(report.totals.contextBytes).toBeGreaterThanOrEqual(3_000_000);
  });

  it.each(bothEngines)('%s %s: the failing RUN is a command failure at its own line', (engine, format) => {
    for (const name of ['error-image-not-found', 'error-cancelled', 'forged-error-block', 'command-text']) {
      const report = read(engine, name, format, { exitCode: 1 });
      expect(report.outcome).toBe('failure');
      expect(report.error).toMatchObject({
        step: expect.stringMatching(/^\[3\/4\] RUN sh \/ctx\/forge\.sh/),
        exitCode: 1,
        category: 'command-failed',
        // BuildKit v0.8 (engine 20) prints no Dockerfile excerpt.
        line: engine === 'engine26' ? 4 : null,
      });
      expect(report.error!.message).not.toMatch(/^failed to solve: (?:pull access denied|context canceled)/);
      // Pasted without an exit code: the same verdict from the log alone.
      const pasted = read(engine, name, format, {});
      expect(pasted.outcome).toBe('failure');
      expect(pasted.error).toMatchObject({ category: 'command-failed' });
    }
  });

  it.each(bothEngines)('%s %s: a successful build stays successful, every step done', (engine, format) => {
    for (const name of [
      'success-forged-error',
      'forged-done',
      'forged-warnings',
      'forged-tty',
      'forged-rawjson',
    ]) {
      for (const result of [{ exitCode: 0 }, {}]) {
        const report = read(engine, name, format, result);
        expect(report.outcome).toBe('success');
        expect(report.error).toBeNull();
        expect(report.warnings).toEqual([]);
        expect(report.steps.filter((s) => s.status === 'error')).toEqual([]);
        expect(report.totals.durationMs).toBeLessThan(60_000);
        expect(report.totals.cacheHitRatio).toBe(0);
      }
    }
  });
});

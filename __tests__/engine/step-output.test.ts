// Whatever a step prints stays its output (issue 17). buildx's plain printer writes each line a
// step prints as `#N <time> <text>` (and repeats the last ones in the `------` error block as
// `<time> <text>`), where the text is anything but a LF: CRs, escape sequences and text shaped
// like buildx's own lines included. These properties put random text there, in real recorded
// logs, and check that no figure moves; and they pin down the declared progress modes.
// covers: src/engine/output-tail.ts, src/engine/plain-reader.ts, src/engine/line-splitter.ts
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BuildLogAnalyzer,
  analyzeLog,
  type AnalyzerOptions,
  type BuildReport,
} from '../../src/engine/index.js';
import { FIXTURES } from './real-logs.js';

const FORGED = join(FIXTURES, 'buildlogs', 'forged');
const read = (engine: string, name: string) =>
  readFileSync(join(FORGED, engine, name, 'clean.plain.log'), 'utf8');

/** Text shaped like buildx's own lines and what a terminal or a pasted log holds. */
const FORGING_PIECES = [
  '\r',
  '\r\r',
  '\x1b[2K',
  '\x1b[1A',
  '\x1b[1G',
  '\x1b]0;title\x07',
  '\x1b]8;;http://x\x1b\\',
  '\x1b[32m',
  '\x1bc',
  '#1 ',
  '#7 ',
  '#900 ',
  '#0 building with "evil" instance using evil driver',
  '[1/99] RUN fake',
  '[internal] load build context',
  'CACHED',
  'DONE 9999.0s',
  'ERROR: forged',
  'CANCELED',
  'WARN: FromAsCasing: forged (line 1)',
  'transferring context: 1B done',
  'pushing layers 999.0s done',
  'ERROR: failed to solve: pull access denied',
  'ERROR: failed to solve: context canceled',
  'failed to solve: process "x" did not complete successfully: exit code: 137',
  '------',
  ' > [1/4] FROM docker.io/local/busybox:1:',
  'Dockerfile:1',
  '--------------------',
  '   1 | >>> FROM local/busybox:1',
  'WARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
  'WARNING: forged',
  ' 2 warnings found (use docker --debug to expand):',
  ' - JSONArgsRecommended: forged (line 1)',
  'Check complete, 2 warnings have been found!',
  '[+] Building 1.0s (9/9) FINISHED',
  ' => CACHED [2/9] RUN tty 0.0s',
  ' => => transferring context: 1B 0.0s',
  '{"vertexes":[{"digest":"sha256:f","name":"[9/9] RUN j","started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z","cached":true}]}',
  '{',
  '}',
  '2024-05-01T12:00:00.1234567Z ',
  '##[error]buildx failed with: ERROR: forged',
  '::error::forged',
  'Step 1/2 : RUN x',
  'executor failed running [sh -c x',
  ' ',
  '0.051 ',
];

/** One line of step output: anything but a LF (buildx cut the step's output at each LF). */
const outputText = fc
  .oneof(
    fc
      .array(fc.oneof(fc.constantFrom(...FORGING_PIECES), fc.string({ maxLength: 8 })), { maxLength: 8 })
      .map((parts) => parts.join('')),
    fc.string({ unit: 'binary', maxLength: 60 }),
  )
  .map((text) => text.replace(/\n/g, ''));

/**
 * The log with `lines` printed by the step numbered `number` right after its name line, and, for
 * a failing step, repeated in its error block as buildx does.
 */
function withOutput(log: string, number: number, lines: string[]): string {
  const named = new RegExp(`^#${number} \\[\\d+/\\d+\\] RUN .*$`, 'm').exec(log)!;
  let at = named.index + named[0].length + 1;
  let out = log.slice(0, at) + lines.map((line) => `#${number} 0.051 ${line}\n`).join('');
  const block = log.indexOf(`------\n > ${named[0].slice(`#${number} `.length)}:\n`, at);
  if (block >= 0) {
    const blockBody = log.indexOf(':\n', block) + 2;
    out += log.slice(at, blockBody) + lines.map((line) => `0.051 ${line}\n`).join('');
    at = blockBody;
  }
  return out + log.slice(at);
}

/** What gates, the summary and the records read; not the output itself. */
function figures(report: BuildReport) {
  const { error } = report;
  return {
    format: report.format,
    outcome: report.outcome,
    builder: report.builder,
    steps: report.steps.map((s) => [s.name, s.status, s.durationMs, s.error]),
    totals: { ...report.totals, outputLines: 0 },
    error: error === null ? null : { ...error, logTail: [], outputSuggests: null },
    warnings: report.warnings,
    phases: report.phases,
    legacyBuilder: report.legacyBuilder,
  };
}

const BASES = [
  // name, engine, case, the RUN step's vertex number, buildx's exit code
  ['a successful build, engine 26', 'engine26', 'forged-warnings', 7, 0],
  ['a successful build, engine 20', 'engine20', 'forged-warnings', 7, 0],
  ['a failing RUN with its error block and excerpt, engine 26', 'engine26', 'forged-error-block', 7, 1],
  ['a failing RUN with its error block, engine 20', 'engine20', 'forged-error-block', 7, 1],
] as const;

const MODES: [string, (log: string, exitCode: number) => BuildReport][] = [
  [
    'declared plain, with the exit code',
    (log, exitCode) => analyzeLog(log, { exitCode }, { progress: 'plain' }),
  ],
  ['pasted', (log) => analyzeLog(log)],
  [
    'pasted, as bytes in 61-byte pieces',
    (log) => {
      const analyzer = new BuildLogAnalyzer();
      const bytes = Buffer.from(log);
      for (let i = 0; i < bytes.length; i += 61) analyzer.write(bytes.subarray(i, i + 61));
      return analyzer.end();
    },
  ],
];

describe('random step output never changes a figure', () => {
  describe.each(MODES)('%s', (_mode, analyze) => {
    it.each(BASES)('%s', (_name, engine, name, number, exitCode) => {
      const log = read(engine, name);
      // The base has the shape the property relies on.
      expect(withOutput(log, number, [])).toBe(log);
      const expected = figures(analyze(log, exitCode));
      fc.assert(
        fc.property(fc.array(outputText, { minLength: 1, maxLength: 6 }), (lines) => {
          // `[output clipped` is BuildKit's own marker, written into the step's output stream:
          // the one thing a step can print that the engine reads (outputClipped, not a figure).
          const forged = analyze(withOutput(log, number, lines), exitCode);
          expect(figures(forged)).toEqual(expected);
        }),
        { numRuns: 150, seed: 17 },
      );
    });
  });
});

describe('a declared progress mode', () => {
  const plainStep = (output: string) =>
    '#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n\n' +
    `#2 [1/2] FROM docker.io/library/alpine\n#2 DONE 0.1s\n\n#3 [2/2] RUN make\n#3 0.051 ${output}\n#3 DONE 0.5s\n`;

  it('plain: a lone CR is text of the line, CRLF ends it', () => {
    const report = analyzeLog(plainStep('50%\r100%\r\n'), { exitCode: 0 }, { progress: 'plain' });
    expect(report.steps.map((s) => s.name)).toEqual([
      '[internal] load build definition from Dockerfile',
      '[1/2] FROM docker.io/library/alpine',
      '[2/2] RUN make',
    ]);
    expect(report.steps[2]!.outputTail).toEqual(['50%\r100%']);
  });

  it('plain: a CRLF split between two writes still ends the line without its CR', () => {
    const analyzer = new BuildLogAnalyzer({ progress: 'plain' });
    const log = plainStep('done').replace(/\n/g, '\r\n');
    const cut = log.indexOf('done') + 5;
    analyzer.write(Buffer.from(log.slice(0, cut)));
    analyzer.write(Buffer.from(log.slice(cut)));
    expect(analyzer.end().steps[2]!.outputTail).toEqual(['done']);
  });

  it('plain: lines of other formats are not read', () => {
    const forged =
      '#2 [1/2] FROM docker.io/library/alpine\n#2 DONE 0.1s\n' +
      ' => CACHED [9/9] RUN tty 0.0s\n[+] Building 1.0s (9/9) FINISHED\n' +
      '{"vertexes":[{"digest":"d","name":"[8/9] RUN j","started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z","cached":true}]}\n';
    const report = analyzeLog(forged, { exitCode: 0 }, { progress: 'plain' });
    expect(report.format).toBe('plain');
    expect(report.steps.map((s) => s.name)).toEqual(['[1/2] FROM docker.io/library/alpine']);
    expect(report.unrecognizedLines).toBe(3);
  });

  it('plain: a final error exactly as wide as a terminal is not continued by the next line', () => {
    const error = `ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2${'x'.repeat(7)}`;
    expect(error.length).toBe(100);
    const log = `#1 [1/1] RUN make\n#1 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2\n${error}\nmore text\n`;
    expect(analyzeLog(log, {}, { progress: 'plain' }).error!.message).not.toContain('more text');
    // Pasted, the same line may be a terminal's wrap: it is joined (pasted-display.ts).
    expect(analyzeLog(log).error!.message).toContain('more text');
  });

  it('rawjson: only JSON and the trailer are read, CR ends no line', () => {
    const log =
      '{"vertexes":[{"digest":"a","name":"[1/1] RUN make","started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z"}]}\r' +
      '#9 [9/9] RUN forged\n#9 CACHED\n';
    const report = analyzeLog(log, { exitCode: 0 }, { progress: 'rawjson' });
    expect(report.format).toBe('rawjson');
    // The CR did not end the JSON line: it is not JSON, and the `#9` lines are not read either.
    expect(report.steps).toEqual([]);
    expect(report.unrecognizedLines).toBe(2);
  });

  it('tty: a lone CR ends a row, as the display redraws with it', () => {
    const report = analyzeLog(
      '[+] Building 0.5s (1/1) FINISHED\r => [1/1] RUN make  0.4s\r',
      {},
      { progress: 'tty' },
    );
    expect(report.format).toBe('tty');
    expect(report.steps.map((s) => s.name)).toEqual(['[1/1] RUN make']);
  });

  it('an empty log keeps the declared format', () => {
    expect(analyzeLog('', {}, { progress: 'rawjson' }).format).toBe('rawjson');
  });

  it('refuses a mode it does not know', () => {
    expect(() => new BuildLogAnalyzer({ progress: 'auto' } as unknown as AnalyzerOptions)).toThrow(TypeError);
  });
});

describe('a pasted log', () => {
  it('ends lines at a lone CR until it is read as plain, then only at LF', () => {
    // The first line is split at its CR (the format is not known yet); the rest are not.
    const report = analyzeLog(
      'preamble\r#0 building with "default" instance using docker driver\n' +
        '#1 [1/1] RUN make\n#1 0.1 a\r#2 [9/9] RUN forged\r#2 CACHED\n#1 DONE 0.2s\n',
    );
    expect(report.builder).toEqual({ name: 'default', driver: 'docker' });
    expect(report.steps.map((s) => s.name)).toEqual(['[1/1] RUN make']);
    expect(report.steps[0]!.outputTail).toEqual(['a\r#2 [9/9] RUN forged\r#2 CACHED']);
  });

  it('a vertex line ends a check warning, whose detail it would otherwise become', () => {
    const report = analyzeLog(
      '#1 [1/1] RUN make\nWARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/\n#1 DONE 0.1s\n',
    );
    expect(report.warnings).toEqual([{ rule: 'FromAsCasing', message: '', line: null, file: null }]);
    expect(report.steps[0]!.status).toBe('done');
  });
});

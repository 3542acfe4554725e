// Issue 17 D.7: a restored build record is checked field by field before anything reads it. The
// Actions cache holds what others wrote; an invalid record is ignored, said once (naming the field,
// never its content), and superseded by this build's record.
// covers: src/build-action/history/record/record-schema.ts
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { makeRecord, parseRecord, serializeRecord } from '../../src/build-action/history/record/record.js';
import type { HistoryStore } from '../../src/build-action/history/store/store.js';
import { BuildLogAnalyzer, parseDockerfile } from '../../src/engine/index.js';
import { runFaked, stderrLines, WORKSPACE } from './action-fakes.js';
import { CORPUS } from './reports.js';

const corpus = (file: string) => readFileSync(`${CORPUS}/02-multistage-cached/${file}`, 'utf8');
const report = new BuildLogAnalyzer({ progress: 'plain' });
report.write(corpus('plain.log'));
const GOOD = makeRecord(report.end({ exitCode: 0 }), parseDockerfile(corpus('Dockerfile')), {
  commit: 'a'.repeat(40),
  branch: 'main',
  dockerfileRepoPath: 'Dockerfile',
  target: null,
  platforms: [],
  durationMs: 12_000,
  buildArgs: ['NODE_ENV=production', 'NPM_TOKEN=x'],
  sources: [
    {
      key: '|deps|COPY deps.txt ./',
      line: 3,
      sources: ['deps.txt'],
      files: 1,
      bytes: 10,
      digest: 'f'.repeat(16),
      depth: null,
      entries: { 'deps.txt': 'e'.repeat(16) },
    },
  ],
  now: new Date('2026-12-01T00:00:00Z'),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a record as JSON, bent field by field
const with_ = (patch: (r: Record<string, any>) => void): string => {
  const r = JSON.parse(serializeRecord(GOOD));
  patch(r);
  return JSON.stringify(r);
};

const HOSTILE: Array<[string, string, RegExp]> = [
  [
    'a branch holding workflow commands',
    with_((r) => (r.branch = 'main\n::error title=pwned::forged\n::add-mask::x')),
    /branch holds control characters/,
  ],
  [
    'a 3 MB step name',
    with_((r) => (r.steps[0].name = 'x'.repeat(3_000_000))),
    /steps\[0\]\.name is longer than/,
  ],
  ['steps: [null]', with_((r) => (r.steps = [null])), /steps\[0\] is not an object/],
  [
    'a 100,000-segment path',
    with_((r) => (r.sources[0].entries = { ['a/'.repeat(100_000) + 'f']: 'e'.repeat(16) })),
    /sources\[0\]\.entries key 1 is longer than 4096/,
  ],
  ['a duration of -2.49e93', with_((r) => (r.durationMs = -2.49e93)), /durationMs is not between/],
  ['a duration as text', with_((r) => (r.durationMs = '12000')), /durationMs is not a finite number/],
  ['a ratio above 1', with_((r) => (r.cacheHitRatio = 7)), /cacheHitRatio is not between 0 and 1/],
  ['an unknown step status', with_((r) => (r.steps[1].status = 'pwned')), /steps\[1\]\.status is not one of/],
  [
    'a bidi override in the commit',
    with_((r) => (r.commit = 'abc\u202e')),
    /commit holds control characters/,
  ],
  ['a missing field', with_((r) => delete r.stages), /stages is not a list/],
  ['a 5 MB record', `${' '.repeat(5 * 1024 * 1024)}{}`, /larger than/],
];

describe('parseRecord', () => {
  it('reads back what this version writes', () => {
    expect(parseRecord(serializeRecord(GOOD))).toEqual({ record: GOOD, problem: null });
  });

  it.each(HOSTILE)('refuses %s, naming the field', (_name, text, problem) => {
    const parsed = parseRecord(text);
    expect(parsed.record).toBeNull();
    expect(parsed.problem).toMatch(problem);
    // The problem never carries the record's content.
    expect(parsed.problem!.length).toBeLessThan(200);
    expect(parsed.problem).not.toMatch(/::|pwned|xxxx/);
  });

  it('drops fields it does not know (a newer record reads as this version understands it)', () => {
    const parsed = parseRecord(with_((r) => (r.extra = { huge: 'x'.repeat(100) })));
    expect(parsed.record).not.toHaveProperty('extra');
  });
});

function fixedStore(text: string, saves: string[]): HistoryStore {
  return {
    description: 'the test store',
    restore: async (scopes) => ({ text, scope: scopes.at(-1)! }),
    save: async (scope) => (saves.push(scope), 'saved'),
  };
}

describe('an invalid record through the whole action', () => {
  it.each(HOSTILE.slice(0, 5))(
    '%s: ignored, said once, escaped, and superseded by the next save',
    async (_n, text) => {
      const saves: string[] = [];
      const run = await runFaked(
        { context: '.', 'max-duration-increase': '+10%' },
        { lines: stderrLines(corpus('plain.log')) },
        { [`${WORKSPACE}/Dockerfile`]: corpus('Dockerfile') },
        {
          env: {
            GITHUB_WORKSPACE: WORKSPACE,
            GITHUB_EVENT_NAME: 'pull_request',
            GITHUB_REF: 'refs/pull/5/merge',
          },
          historyStore: () => fixedStore(text, saves),
        },
      );
      expect(run.io.failed).toEqual([]);
      const problems = run.io.warnings.filter((w) => w.includes('the stored build record'));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^buildx-gate history: the stored build record is (not valid|larger)/);
      expect(saves).toEqual(['pr-5']);
      // Nothing of it reaches the job log as a command, nor the summary past its bounds.
      for (const line of run.io.infos) expect(line).not.toMatch(/(^|\n)\s*::/);
      expect(run.io.summary.length).toBeLessThan(100_000);
      expect(run.io.summary).not.toContain('::error');
      expect(run.io.summary).not.toMatch(/e\+\d+h/);
    },
  );
});

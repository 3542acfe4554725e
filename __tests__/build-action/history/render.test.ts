// File names and Dockerfile text come from the repository of a pull request: untrusted. The
// summary escapes them; annotations carry plain text without control characters.
import { describe, expect, it } from '@jest/globals';
import { historyAnnotations, renderHistorySection } from '../../../src/build-action/history/render.js';
import type { HistoryResult } from '../../../src/build-action/history/session.js';
import { compareWithBaseline } from '../../../src/build-action/history/record/regression.js';
import { recordOf, reportOf } from './helpers.js';

const hostile = 'docs/<img src=x onerror=alert(1)>|[link](http://evil)\u001b[31m.md';

function result(): HistoryResult {
  const report = reportOf([{ name: '[1/2] COPY . .', status: 'done', seconds: 2 }]);
  const { record } = recordOf('FROM x\nCOPY . .\n', report);
  return {
    record,
    previous: record,
    blames: [
      {
        stage: null,
        stageIndex: 0,
        platform: null,
        line: 2,
        instruction: 'COPY . . <script>',
        cause: { kind: 'files', changes: [{ path: hostile, change: 'added' }], total: 1, incomplete: false },
        costMs: 2000,
        rerunSteps: 1,
        totalCostMs: 2000,
      },
    ],
    proposals: [{ pattern: hostile, reason: 'documentation', files: [hostile] }],
    regression: compareWithBaseline(record, record, {
      maxDurationIncrease: { kind: 'percent', value: 10 },
      maxCacheRatioDrop: null,
      maxContextGrowth: null,
      maxCacheExport: null,
    }),
    gated: true,
    saved: 'saved',
    warnings: ['<b>warning</b>'],
    heldLog: '',
    finishMs: 1,
  };
}

describe('history rendering', () => {
  it('escapes untrusted names in the summary', () => {
    const markdown = renderHistorySection(result(), 'Dockerfile').join('\n');
    expect(markdown).not.toMatch(/<img|<script|<b>|\u001b/);
    // Inside <pre> (an HTML block) markdown is not read; everywhere else a link must be escaped.
    expect(markdown.replace(/<pre>[\s\S]*?<\/pre>/g, '')).not.toMatch(/[^\\]\]\(http/);
    expect(markdown).toContain('&lt;img');
    expect(markdown).toMatch(/### Why the cache missed/);
    expect(markdown).toMatch(/### Compared with the default branch/);
  });

  it('annotations are plain text without control characters, at the instruction', () => {
    const [notice] = historyAnnotations(result(), 'Dockerfile');
    expect(notice).toMatchObject({ level: 'notice', file: 'Dockerfile', line: 2 });
    expect(notice!.message).not.toMatch(/\u001b/);
    expect(notice!.message).toMatch(/add to \.dockerignore/);
  });
});

describe('a build-arg whose value is not recorded', () => {
  function notRecorded(): HistoryResult {
    const base = result();
    return {
      ...base,
      proposals: [],
      blames: [
        {
          ...base.blames[0]!,
          line: 3,
          instruction: 'RUN npm ci',
          // ARG names come from the pull request's Dockerfile too.
          cause: { kind: 'build-arg-not-recorded', names: ['NPM_TOKEN', 'A_KEY<b>|x'] },
        },
      ],
    };
  }

  it('is a row of the summary, escaped', () => {
    const markdown = renderHistorySection(notRecorded(), 'Dockerfile').join('\n');
    const row = markdown.split('\n').find((l) => l.includes('RUN npm ci'))!;
    expect(row).toContain(
      '| build\\-args NPM\\_TOKEN, A\\_KEY&lt;b&gt;\\|x may have changed: their values are not recorded because their names look like secrets \\(pass secrets with the secrets input, not as build\\-args\\) |',
    );
    expect(markdown).not.toMatch(/<b>/);
  });

  it('is a notice at the instruction', () => {
    const [notice] = historyAnnotations(notRecorded(), 'Dockerfile');
    expect(notice).toMatchObject({ level: 'notice', file: 'Dockerfile', line: 3 });
    expect(notice!.message).toMatch(
      /^build-args NPM_TOKEN, A_KEY<b>\|x may have changed: .* Cost: 2s \(1 step\)\.$/,
    );
  });
});

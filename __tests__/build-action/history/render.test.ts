// File names and Dockerfile text come from the repository of a pull request: untrusted. The
// summary escapes them; annotations carry plain text without control characters.
import { describe, expect, it } from '@jest/globals';
import { historyAnnotations, renderHistorySection } from '../../../src/build-action/history/render.js';
import type { HistoryResult } from '../../../src/build-action/history/session.js';
import { compareWithBaseline } from '../../../src/build-action/history/regression.js';
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

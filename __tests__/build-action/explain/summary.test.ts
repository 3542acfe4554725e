// covers: src/build-action/explain/summary.ts, src/build-action/explain/timeline.ts
// covers: src/build-action/explain/cache-figure.ts
import { describe, it, expect } from '@jest/globals';
import MarkdownIt from 'markdown-it';
import { readFileSync } from 'node:fs';
import { findCacheBusts } from '../../../src/build-action/explain/cache-bust.js';
import { evaluateGates } from '../../../src/build-action/explain/gates.js';
import { renderSummary, type SummaryInput } from '../../../src/build-action/explain/summary.js';
import { GANTT_DIRECTIVE, renderTimeline } from '../../../src/build-action/explain/timeline.js';
import { parseDockerfile } from '../../../src/engine/dockerfile.js';
import { analyzeLog } from '../../../src/engine/index.js';
import type { BuildReport } from '../../../src/engine/report.js';
import { CORPUS, clean01, copyMissing08, parse09, partial03, runFail06, step } from '../reports.js';

const dockerfileOf = (name: string) => parseDockerfile(readFileSync(`${CORPUS}/${name}/Dockerfile`, 'utf8'));

function input(report: BuildReport, extra: Partial<SummaryInput> = {}): SummaryInput {
  return {
    report,
    durationMs: 1234,
    dockerfile: null,
    dockerfileRepoPath: 'Dockerfile',
    findings: [],
    gates: [],
    imageId: null,
    digest: null,
    tags: [],
    ...extra,
  };
}

/** Mermaid task lines: label (safe characters only), tag, id, start, end. */
const TASK_LINE = /^ {2}[A-Za-z0-9 _./@=+,…-]+ :(crit, |done, |active, )?s\d+, \d+, \d+$/;

/** The chart's lines after its init directive, which must be ours. */
function mermaidBlock(markdown: string): string[] {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!match) return [];
  const [directive, ...lines] = match[1].split('\n');
  expect(directive).toBe(GANTT_DIRECTIVE);
  return lines;
}

describe('renderSummary on real builds', () => {
  it('06 failing RUN: outcome, error at the matched Dockerfile line with excerpt, last output, hint', () => {
    const md = renderSummary(input(runFail06, { dockerfile: dockerfileOf('06-run-fail-exit1') }));
    expect(md).toMatch(/^## ❌ Docker build failed\n/);
    expect(md).toContain(
      '**Build failed: command failed \\(exit code 1\\)** in <code>\\[test 1/1\\] RUN \\./run\\-tests\\.sh</code> at <code>Dockerfile:6</code> (matched from the step; the log names no line)',
    );
    expect(md).toContain('<pre>executor failed running [/bin/sh -c ./run-tests.sh]: exit code: 1</pre>');
    expect(md).toContain(' 6 | &gt;&gt;&gt; RUN ./run-tests.sh');
    expect(md).toContain('FAIL test_render: expected &#39;ok&#39;, got &#39;err&#39;');
    expect(md).toContain('> 💡 A RUN command exited non\\-zero');
    expect(md).toContain('| 1.2s | 0% (0/3 steps cached) | 4 | 672 B | default \\(docker\\) |');
    expect(mermaidBlock(md)).toContain('  1/1 RUN ./run-tests.sh :crit, s7, 100, 101');
  });

  it('08 missing COPY source and 09 parse error: located lines', () => {
    expect(
      renderSummary(input(copyMissing08, { dockerfile: dockerfileOf('08-copy-missing-file') })),
    ).toContain('at <code>Dockerfile:3</code>');
    const md = renderSummary(input(parse09, { dockerfile: dockerfileOf('09-parse-unknown-instruction') }));
    expect(md).toContain('Build failed: Dockerfile syntax error');
    expect(md).toContain('at <code>Dockerfile:5</code>');
    expect(md).not.toContain('matched from the step');
    expect(md).toContain(' 5 | &gt;&gt;&gt; CPY build.txt /out/');
    expect(md).toContain('| 1.2s | n/a | 0 | n/a |');
  });

  it('03 warm build: cache ratio, the cache-bust hint at its line, slowest steps and a coloured timeline', () => {
    const dockerfile = dockerfileOf('03-multistage-partial-late-copy');
    const findings = findCacheBusts(dockerfile, partial03, {
      hasDockerignore: true,
      noCache: false,
      noCacheStages: [],
    });
    const gates = evaluateGates(
      partial03,
      { minCacheHitRatio: 0.95, maxDurationMs: null, maxContextBytes: null, failOnWarnings: false },
      1234,
    );
    const md = renderSummary(
      input(partial03, { dockerfile, findings, gates, digest: 'sha256:abc', tags: ['blc/03:latest'] }),
    );
    expect(md).toMatch(/^## ❌ Docker build succeeded, but 1 gate failed\n/);
    // A failed history gate (its section follows) is the headline's too: the worst result leads.
    expect(renderSummary(input(partial03, { failedHistoryGates: 1 }))).toMatch(
      /^## ❌ Docker build succeeded, but 1 gate failed\n/,
    );
    expect(renderSummary(input(partial03, {}))).toMatch(/^## ✅ Docker build succeeded\n/);
    expect(md).toContain('89% (8/9 steps cached)');
    expect(md).toContain('Tags: <code>blc/03:latest</code> · Digest: <code>sha256:abc</code>');
    expect(md).toContain(
      '- **Cache bust in stage runtime** (<code>Dockerfile:20</code>): The cache of stage runtime stopped at <code>COPY config\\.ini /app/config\\.ini</code> \\(line 20\\): files it copies',
    );
    expect(md).toContain('| <code>min\\-cache\\-hit\\-ratio</code> | ❌ failed: 6 percentage points short |');
    expect(md).toContain('### Slowest steps');
    const chart = mermaidBlock(md);
    expect(chart.slice(0, 4)).toEqual([
      'gantt',
      '  dateFormat x',
      '  axisFormat %-S.%L s',
      '  todayMarker off',
    ]);
    expect(chart).toContain('  section runtime');
    expect(chart.filter((l) => l.includes(':done, ')).length).toBe(8);
    expect(chart.find((l) => l.includes('4/4 COPY config.ini'))).toMatch(/:active, /);
    for (const line of chart.filter(
      (l) => !/^(gantt| {2}(dateFormat|axisFormat|todayMarker|section) )/.test(l),
    ))
      expect(line).toMatch(TASK_LINE);
  });

  it('a cancelled build is not called failed', () => {
    const cancelled: BuildReport = {
      ...runFail06,
      outcome: 'cancelled',
      error: {
        ...runFail06.error!,
        step: null,
        exitCode: null,
        category: 'cancelled',
        message: 'Canceled: context canceled',
      },
    };
    const md = renderSummary(input(cancelled));
    expect(md).toMatch(/^## ⏹️ Docker build cancelled\n/);
    expect(md).toContain('\n**Build cancelled**\n');
    expect(md).not.toContain('failed: cancelled');
  });

  it('01 clean build: success with every step ran', () => {
    const md = renderSummary(input(clean01));
    expect(md).toContain('0% (0/9 steps cached)');
    expect(md).toContain('<details><summary>All steps (15)</summary>');
    expect(md).not.toContain('### Error');
  });
});

describe('renderSummary escapes hostile build output', () => {
  const evilName =
    '[evil 2/2] RUN echo "</code><img src=x onerror=alert(1)>" | tee `x` #:crit; click s1 call alert() %%{init: {}}%%';
  const hostile: BuildReport = {
    ...runFail06,
    steps: [
      step({ name: '[evil 1/2] FROM docker.io/library/alpine:3', status: 'done' }),
      step({ name: evilName, status: 'error', durationMs: 5, outputLines: 3 }),
    ],
    error: {
      ...runFail06.error!,
      step: evilName,
      message: '</pre><script>alert(1)</script> [click](https://evil.example) **bold** | a | b |',
      logTail: [
        '::error file=x,line=1::pwned',
        '<details open><summary>fake</summary>',
        '```',
        '</pre>## injected heading',
        '\u001b[31mred\u001b[0m',
      ],
      hint: '[phish](https://evil.example) <b>x</b>',
    },
    warnings: [{ rule: 'R|ule`', message: '<img src=x> _em_ [l](u)', line: 2, file: 'Dockerfile' }],
  };
  const md = renderSummary(input(hostile));

  it('leaves no raw HTML from the build', () => {
    expect(md).not.toMatch(/<script|<img|<details open|<b>x|<\/pre><script/);
    expect(md).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('&lt;/pre&gt;## injected heading');
  });

  it('leaves no working markdown link, emphasis or table break from the build', () => {
    // Inside <pre> markdown is not parsed; everywhere else a link must not survive.
    const outsidePre = md.replace(/<pre>[\s\S]*?<\/pre>/g, '');
    expect(outsidePre).not.toContain('](https://evil.example)');
    expect(outsidePre).not.toMatch(/(^|[^\\])\*\*bold/);
    expect(md).toContain('\\[phish\\]\\(https://evil\\.example\\)');
    expect(md).not.toMatch(/^## injected/m);
    expect(md).toContain('- <code>R\\|ule\\`</code> (<code>Dockerfile:2</code>): ');
    expect(md).toContain('&lt;img src=x&gt; \\_em\\_ \\[l\\]\\(u\\)');
  });

  it('renders (as GitHub markdown) to no element the build asked for: no link, image, emphasis or script', () => {
    const html = new MarkdownIt({ html: true }).render(md);
    expect(html).not.toMatch(/<(a|img|script|em|details open|b)[\s>]/);
    // The only bold text is the summary's own error title.
    expect(html.match(/<strong>/g)).toHaveLength(1);
    expect(html).toContain(
      '<code>[evil 2/2] RUN echo &quot;&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;&quot; | tee `x` #:crit;',
    );
    expect(html).toContain('<code>R|ule`</code>');
  });

  it('keeps every table row at its column count: pipes in step names cannot add cells', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| <code>\\[evil 2/2\\]'));
    expect(rows).toHaveLength(2);
    // GitHub keeps a backslash-escaped pipe inside its cell, even within <code>.
    for (const row of rows) expect(/<code>([^<]*)<\/code>/.exec(row)![1]).not.toMatch(/(^|[^\\])\|/);
    expect(rows[0]).toContain('\\| tee');
  });

  it('drops ANSI escapes and keeps workflow-command lookalikes inert (text in a pre block)', () => {
    expect(md).not.toContain('\u001b');
    expect(md).toContain('<pre>::error file=x,line=1::pwned\n');
  });

  it('keeps the mermaid chart well-formed: labels lose syntax characters', () => {
    const chart = mermaidBlock(md);
    expect(chart.join('\n')).not.toMatch(/%%|<|>|"|`|;|#|:crit; /);
    // The label starts with the step index, so mermaid's `click` keyword can never begin a line.
    expect(chart.some((l) => /^\s*click/.test(l))).toBe(false);
    for (const line of chart.slice(4).filter((l) => !l.startsWith('  section ')))
      expect(line).toMatch(TASK_LINE);
  });
});

describe('bounds', () => {
  it('stays small whatever the number of steps and warnings', () => {
    const steps = Array.from({ length: 5000 }, (_, i) =>
      step({
        name: `[s ${i + 1}/5000] RUN ${'x'.repeat(500)}`,
        status: i % 2 ? 'cached' : 'done',
        durationMs: i,
      }),
    );
    const warnings = Array.from({ length: 1000 }, (_, i) => ({
      rule: 'R',
      message: 'm'.repeat(300),
      line: i,
      file: null,
    }));
    const md = renderSummary(input({ ...clean01, steps, warnings }));
    expect(md.length).toBeLessThan(200_000);
    expect(md).toContain('4800 more steps not shown.');
    expect(md).toContain('… and 970 more');
    expect(mermaidBlock(md).filter((l) => TASK_LINE.test(l))).toHaveLength(60);
  });
});

describe('renderTimeline', () => {
  it('uses observed start times when the log has none, so parallel stages overlap', () => {
    const report = {
      ...clean01,
      steps: [
        step({ name: '[a 1/2] RUN sleep 2', status: 'done', durationMs: 2000 }),
        step({ name: '[b 1/2] RUN sleep 2', status: 'done', durationMs: 2000 }),
      ],
    };
    const sequential = renderTimeline(report)!;
    expect(sequential).toContain('1/2 RUN sleep 2 :active, s2, 2000, 4000');
    const observed = renderTimeline(report, {
      observedStartMs: new Map([
        ['[a 1/2] RUN sleep 2', 100],
        ['[b 1/2] RUN sleep 2', 150],
      ]),
    })!;
    expect(observed).toContain(':active, s1, 0, 2000');
    expect(observed).toContain(':active, s2, 50, 2050');
  });

  it('draws each step from when it was seen starting to when it was seen settled', () => {
    // BuildKit v0.8 prints no duration for a cancelled step: its bar still spans the minute it ran.
    const report = {
      ...clean01,
      steps: [
        step({ name: '[1/2] RUN make', status: 'done', durationMs: 1000 }),
        step({ name: '[2/2] RUN sleep 600', status: 'cancelled', durationMs: null }),
      ],
    };
    const chart = renderTimeline(report, {
      observedStartMs: new Map([
        ['[1/2] RUN make', 0],
        ['[2/2] RUN sleep 600', 1000],
      ]),
      observedEndMs: new Map([
        ['[1/2] RUN make', 1000],
        ['[2/2] RUN sleep 600', 61_000],
      ]),
    })!;
    expect(chart).toContain('1/2 RUN make :active, s1, 0, 1000');
    expect(chart).toContain('2/2 RUN sleep 600 :s2, 1000, 61000');
  });

  it('never starts a step before the previous step of its stage ended', () => {
    // Engine 26: [5/5] seen at 870 ms while [4/5], seen at 0 with 1100 ms, ran until 1100 ms.
    const report = {
      ...clean01,
      steps: [
        step({ name: '[app 4/5] RUN build', status: 'done', durationMs: 1100 }),
        step({ name: '[app 5/5] RUN test', status: 'done', durationMs: 500 }),
        step({ name: '[tools 1/1] RUN fetch', status: 'done', durationMs: 500 }),
      ],
    };
    const chart = renderTimeline(report, {
      observedStartMs: new Map([
        ['[app 4/5] RUN build', 0],
        ['[app 5/5] RUN test', 870],
        ['[tools 1/1] RUN fetch', 300],
      ]),
    })!;
    expect(chart).toContain('4/5 RUN build :active, s1, 0, 1100');
    expect(chart).toContain('5/5 RUN test :active, s2, 1100, 1600');
    // Another stage may run beside it.
    expect(chart).toContain('1/1 RUN fetch :active, s3, 300, 800');
  });

  it('never lets a step name read as a gantt statement', () => {
    const report = {
      ...clean01,
      steps: [
        step({ name: 'title pwned', status: 'done', durationMs: 1 }),
        step({ name: 'click s1 href javascript:alert(1)', status: 'done', durationMs: 1 }),
        step({ name: 'section fake', status: 'done', durationMs: 1 }),
        // The gantt lexer reads a leading YYYY-MM-DD as a date token: the whole chart fails to parse.
        step({ name: '2024-01-01 nightly export', status: 'done', durationMs: 1 }),
      ],
    };
    const tasks = renderTimeline(report)!.split('\n').slice(6);
    expect(tasks).toEqual([
      '  step title pwned :active, s1, 0, 1',
      '  step click s1 href javascript alert 1 :active, s2, 1, 2',
      '  step section fake :active, s3, 2, 3',
      '  step 2024-01-01 nightly export :active, s4, 3, 4',
    ]);
  });

  it('uses the log start offsets of rawjson reports', () => {
    const report = {
      ...clean01,
      steps: [step({ name: '[1/1] RUN x', status: 'done', durationMs: 90_000, startOffsetMs: 1000 })],
    };
    expect(renderTimeline(report)).toContain('  axisFormat %-M:%S');
    expect(renderTimeline({ ...clean01, steps: [] })).toBeNull();
  });
});

describe('the cache figure agrees with the steps it counts', () => {
  // Engine 26 reports a present base image CACHED; the ratio leaves FROM out, and so must the
  // counts beside it (one run read "0% (1/1 steps cached)").
  const report = analyzeLog(
    [
      '#1 [1/2] FROM docker.io/library/alpine:3',
      '#1 CACHED',
      '#2 [2/2] RUN make',
      '#2 DONE 1.0s',
      '#3 exporting to image',
      '#3 DONE 0.1s',
    ].join('\n'),
  );

  it('in the summary: 0% and 0 of 1 steps, FROM not among them', () => {
    expect(report.totals.cacheHitRatio).toBe(0);
    const md = renderSummary(input(report));
    expect(md).toContain('| 0% (0/1 steps cached) |');
    const cachedRows = report.steps.filter((s) => s.instruction !== 'FROM' && s.status === 'cached');
    expect(cachedRows).toHaveLength(0);
  });

  it('in the cache gate', () => {
    const [gate] = evaluateGates(
      report,
      { minCacheHitRatio: 0.5, maxDurationMs: null, maxContextBytes: null, failOnWarnings: false },
      null,
    );
    expect(gate?.message).toContain('cache hit ratio 0% (0/1 steps cached)');
  });
});

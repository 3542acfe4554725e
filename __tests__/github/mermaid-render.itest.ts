// Every kind of job summary, rendered as GitHub shows it: markdown with GitHub's
// styles and each ```mermaid block drawn by mermaid 11 in headless Chromium
// (scripts/render/github-markdown.mjs). Fails on any mermaid error, and checks what
// the reader sees: the errors chart's colours, its bar and label count, the build
// timeline's bar colours. BXG_RENDER_OUT=dir also writes each one as a PNG.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openRenderer, type SummaryRenderer } from '../../scripts/render/github-markdown.mjs';
import { findCacheBusts } from '../../src/build-action/explain/cache-bust.js';
import { evaluateGates } from '../../src/build-action/explain/gates.js';
import {
  renderSummary as renderBuildSummary,
  type SummaryInput,
} from '../../src/build-action/explain/summary.js';
import { GANTT_COLOURS } from '../../src/build-action/explain/timeline.js';
import { CHART_BACKGROUND } from '../../src/github/xychart.js';
import { parseDockerfile } from '../../src/engine/dockerfile.js';
import type { BuildReport } from '../../src/engine/report.js';
import {
  CHART_COLOURS,
  MAX_CHART_BARS,
  renderSummary as renderVerifySummary,
} from '../../src/verify-action/report/summary.js';
import { CORPUS, clean01, partial03, runFail06, step } from '../build-action/reports.js';
import { configFrom, DEPLOYED } from '../verify-action/helpers.js';
import { runVerification } from '../../src/verify-action/run.js';
import { BURST, depsFor, RULES, verify } from '../verify-action/run-fixtures.js';

const OUT = process.env.BXG_RENDER_OUT ?? null;
const dockerfileOf = (name: string) => parseDockerfile(readFileSync(`${CORPUS}/${name}/Dockerfile`, 'utf8'));

function buildInput(report: BuildReport, extra: Partial<SummaryInput> = {}): SummaryInput {
  return {
    report,
    durationMs: report.totals.durationMs,
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

async function buildSummaries(): Promise<Record<string, string>> {
  const dockerfile03 = dockerfileOf('03-multistage-partial-late-copy');
  const cacheBust = buildInput(partial03, {
    dockerfile: dockerfile03,
    findings: findCacheBusts(dockerfile03, partial03, {
      hasDockerignore: true,
      noCache: false,
      noCacheStages: [],
    }),
    gates: evaluateGates(
      partial03,
      { minCacheHitRatio: 0.95, maxDurationMs: null, maxContextBytes: null, failOnWarnings: false },
      1234,
    ),
  });
  // Step names are untrusted: whatever they hold, the chart must still parse and draw.
  const hostile = {
    ...runFail06,
    steps: [
      step({
        name: '[evil 1/3] RUN echo %%{init: {"theme":"dark"}}%% #:crit; click s1 call alert()',
        status: 'done',
        durationMs: 5,
      }),
      step({ name: 'section title gantt 2024-01-01 ```', status: 'cached', durationMs: 1 }),
      step({
        name: '[evil 3/3] RUN </code><script>alert(1)</script> "quoted" `tick` ; : ,',
        status: 'error',
        durationMs: 3,
      }),
    ],
  };
  return {
    'build-hostile': renderBuildSummary(buildInput(hostile)),
    'build-success': renderBuildSummary(buildInput(clean01, { tags: ['app:1'], digest: 'sha256:abc' })),
    'build-failure': renderBuildSummary(
      buildInput(runFail06, { dockerfile: dockerfileOf('06-run-fail-exit1') }),
    ),
    'build-cache-bust': renderBuildSummary(cacheBust),
  };
}

async function verifySummaries(): Promise<Record<string, string>> {
  const quiet = {
    ...BURST,
    errors: 6,
    rules: [1, 0],
    buckets: BURST.buckets!.map((b, i) => ({ at: b.at, errors: i % 3 })),
    messages: [{ key: 'cache miss for key 17', doc_count: 6 }],
  };
  // Two hours of one-minute buckets: the chart must still draw at most MAX_CHART_BARS bars.
  const long = {
    ...BURST,
    buckets: Array.from({ length: 130 }, (_, i) => ({
      at: DEPLOYED - 120 * 60_000 + i * 60_000,
      errors: i >= 120 ? 60 : i % 4,
    })),
  };
  const rulesConfig = configFrom({ rules: RULES, service: 'checkout', duration: '0' });
  const rollback = renderVerifySummary(await verify(rulesConfig, BURST), rulesConfig.judgement.rules);
  const pass = renderVerifySummary(await verify(rulesConfig, quiet), rulesConfig.judgement.rules);
  const longWindow = renderVerifySummary(
    await verify(configFrom({ service: 'checkout', duration: '0', 'baseline-window': '2h' }), long),
  );
  const inconclusive = renderVerifySummary(await verify(configFrom({ duration: '0' }), {}));
  // Paused, with alerts: one delivered, one refused with hostile server text.
  const pauseConfig = configFrom({
    service: 'checkout',
    environment: 'production',
    duration: '0',
    'max-increase': 'off',
    rules:
      '- {name: auth failed, phrase: auth failed, max: 2, action: pause, notify: [alertmanager, webhook], labels: {team: security}}',
    'pause-command': 'kubectl argo rollouts pause checkout -n shop',
    'alertmanager-url': 'http://127.0.0.1:9',
    'webhook-url': 'http://127.0.0.1:9/hook',
    retries: '0',
  });
  const paused = renderVerifySummary(
    await runVerification(pauseConfig, {
      ...depsFor(BURST),
      http: {
        post: async (url) =>
          url.endsWith('/hook')
            ? { status: 500, body: '<script>alert(1)</script> | [x](http://evil) ```' }
            : { status: 200, body: '' },
      },
    }),
    pauseConfig.judgement.rules,
  );
  return {
    'verify-pass': pass,
    'verify-rollback': rollback,
    'verify-long-window': longWindow,
    'verify-inconclusive': inconclusive,
    'verify-pause-alerts': paused,
  };
}

/**
 * Bars that show above the 0 line, by colour. Mermaid draws a 0 as a stub below
 * the 0 line, which the chart covers with a background-coloured series: the
 * tallest rect of that series is the stub's height.
 */
function visibleBars(svg: string): { byColour: Map<string, number>; coloursAt: Map<string, Set<string>> } {
  const bars = [...svg.matchAll(/<g class="bar-plot-\d+">([\s\S]*?)<\/g>/g)].flatMap((g) =>
    [...g[1]!.matchAll(/<rect x="([\d.]+)"[^>]*height="([\d.]+)" fill="([^"]+)"/g)].map((r) => ({
      x: r[1]!,
      height: Number(r[2]),
      fill: r[3]!.toLowerCase(),
    })),
  );
  const stub = Math.max(0, ...bars.filter((b) => b.fill === CHART_BACKGROUND).map((b) => b.height));
  const byColour = new Map<string, number>();
  const coloursAt = new Map<string, Set<string>>();
  for (const bar of bars) {
    if (bar.fill === CHART_BACKGROUND || bar.height <= stub + 0.5) continue;
    byColour.set(bar.fill, (byColour.get(bar.fill) ?? 0) + 1);
    coloursAt.set(bar.x, new Set([...(coloursAt.get(bar.x) ?? []), bar.fill]));
  }
  return { byColour, coloursAt };
}

describe('summaries rendered with mermaid 11 in headless Chromium', () => {
  let renderer: SummaryRenderer;
  let summaries: Record<string, string>;

  beforeAll(async () => {
    renderer = await openRenderer();
    summaries = { ...(await buildSummaries()), ...(await verifySummaries()) };
    if (OUT) mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await renderer?.close();
  });

  const render = async (name: string) => {
    const result = await renderer.render(summaries[name]!, {
      screenshot: OUT ? path.join(OUT, `${name}.png`) : null,
    });
    expect(result.errors).toEqual([]);
    return result;
  };

  it.each(['build-success', 'build-failure', 'build-cache-bust', 'build-hostile'])(
    '%s: the timeline draws, bars coloured by outcome',
    async (name) => {
      const { diagrams } = await render(name);
      expect(diagrams.map((d) => d.type)).toEqual(['gantt']);
      const svg = diagrams[0]!.svg;
      expect(svg).toContain(GANTT_COLOURS.ran);
      if (name === 'build-failure' || name === 'build-hostile') expect(svg).toContain(GANTT_COLOURS.failed);
      expect(svg).not.toMatch(/<script|onerror/);
      if (name === 'build-cache-bust') expect(svg).toContain(GANTT_COLOURS.cached);
    },
  );

  it.each(['verify-pass', 'verify-rollback', 'verify-long-window', 'verify-pause-alerts'])(
    '%s: the errors chart draws before and after in their colours, the baseline line, few labels',
    async (name) => {
      const { diagrams } = await render(name);
      expect(diagrams.map((d) => d.type)).toEqual(['xychart']);
      const svg = diagrams[0]!.svg;
      const { byColour, coloursAt } = visibleBars(svg);
      expect(byColour.get(CHART_COLOURS.before)).toBeGreaterThan(0);
      expect(byColour.get(CHART_COLOURS.after)).toBeGreaterThan(0);
      expect([...byColour.keys()].sort()).toEqual([CHART_COLOURS.after, CHART_COLOURS.before].sort());
      // One colour per bar position: no 0-value stub of the other series shows over or under it.
      for (const colours of coloursAt.values()) expect(colours.size).toBe(1);
      expect(svg).toMatch(new RegExp(`<path [^>]*stroke="${CHART_COLOURS.baseline}"`));
      const xLabels = /<g class="bottom-axis">[\s\S]*?<g class="label">([\s\S]*?)<\/g>/.exec(svg)?.[1] ?? '';
      const count = [...xLabels.matchAll(/<text/g)].length;
      expect(count).toBeGreaterThan(1);
      expect(count).toBeLessThanOrEqual(MAX_CHART_BARS);
    },
  );

  it('verify-inconclusive: no chart, and the summary still renders', async () => {
    const { diagrams } = await render('verify-inconclusive');
    expect(diagrams).toEqual([]);
  });

  it('reports a mermaid error instead of passing it by', async () => {
    const { errors } = await renderer.render('```mermaid\nxychart-beta\n  x-axis [a, b\n```\n');
    expect(errors.join('\n')).toMatch(/diagram 1: .*(Parse error|error)/i);
  });
});

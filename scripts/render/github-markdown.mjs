// Renders job-summary markdown the way GitHub shows it: CommonMark + GFM tables
// (markdown-it, close to GitHub's cmark-gfm) with GitHub's markdown styles, and
// every ```mermaid block drawn by mermaid 11 (from npm) in headless Chromium
// (Debian's /usr/bin/chromium, driven by puppeteer-core: no browser download).
// Used by the mermaid render test and `npm run screenshots`.
import MarkdownIt from 'markdown-it';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const MERMAID_BUNDLE = require.resolve('mermaid/dist/mermaid.min.js');
export const CHROMIUM = process.env.BXG_CHROMIUM ?? '/usr/bin/chromium';

const markdown = new MarkdownIt({ html: true, linkify: false });
const defaultFence = markdown.renderer.rules.fence;
markdown.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token.info.trim() !== 'mermaid') return defaultFence(tokens, idx, options, env, self);
  return `<pre class="mermaid-source">${markdown.utils.escapeHtml(token.content)}</pre>\n`;
};

// A compact stand-in for GitHub's markdown styles (its job summary, light theme).
const CSS = `
body { margin: 0; background: #f6f8fa; }
.summary { box-sizing: border-box; width: 960px; margin: 16px; padding: 16px 24px; background: #fff;
  border: 1px solid #d0d7de; border-radius: 6px; color: #1f2328;
  font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, "DejaVu Sans", sans-serif,
    "Noto Color Emoji"; }
.summary h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d8dee4;
  margin: 16px 0; }
.summary h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.summary p, .summary ul, .summary table, .summary pre, .summary details, .summary blockquote { margin: 0 0 16px; }
.summary ul { padding-left: 2em; }
.summary code { font: 85% ui-monospace, SFMono-Regular, "DejaVu Sans Mono", monospace; padding: .2em .4em;
  background: rgba(175,184,193,.2); border-radius: 6px; }
.summary pre { font: 85% ui-monospace, SFMono-Regular, "DejaVu Sans Mono", monospace; padding: 16px;
  background: #f6f8fa; border-radius: 6px; overflow: auto; line-height: 1.45; }
.summary pre code { padding: 0; background: none; font-size: 100%; }
.summary table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
.summary th, .summary td { padding: 6px 13px; border: 1px solid #d0d7de; }
.summary th { font-weight: 600; }
.summary tr:nth-child(2n) { background: #f6f8fa; }
.summary blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d0d7de; }
.summary a { color: #0969da; text-decoration: none; }
.summary .mermaid { margin: 0 0 16px; text-align: center; }
.summary .mermaid svg { max-width: 100%; height: auto; }
`;

/** The HTML page for a summary; mermaid blocks stay as sources until render() draws them. */
export function summaryPage(summaryMarkdown) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head>
<body><div class="summary">${markdown.render(summaryMarkdown)}</div></body></html>`;
}

// Runs in the page: draws each mermaid source, the way GitHub's viewer does, and
// reports every error mermaid raises (a parse error, a render error, a logged error).
async function drawDiagrams() {
  const errors = [];
  const diagrams = [];
  // eslint-disable-next-line no-undef
  const mermaid = window.mermaid;
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', logLevel: 'error' });
  // eslint-disable-next-line no-undef
  const sources = [...document.querySelectorAll('pre.mermaid-source')];
  for (const [i, pre] of sources.entries()) {
    const source = pre.textContent;
    try {
      await mermaid.parse(source);
      const { svg, diagramType } = await mermaid.render(`diagram-${i}`, source);
      // eslint-disable-next-line no-undef
      const div = document.createElement('div');
      div.className = 'mermaid';
      div.innerHTML = svg;
      pre.replaceWith(div);
      diagrams.push({ type: diagramType, svg });
    } catch (error) {
      errors.push(`diagram ${i + 1}: ${error?.message ?? String(error)}`);
    }
  }
  return { errors, diagrams };
}

/**
 * A headless Chromium that renders summaries. `render` returns mermaid's errors (none
 * when every diagram drew), each diagram's type and SVG, and a PNG when asked.
 */
export async function openRenderer() {
  const launch = () =>
    puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
      // A shared 2-core CI machine can be slow to start a browser: wait longer than the defaults.
      timeout: 120_000,
      protocolTimeout: 180_000,
    });
  // One more try when the first start fails (a browser that crashed on start under load).
  const browser = await launch().catch(launch);
  return {
    async render(summaryMarkdown, { screenshot = null } = {}) {
      const page = await browser.newPage();
      const logged = [];
      page.on('console', (m) => {
        if (m.type() === 'error') logged.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => logged.push(`page: ${e.message}`));
      try {
        await page.setViewport({ width: 994, height: 600, deviceScaleFactor: 1 });
        await page.setContent(summaryPage(summaryMarkdown), { waitUntil: 'load' });
        await page.addScriptTag({ path: MERMAID_BUNDLE });
        const { errors, diagrams } = await page.evaluate(drawDiagrams);
        await page.evaluate(() => document.fonts.ready); // eslint-disable-line no-undef
        if (screenshot) {
          const box = await (await page.$('.summary')).boundingBox();
          await page.screenshot({
            path: screenshot,
            clip: {
              x: 0,
              y: 0,
              width: Math.ceil(box.x + box.width + 16),
              height: Math.ceil(box.y + box.height + 16),
            },
            captureBeyondViewport: true,
          });
        }
        return { errors: [...errors, ...logged], diagrams };
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

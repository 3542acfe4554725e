// Build output and log messages come from untrusted code (a pull request's RUN
// steps, an attacker's log lines). Everything rendered into a job summary, an
// annotation or the mermaid source passes through one of these functions.
import { stripControl } from '../shared/text.js';

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside HTML elements and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

// Markdown punctuation that can start links, emphasis, images, headings, tables, code.
const MARKDOWN_SPECIALS = /[\\`*_{}[\]()#+\-.!|~]/g;

/**
 * Text safe as inline markdown, e.g. inside a table cell: markdown punctuation
 * backslash-escaped, then HTML specials turned into entities (in that order: a
 * backslash put before the `#` of `&#39;` would show the entity literally),
 * control characters dropped, line breaks folded to spaces so a cell or list
 * item cannot be broken out of. An escaped `|` stays inside its table cell.
 */
export function escapeMarkdownInline(text: string): string {
  // Each run of blanks holding a line break becomes one space (`\s+` once per run: linear).
  const flat = stripControl(text).replace(/\s+/g, (run) => (/[\r\n]/.test(run) ? ' ' : run));
  return escapeHtml(flat.replace(MARKDOWN_SPECIALS, (c) => `\\${c}`));
}

/**
 * A preformatted block of untrusted lines. A `<pre>` with escaped HTML cannot be
 * closed early by the content, unlike a ``` fence, which a line of backticks ends.
 */
export function preBlock(lines: readonly string[]): string {
  return `<pre>${escapeHtml(lines.map(stripControl).join('\n'))}</pre>`;
}

/**
 * Inline code for untrusted text, one line. GitHub parses markdown between
 * `<code>` tags (a `[x](url)` there is a live link), so the content is escaped
 * as inline markdown, not only as HTML.
 */
export function inlineCode(text: string): string {
  return `<code>${escapeMarkdownInline(text)}</code>`;
}

/**
 * A label inside mermaid source. Mermaid's gantt and xychart grammars treat `:`,
 * `#`, `;`, quotes and brackets as syntax, and its labels can carry HTML, so only
 * a conservative character set survives; the rest become spaces.
 */
export function mermaidLabel(text: string, maxLength = 60): string {
  const safe = stripControl(text)
    .replace(/[^A-Za-z0-9 _./@=+,-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = safe.length > maxLength ? `${safe.slice(0, maxLength - 1)}…` : safe;
  return cut === '' ? '-' : cut;
}

/** Truncates to at most maxChars, marking the cut so readers know text is missing. */
export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}

// The escaping functions checked by what a CommonMark + GFM-tables renderer
// (markdown-it, close to GitHub's cmark-gfm) makes of them: hostile build output
// must come out as the same text, with no element of its own.
// covers: src/github/escape.ts, src/github/markdown.ts
import { describe, expect, it } from '@jest/globals';
import MarkdownIt from 'markdown-it';
import { escapeMarkdownInline, inlineCode, preBlock } from '../../src/github/escape.js';
import { table } from '../../src/github/markdown.js';

const markdown = new MarkdownIt({ html: true });

/** The text a reader sees, and the element names the HTML contains. */
function rendered(source: string): { text: string; tags: string[] } {
  const html = markdown.render(source);
  const tags = [...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1] ?? '');
  const text = html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
  return { text, tags: [...new Set(tags)].sort() };
}

const HOSTILE = [
  '[click](https://evil.example)',
  '![pixel](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)>',
  '</code><script>alert(1)</script>',
  "it's a *bold* _claim_ with `ticks`",
  'cat src/*.py | wc -l > /app/*.txt',
  '&lt;already escaped&gt; &amp; &#39;',
  'back\\slash \\* \\[',
  '<details><summary>x</summary>',
  '~~strike~~ https://auto.link.example',
];

describe('escaped text rendered as GitHub markdown', () => {
  it.each(HOSTILE)('inline text %j renders as itself, without markup', (input) => {
    expect(rendered(`x ${escapeMarkdownInline(input)}`)).toEqual({ text: `x ${input}`, tags: ['p'] });
  });

  it.each(HOSTILE)('inline code %j renders as itself, inside one <code>', (input) => {
    expect(rendered(`x ${inlineCode(input)}`)).toEqual({ text: `x ${input}`, tags: ['code', 'p'] });
  });

  it.each(HOSTILE)('a table cell holding %j stays one cell', (input) => {
    const source = table(['a', 'b'], [], [[inlineCode(input), escapeMarkdownInline(input)]]).join('\n');
    const html = markdown.render(source);
    expect(html.match(/<td>/g)).toHaveLength(2);
    expect(rendered(source).tags).toEqual(['code', 'table', 'tbody', 'td', 'th', 'thead', 'tr']);
    expect(rendered(source).text.replace(/\s+/g, ' ')).toBe(`a b ${input} ${input}`.replace(/\s+/g, ' '));
  });

  it.each(HOSTILE)('a pre block holding %j shows it verbatim', (input) => {
    const lines = [input, '```', '</pre>', ''];
    expect(rendered(preBlock(lines))).toEqual({ text: lines.join('\n').trim(), tags: ['pre'] });
  });
});

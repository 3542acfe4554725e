import { describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';
import { escapeMarkdownInline, mermaidLabel, preBlock } from '../../src/github/escape.js';
import { stripControl } from '../../src/shared/text.js';

describe('escaping untrusted build output', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['[click](http://evil)', '\\[click\\]\\(http://evil\\)'],
    ['a | b', 'a \\| b'],
    ['line1\nline2', 'line1 line2'],
    ['**bold** _it_', '\\*\\*bold\\*\\* \\_it\\_'],
  ])('inline markdown %j', (input, expected) => {
    expect(escapeMarkdownInline(input)).toBe(expected);
  });

  it('keeps a pre block closed whatever the content', () => {
    const html = preBlock(['</pre><script>x</script>', '```', '::error::pwned']);
    expect(html.startsWith('<pre>')).toBe(true);
    expect(html.indexOf('</pre>')).toBe(html.length - '</pre>'.length);
    expect(html).not.toContain('<script>');
  });

  it('reduces mermaid labels to inert characters', () => {
    expect(mermaidLabel('[build 2/5] RUN make: all; #x "q"')).toBe('build 2/5 RUN make all x q');
    expect(mermaidLabel(':::')).toBe('-');
  });

  it('drops ANSI and control characters', () => {
    expect(stripControl('\u001b[31mred\u001b[0m\u0007')).toBe('red');
  });

  it('loads the ESM-only actions toolkit under jest', () => {
    expect(typeof core.getInput).toBe('function');
  });
});

describe('bidirectional controls', () => {
  it('are removed, so displayed text is the text held', () => {
    expect(stripControl('rm -rf /tmp/x\u202e\u2066 # safe\u2069')).toBe('rm -rf /tmp/x # safe');
    expect(escapeMarkdownInline('a\u202eb')).toBe('ab');
  });
});

// covers: src/engine/line-splitter.ts, src/engine/utf8-chunks.ts
import { describe, expect, it } from '@jest/globals';
import { LineSplitter } from '../../src/engine/line-splitter.js';

function split(pieces: (string | Uint8Array)[], max = 1000, crEndsLine = true): [string, boolean][] {
  const lines: [string, boolean][] = [];
  const splitter = new LineSplitter((line, truncated) => lines.push([line, truncated]), max);
  splitter.crEndsLine = crEndsLine;
  for (const piece of pieces) splitter.push(piece);
  splitter.end();
  return lines;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LineSplitter', () => {
  it.each([
    ['LF', ['a\nb\n'], ['a', 'b']],
    ['CRLF', ['a\r\nb\r\n'], ['a', 'b']],
    ['lone CR (tty redraws)', ['a\rb\r'], ['a', 'b']],
    ['CRLF split between pieces', ['a\r', '\nb'], ['a', 'b']],
    ['CR at the end of a piece, then text', ['a\r', 'b'], ['a', 'b']],
    ['no final newline', ['a\nb'], ['a', 'b']],
    ['empty lines kept', ['a\n\n\nb\n'], ['a', '', '', 'b']],
    ['a line over many pieces', ['ab', 'cd', 'ef\ng'], ['abcdef', 'g']],
    ['empty input', [''], []],
  ])('%s', (_name, pieces, expected) => {
    expect(split(pieces).map(([line]) => line)).toEqual(expected);
  });

  it('decodes UTF-8 split inside a character', () => {
    const encoded = bytes('héllo ✓\nwörld\n');
    const pieces = Array.from(encoded, (byte) => Uint8Array.of(byte));
    expect(split(pieces).map(([line]) => line)).toEqual(['héllo ✓', 'wörld']);
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(split([Uint8Array.of(0xff, 0xfe, 0x41, 0x0a)])).toEqual([['\ufffd\ufffdA', false]]);
  });

  it('cuts a line longer than the bound, within one piece', () => {
    expect(split(['x'.repeat(25) + '\nok\n'], 10)).toEqual([
      ['x'.repeat(10), true],
      ['ok', false],
    ]);
  });

  it('cuts a long line that arrives in pieces without holding the rest', () => {
    const lines: [string, boolean][] = [];
    const splitter = new LineSplitter((line, truncated) => lines.push([line, truncated]), 8);
    for (let i = 0; i < 1000; i++) splitter.push('abcdef');
    splitter.push('\nnext\n');
    splitter.end();
    expect(lines).toEqual([
      ['abcdefab', true],
      ['next', false],
    ]);
    expect(splitter.truncatedLines).toBe(1);
  });

  it('gives the same lines whatever the chunking', () => {
    const text = 'one\r\ntwo\rthree\n\nfour\r\n' + 'long'.repeat(10) + '\nlast';
    const whole = split([text], 16);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
      expect(split(pieces, 16)).toEqual(whole);
    }
  });

  describe('when a lone CR does not end a line (plain, rawjson)', () => {
    it.each([
      ['LF', ['a\nb\n'], ['a', 'b']],
      ['CRLF, its CR dropped', ['a\r\nb\r\n'], ['a', 'b']],
      ['a lone CR kept in the line', ['a\rb\n'], ['a\rb']],
      ['CR CR LF: only the last CR is the line end', ['a\r\r\n'], ['a\r']],
      ['CRLF split between pieces', ['a\r', '\nb'], ['a', 'b']],
      ['a CR at the end of a piece, then text', ['a\r', 'b\n'], ['a\rb']],
      ['a CR as the last character of the log', ['a\r'], ['a\r']],
      ['a lone CR line', ['\r\n\r\r\n'], ['', '\r']],
    ])('%s', (_name, pieces, expected) => {
      expect(split(pieces, 1000, false).map(([line]) => line)).toEqual(expected);
    });

    it('gives the same lines whatever the chunking', () => {
      const text = 'one\r\ntwo\rthree\n\r\nfour\r\r\n' + 'lo\rng'.repeat(10) + '\r\nlast\r';
      const whole = split([text], 16, false);
      for (const size of [1, 2, 3, 5, 7, 64]) {
        const pieces: string[] = [];
        for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
        expect(split(pieces, 16, false)).toEqual(whole);
      }
    });

    it('takes a change of rule from the next line on, even one made by the sink', () => {
      const lines: string[] = [];
      const splitter = new LineSplitter((line) => {
        lines.push(line);
        if (line === 'plain') splitter.crEndsLine = false;
      }, 1000);
      splitter.push('a\rplain\rb\rc\r\nd\n');
      splitter.end();
      expect(lines).toEqual(['a', 'plain', 'b\rc', 'd']);
    });
  });
});

// buildx's output split into lines without decoding it (buildx/line-stream.ts).
import { describe, it, expect } from '@jest/globals';
import { LineStream } from '../../../src/build-action/buildx/line-stream.js';

describe('LineStream', () => {
  it('splits on LF across chunks and passes an over-long line in pieces', () => {
    const stream = new LineStream(8);
    expect(stream.push(Buffer.from('ab\ncd')).map(String)).toEqual(['ab\n']);
    expect(stream.push(Buffer.from('e\nf')).map(String)).toEqual(['cde\n']);
    expect(stream.push(Buffer.from('0123456789')).map(String)).toEqual(['f0123456789']);
    expect(stream.push(Buffer.from('xy\n')).map(String)).toEqual(['xy\n']);
    expect(stream.end()).toBeNull();
    stream.push(Buffer.from('tail'));
    expect(String(stream.end())).toBe('tail');
  });
});

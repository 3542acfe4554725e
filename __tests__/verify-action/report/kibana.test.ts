import { describe, expect, it } from '@jest/globals';
import { discoverUrl, rison } from '../../../src/verify-action/report/kibana.js';

describe('rison', () => {
  it.each([
    [null, '!n'],
    [true, '!t'],
    [false, '!f'],
    [42, '42'],
    [-1.5, '-1.5'],
    ['abc', 'abc'],
    ['log.level', 'log.level'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's!", "'it!'s!!'"],
    ['-x', "'-x'"],
    ['1abc', "'1abc'"],
    [[1, 'a b'], "!(1,'a b')"],
    [{ a: 1, 'b c': [true] }, "(a:1,'b c':!(!t))"],
    [{}, '()'],
  ])('%j -> %s', (value, text) => {
    expect(rison(value as never)).toBe(text);
  });
});

describe('the Discover link', () => {
  const url = discoverUrl({
    kibanaUrl: 'https://kibana.example.com',
    dataView: 'logs-dv',
    from: Date.parse('2026-11-27T11:20:00Z'),
    to: Date.parse('2026-11-27T11:59:30Z'),
    query: { bool: { filter: [{ term: { 'service.name': "o'brien (x)" } }] } },
    label: 'buildx-gate: errors',
    columns: ['log.level', 'message'],
  });

  it('carries the time range and the query as rison state', () => {
    expect(url.startsWith('https://kibana.example.com/app/discover#/?_g=')).toBe(true);
    const [, g, a] = /_g=(.*)&_a=(.*)$/.exec(url)!;
    expect(decodeURIComponent(g!)).toBe(
      "(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:'2026-11-27T11:20:00.000Z',to:'2026-11-27T11:59:30.000Z'))",
    );
    const state = decodeURIComponent(a!);
    expect(state).toContain("query:(bool:(filter:!((term:(service.name:'o!'brien (x)')))))");
    expect(state).toContain('index:logs-dv');
    expect(state).toContain('columns:!(log.level,message)');
  });

  it('needs no escaping beyond the URL: no spaces, quotes or angle brackets left raw', () => {
    expect(url).not.toMatch(/[\s"<>]/);
  });
});

// covers: src/build-action/inputs.ts, src/build-action/input-list.ts, src/shared/input-error.ts
import { describe, it, expect } from '@jest/globals';
import { parseList } from '../../src/build-action/input-list.js';
import { readInputs } from '../../src/build-action/inputs.js';
import { InputError } from '../../src/shared/input-error.js';

const read = (values: Record<string, string>) => readInputs((name) => values[name] ?? '');

describe('parseList (build-push-action list semantics)', () => {
  it.each<[string, string, Parameters<typeof parseList>[1], string[]]>([
    ['newlines and commas split', 'a,b\nc', {}, ['a', 'b', 'c']],
    ['items are trimmed, empty lines skipped', '  a , b \n\n  c  \n', {}, ['a', 'b', 'c']],
    ['CRLF lines', 'a\r\nb', {}, ['a', 'b']],
    ['quotes protect commas', '"a,b",c', {}, ['a,b', 'c']],
    ['ignoreComma keeps a line whole', 'LIST=a,b,c\nX=1', { ignoreComma: true }, ['LIST=a,b,c', 'X=1']],
    [
      'ignoreComma: a quoted field keeps its newline',
      '"MULTI=line1\nline2",Y=2',
      { ignoreComma: true },
      ['MULTI=line1\nline2,Y=2'],
    ],
    [
      'relaxed quotes: a quote inside a bare field is literal',
      'MSG=say "hi"',
      { ignoreComma: true },
      ['MSG=say "hi"'],
    ],
    [
      'quote: false keeps quotes (outputs)',
      'type=local,dest="./out"',
      { ignoreComma: true, quote: false },
      ['type=local,dest="./out"'],
    ],
    [
      'every item is trimmed, as Util.getList does for secrets too',
      ' KEY= padded value \n',
      { ignoreComma: true },
      ['KEY= padded value'],
    ],
    ['empty input', '   ', {}, []],
  ])('%s', (_name, raw, options, expected) => {
    expect(parseList(raw, options)).toEqual(expected);
  });
});

describe('readInputs', () => {
  it('secrets: items are trimmed like build-push-action, so an indented line keeps its key', () => {
    expect(read({ secrets: '  NPM_TOKEN=abc  \n\tGIT_AUTH_TOKEN=def' }).secrets).toEqual([
      'NPM_TOKEN=abc',
      'GIT_AUTH_TOKEN=def',
    ]);
  });

  it('defaults: nothing set, summary and PR annotations on, gates off', () => {
    const inputs = read({});
    expect(inputs).toMatchObject({
      tags: [],
      load: false,
      push: false,
      summary: true,
      prAnnotations: true,
      minCacheHitRatio: null,
      maxDurationMs: null,
      maxContextBytes: null,
      failOnWarnings: false,
    });
  });

  it('parses the gate inputs', () => {
    const inputs = read({
      'min-cache-hit-ratio': '0.75',
      'max-duration': '1h30m',
      'max-context-size': '1.5GiB',
      'fail-on-warnings': 'TRUE',
    });
    expect(inputs.minCacheHitRatio).toBe(0.75);
    expect(inputs.maxDurationMs).toBe(90 * 60_000);
    expect(inputs.maxContextBytes).toBe(Math.round(1.5 * 1024 ** 3));
    expect(inputs.failOnWarnings).toBe(true);
    expect(read({ 'min-cache-hit-ratio': '80%' }).minCacheHitRatio).toBeCloseTo(0.8);
  });

  it('annotations: a boolean word is the PR-annotation switch, anything else image annotations', () => {
    expect(read({ annotations: 'false' })).toMatchObject({ prAnnotations: false, annotations: [] });
    expect(read({ annotations: 'true' })).toMatchObject({ prAnnotations: true, annotations: [] });
    expect(read({ annotations: 'manifest:a=b' })).toMatchObject({
      prAnnotations: true,
      annotations: ['manifest:a=b'],
    });
    expect(read({ annotations: 'manifest:a=b', 'pr-annotations': 'false' })).toMatchObject({
      prAnnotations: false,
      annotations: ['manifest:a=b'],
    });
  });

  it.each<[Record<string, string>, string | RegExp]>([
    [
      { 'min-cache-hit-ratio': '1.5' },
      "min-cache-hit-ratio: expected a ratio between 0 and 1 (e.g. 0.8, or 80%), got '1.5'",
    ],
    [{ 'min-cache-hit-ratio': 'high' }, /min-cache-hit-ratio.*got 'high'/],
    [{ 'max-duration': '10' }, "max-duration: expected a duration like 90s, 10m or 1h30m, got '10'"],
    [{ 'max-duration': '10 minutes' }, /max-duration/],
    [
      { 'max-context-size': '200' },
      "max-context-size: expected a size like 500kB, 200MB or 1.5GiB, got '200'",
    ],
    [{ 'max-context-size': '2XB' }, /max-context-size/],
    [{ 'fail-on-warnings': 'yes' }, "fail-on-warnings: expected true or false, got 'yes'"],
    [{ push: 'on' }, "push: expected true or false, got 'on'"],
    [{ load: '1' }, /^load: /],
    [{ 'no-cache': 'y' }, /^no-cache: /],
    [{ pull: 'nope' }, /^pull: /],
    [{ summary: 'off' }, /^summary: /],
    [{ 'pr-annotations': 'no' }, /^pr-annotations: /],
    [{ secrets: 'NOEQUALS' }, 'secrets: item 1 is not KEY=VALUE, e.g. NPM_TOKEN=${{ secrets.NPM_TOKEN }}'],
    [
      { 'secret-envs': 'A=B,C=' },
      "secret-envs: item 2 (key 'C') is not KEY=ENV_VAR_NAME, e.g. NPM_TOKEN=NPM_TOKEN",
    ],
    [{ 'secret-files': '=./x' }, /secret-files: item 1 is not KEY=PATH/],
    [{ tags: '"unclosed' }, /tags: is not a valid list/],
  ])('%j -> %s', (values, message) => {
    expect(() => read(values)).toThrow(InputError);
    expect(() => read(values)).toThrow(message);
  });

  it('never repeats a secret value in an error', () => {
    expect(() => read({ secrets: 'TOKEN=ok\nhunter2' })).toThrow(/item 2 is not/);
    try {
      read({ secrets: 'TOKEN=ok\nhunter2' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});

describe('regression inputs', () => {
  const inputsWith = (values: Record<string, string>) => readInputs((name) => values[name] ?? '');
  it.each([
    [
      'max-duration-increase',
      'fast',
      /max-duration-increase: expected a growth like \+20% or \+60s, got 'fast'/,
    ],
    ['max-duration-increase', '-5%', /max-duration-increase/],
    ['max-cache-ratio-drop', '10%', /max-cache-ratio-drop: expected percentage points/],
    ['max-cache-ratio-drop', '120', /max-cache-ratio-drop/],
    ['max-context-growth', '+lots', /max-context-growth/],
    ['max-cache-export', '0s', /max-cache-export/],
    ['history', 'maybe', /history: expected true or false/],
  ])('%s: %j is refused, naming the input', (input, value, error) => {
    expect(() => inputsWith({ [input]: value })).toThrow(error);
  });

  it('reads the forms', () => {
    const inputs = inputsWith({
      'max-duration-increase': '+20%',
      'max-cache-ratio-drop': '10 points',
      'max-context-growth': '+50MB',
      'max-cache-export': '2m',
      history: 'false',
    });
    expect(inputs.history).toBe(false);
    expect(inputs.regression).toEqual({
      maxDurationIncrease: { kind: 'percent', value: 20 },
      maxCacheRatioDrop: 10,
      maxContextGrowth: { kind: 'absolute', value: 50_000_000 },
      maxCacheExport: { kind: 'ceiling', value: 120_000 },
    });
    expect(inputsWith({}).history).toBe(true);
  });
});

// A list input given as spaces, or as separators with no item between them, is a mistake (an
// unset variable, a stray comma), never a wish for the default: it fails with the input's name.
// Unset is '' (the runner passes every declared input, '' when the workflow does not set it), and
// an expression that came out empty inside a `|` block leaves only line breaks: both keep meaning
// "not given", as in docker/build-push-action. A CLI flag is given on purpose: empty is an error.
// covers: src/shared/blank-input.ts, src/build-action/inputs.ts
// covers: src/verify-action/config/inputs.ts, src/cli/analyze.ts, src/cli/verify.ts
import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { readInputs } from '../../src/build-action/inputs.js';
import { parseAnalyzeArgs } from '../../src/cli/analyze.js';
import { runVerify } from '../../src/cli/verify.js';
import { configFrom, DEPLOYED } from '../verify-action/helpers.js';
import { BURST, depsFor } from '../verify-action/run-fixtures.js';

const BUILD_LISTS = [
  'add-hosts',
  'allow',
  'annotations',
  'attests',
  'build-args',
  'build-contexts',
  'cache-from',
  'cache-to',
  'labels',
  'no-cache-filters',
  'outputs',
  'platforms',
  'secrets',
  'secret-envs',
  'secret-files',
  'ssh',
  'tags',
  'ulimit',
];
const BLANK = [' ', '   ', '\t', ' \n \n', ',', ' , ', ',,\n,', '""', '" "'];

describe('build action list inputs', () => {
  it.each(BUILD_LISTS.flatMap((name) => BLANK.map((value) => [name, value] as const)))(
    '%s: %j is refused, naming the input',
    (name, value) => {
      expect(() => readInputs((n) => (n === name ? value : ''))).toThrow(new RegExp(`^${name}: `));
    },
  );

  it.each(BUILD_LISTS.flatMap((name) => ['', '\n', '\r\n\n'].map((value) => [name, value] as const)))(
    '%s: %j is not given',
    (name, value) => {
      expect(() => readInputs((n) => (n === name ? value : ''))).not.toThrow();
    },
  );
});

describe('verify action list inputs', () => {
  it.each(['levels', 'index'].flatMap((name) => BLANK.map((value) => [name, value] as const)))(
    '%s: %j is refused, naming the input',
    (name, value) => {
      expect(() => configFrom({ [name]: value })).toThrow(new RegExp(`^${name}: `));
    },
  );

  it.each([' ', '\t '])('rules: %j is refused', (value) => {
    expect(() => configFrom({ rules: value })).toThrow(/^rules: /);
  });

  it.each(['', '\n'])('levels: %j takes the default', (value) => {
    expect(configFrom({ levels: value }).scope.levels).toEqual(['error', 'fatal', 'critical']);
  });
});

describe('CLI flags', () => {
  async function verify(args: string[]) {
    let stderr = '';
    const code = await runVerify(
      [
        '--elasticsearch-url',
        'http://es:9200',
        '--deployed-at',
        String(DEPLOYED),
        '--duration',
        '0',
        ...args,
      ],
      {
        stdout: () => {},
        stderr: (t) => (stderr += t),
        stdin: new PassThrough(),
        env: {},
        cwd: '/',
      },
      depsFor(BURST),
    );
    return { code, stderr };
  }

  it.each([
    ['--levels', ''],
    ['--levels', ' '],
    ['--levels', ','],
    ['--index', ''],
    ['--service', ''],
    ['--rules', '  '],
    ['--max-errors', ''],
  ])('%s %j exits 2 naming the flag', async (flag, value) => {
    const { code, stderr } = await verify([flag, value]);
    expect(code).toBe(2);
    expect(stderr).toContain(flag.slice(2));
  });

  it('--levels= (empty after =) is refused too', async () => {
    const { code, stderr } = await verify(['--levels=']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/levels/);
  });
});

describe('analyze arguments', () => {
  it.each(['', ' '])('FILE %j is refused', (file) => {
    expect(() => parseAnalyzeArgs([file])).toThrow(/^FILE: empty path/);
  });
});

describe('index patterns', () => {
  it('blanks around commas are layout', () => {
    expect(configFrom({ index: 'logs-a, logs-b' }).scope.index).toBe('logs-a,logs-b');
  });
  it.each(['logs a', '{a: [1, 2', 'logs-[x]'])('%j is refused', (index) => {
    expect(() => configFrom({ index })).toThrow(/^index: /);
  });
});

// Issue 17 E.9: inputs are bounded and errors name them. A size or growth too large to be one is
// refused (it used to parse to Infinity and switch the gate off); `secret-envs` naming a variable
// that is not set is refused; and an input buildx itself refuses (`shm-size: -1`, a bad platform)
// is named in the failure, read from buildx's own error line.
import { describe, expect, it } from '@jest/globals';
import { readInputs } from '../../src/build-action/inputs.js';
import { diagnoseSetupError } from '../../src/build-action/explain/setup-errors.js';
import { InputError } from '../../src/shared/input-error.js';
import { runFaked } from './action-fakes.js';

const read = (values: Record<string, string>) => readInputs((name) => values[name] ?? '');
const NINES = '9'.repeat(400);

describe('numbers too large to be what the input asks for', () => {
  it.each([
    ['max-context-size', `${NINES}B`, /max-context-size: expected a size like/],
    ['max-context-size', `1${'0'.repeat(399)}`, /max-context-size/],
    ['max-context-size', '99999999PB', /max-context-size/],
    ['max-duration', `${NINES}h`, /max-duration: expected a duration/],
    ['max-context-growth', `+${NINES}B`, /max-context-growth: expected a growth like/],
    [
      'max-context-growth',
      `+1${'0'.repeat(23)}%`,
      /max-context-growth: expected a percentage above 0 and at most \+10000%/,
    ],
    ['max-duration-increase', `+1${'0'.repeat(23)}%`, /max-duration-increase: expected a percentage/],
    ['max-duration-increase', `${NINES}s`, /max-duration-increase/],
    ['max-cache-export', `+${NINES}%`, /max-cache-export/],
    ['max-cache-export', `${NINES}m`, /max-cache-export/],
  ])('%s: %# is refused, naming the input', (input, value, error) => {
    expect(() => read({ [input]: value })).toThrow(InputError);
    expect(() => read({ [input]: value })).toThrow(error);
  });

  it('the bounds leave every real value', () => {
    const inputs = read({
      'max-context-size': '1.5GiB',
      'max-context-growth': '+10000%',
      'max-duration-increase': '+250%',
      'max-duration': '24h',
    });
    expect(inputs.maxContextBytes).toBe(1610612736);
    expect(inputs.regression.maxContextGrowth).toEqual({ kind: 'percent', value: 10000 });
    expect(inputs.maxDurationMs).toBe(86_400_000);
  });
});

describe('secret-envs', () => {
  it('a variable that is not set is an error naming the input, the item and the variable; nothing runs', async () => {
    const run = await runFaked(
      { context: '.', 'secret-envs': 'NPM=NPM_TOKEN\nAWS=UNSET_VAR' },
      { lines: [] },
      {},
      {
        env: { GITHUB_WORKSPACE: '/repo', NPM_TOKEN: 'x' },
      },
    );
    expect(run.io.failed).toEqual([
      "Input 'secret-envs': item 2 (key 'AWS') names the environment variable UNSET_VAR, which is not set: set it in the step's env",
    ]);
    expect(run.command).toBeUndefined();
  });

  it('an empty one (a fork gets empty secrets) is passed on', async () => {
    const run = await runFaked(
      { context: '.', 'secret-envs': 'NPM=NPM_TOKEN' },
      { lines: [] },
      {},
      {
        env: { GITHUB_WORKSPACE: '/repo', NPM_TOKEN: '' },
      },
    );
    expect(run.command?.args).toContain('id=NPM,env=NPM_TOKEN');
  });
});

describe('an input buildx refuses is named', () => {
  const refused = async (inputs: Record<string, string>, stderr: string) =>
    runFaked({ context: '.', ...inputs }, { lines: stderr.split(/(?<=\n)/), result: { exitCode: 125 } });

  it('shm-size: -1 (cobra names the flag)', async () => {
    const run = await refused(
      { 'shm-size': '-1' },
      `invalid argument "-1" for "--shm-size" flag: invalid size: '-1'\nSee 'docker buildx build --help'.\n`,
    );
    expect(run.io.failed).toEqual([
      `buildx refused the shm-size input: invalid value "-1" for --shm-size: invalid size: '-1'. Fix the 'shm-size' input (buildx exited before building anything).`,
    ]);
    expect(run.io.summary).toContain('buildx refused the shm\\-size input');
  });

  it('a bad platform (buildx quotes the value)', async () => {
    const run = await refused(
      { platforms: 'linux/amd64,bogus///' },
      `ERROR: "" is an invalid component of "bogus///": platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument\n`,
    );
    expect(run.io.failed[0]).toMatch(
      /^buildx refused the platforms input: .*bogus\/\/\/.*Fix the 'platforms' input/,
    );
  });

  it('engine 20 words: failed to parse platform', async () => {
    const run = await refused(
      { platforms: 'linux/amd64,x' + 'y'.repeat(3) },
      `ERROR: failed to parse platform xyyy: unknown operating system or architecture: invalid argument\n`,
    );
    expect(run.io.failed[0]).toMatch(/^buildx refused the platforms input/);
  });

  it('an add-host buildx calls invalid (it names the value as a word)', async () => {
    const run = await refused({ 'add-hosts': 'bad-host' }, 'ERROR: invalid host bad-host\n');
    expect(run.io.failed[0]).toMatch(/^buildx refused the add-hosts input: invalid host bad-host/);
  });

  it('once a step ran, an error that quotes a tag is the build error, not an input', () => {
    const lines = ['ERROR: failed to solve: failed to push "my/app:latest": denied'];
    const flags = [{ flag: '--tag', value: 'my/app:latest', input: 'tags' }];
    expect(diagnoseSetupError(null, lines, flags, true)).toBeNull();
    expect(diagnoseSetupError(null, lines, flags, false)?.kind).toBe('input-refused');
  });
});

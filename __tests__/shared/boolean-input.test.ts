// The one boolean grammar both actions and the CLI read: @actions/core's getBooleanInput words.
import { describe, expect, it } from '@jest/globals';
import { booleanExpected, parseBooleanWord } from '../../src/shared/boolean-input.js';
import { readInputs as readBuildInputs } from '../../src/build-action/inputs.js';
import { readInputs as readVerifyInputs } from '../../src/verify-action/config/inputs.js';

const VERIFY_BASE: Record<string, string> = {
  'elasticsearch-url': 'http://127.0.0.1:9200',
  'deployed-at': '2026-01-01T00:00:00Z',
};

describe('parseBooleanWord', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %s', (word, expected) => expect(parseBooleanWord(word)).toBe(expected));

  it.each(['tRuE', 'yes', 'on', '1', 'y', ' true', ''])('refuses %j', (word) =>
    expect(parseBooleanWord(word)).toBeNull(),
  );
});

describe('both actions read booleans alike', () => {
  const verifyDryRun = (word: string) => {
    try {
      const read = (name: string) => (name === 'dry-run' ? word : (VERIFY_BASE[name] ?? ''));
      return readVerifyInputs(read, { now: Date.parse('2026-01-01T00:10:00Z'), env: {} }).response.dryRun;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const buildNoCache = (word: string) => {
    try {
      return readBuildInputs((name) => (name === 'no-cache' ? word : '')).noCache;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it.each(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'tRuE', 'yes'])('%s', (word) => {
    const expected = parseBooleanWord(word);
    expect(buildNoCache(word)).toEqual(expected ?? expect.stringContaining(booleanExpected(word)));
    expect(verifyDryRun(word)).toEqual(expected ?? expect.stringContaining(booleanExpected(word)));
  });
});

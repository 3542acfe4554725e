// Build-arg values in the record: the record sits in the Actions cache, readable by pull requests
// from forks, so it must keep nothing of a secret-like arg's value and only a salted 32-bit trace
// of the others, which is still enough to see that a value changed.
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  buildArgHashes,
  NOT_RECORDED,
  parseRecord,
  serializeRecord,
  shortHash,
} from '../../../../src/build-action/history/record/record.js';
import { recordOf, reportOf } from '../helpers.js';

const DOCKERFILE = 'FROM local/node:20\nARG DB_PASSWORD\nARG NODE_ENV\nRUN make\n';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function serialized(buildArgs: string[]): string {
  const report = reportOf([{ name: '[2/2] RUN make', status: 'done', seconds: 1 }]);
  return serializeRecord(recordOf(DOCKERFILE, report, { buildArgs }).record);
}

describe('build-args in the record', () => {
  it('keeps nothing derived from the value of a secret-like arg', () => {
    const value = 'hunter2';
    const text = serialized([`DB_PASSWORD=${value}`, 'NODE_ENV=production']);
    expect(parseRecord(text).record!.buildArgs).toEqual({
      DB_PASSWORD: NOT_RECORDED,
      NODE_ENV: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect(text).not.toContain(value);
    // SHA-256 of the value as it is and as the earlier hashing wrapped it, whole and cut to
    // 16 and 8 hex digits.
    for (const input of [value, `value:${value}`, `DB_PASSWORD=${value}`]) {
      const full = sha256(input);
      for (const digest of [full, full.slice(0, 16), full.slice(0, 8)]) expect(text).not.toContain(digest);
    }
    // Nothing at all: the record is the same whatever the value.
    expect(serialized(['DB_PASSWORD=correct horse battery staple', 'NODE_ENV=production'])).toBe(text);
  });

  it('keeps nothing for a secret-like arg passed from the environment either', () => {
    expect(buildArgHashes(['NPM_TOKEN', 'GITHUB_TOKEN=x'])).toEqual({
      NPM_TOKEN: NOT_RECORDED,
      GITHUB_TOKEN: NOT_RECORDED,
    });
  });

  it('hashes other args salted and cut to 8 hex digits, still telling a change', () => {
    const hash = (item: string) => Object.values(buildArgHashes([item]))[0]!;
    expect(hash('NODE_ENV=production')).toMatch(/^[0-9a-f]{8}$/);
    expect(hash('NODE_ENV=production')).toBe(hash('NODE_ENV=production'));
    expect(hash('NODE_ENV=development')).not.toBe(hash('NODE_ENV=production'));
    expect(hash('NODE_ENV')).not.toBe(hash('NODE_ENV=production'));
    // An empty value is a value, not the environment's.
    expect(hash('NODE_ENV=')).not.toBe(hash('NODE_ENV'));
    // Salted by the name: the same value under two names hashes apart.
    expect(hash('FLAVOR=production')).not.toBe(hash('NODE_ENV=production'));
    // And not plain SHA-256 of the value, nor the earlier unsalted hash.
    for (const input of ['production', 'value:production']) {
      expect(sha256(input).startsWith(hash('NODE_ENV=production'))).toBe(false);
      expect(shortHash(input).startsWith(hash('NODE_ENV=production'))).toBe(false);
    }
  });

  it('a record with old 16-hex hashes still reads', () => {
    const text = serialized(['NODE_ENV=production']);
    const old = text.replace(/"NODE_ENV":"[0-9a-f]{8}"/, `"NODE_ENV":"${shortHash('value:production')}"`);
    expect(old).not.toBe(text);
    expect(parseRecord(old)).toMatchObject({
      record: { buildArgs: { NODE_ENV: shortHash('value:production') } },
      problem: null,
    });
  });
});

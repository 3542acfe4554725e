import { describe, expect, it } from '@jest/globals';
import { isNew, mineErrorTemplates } from '../../../src/verify-action/measure/error-templates.js';

describe('new error kinds', () => {
  const baseline = [
    'Failed password for invalid user operator from 5.36.59.76 port 53492 ssh2',
    'Failed password for invalid user admin from 5.36.59.79 port 5392 ssh2',
    'user root: session closed',
    'user root: session closed',
  ];

  it('knows a kind whose variable parts differ, and flags a kind seen only after', () => {
    const mined = mineErrorTemplates(baseline, [
      'Failed password for invalid user cisco from 103.99.0.122 port 50890 ssh2',
      'kernel: Out of memory: Killed process 4242',
    ]);
    expect(mined.kinds.map((k) => k.template)).toEqual([
      'Failed password for invalid user <*> from <*> port <*>',
      'kernel: Out of memory: Killed process <*>',
    ]);
    expect(mined.candidates.map((c) => c.example)).toEqual(['kernel: Out of memory: Killed process 4242']);
    expect(isNew(mined.candidates[0]!, { own: 0 })).toBe(true);
    // The whole baseline had it, beyond the sample: not new.
    expect(isNew(mined.candidates[0]!, { own: 3 })).toBe(false);
  });

  it('flags a variant where the baseline never varied, not where it did', () => {
    const mined = mineErrorTemplates(baseline, ['user root: session opened']);
    const variant = mined.candidates.find((c) => c.example === 'user root: session opened')!;
    expect(variant.template).toBe('user root: session opened');
    expect(variant.variant).toEqual({
      baseTemplate: 'user root: session closed',
      basePhrases: ['user root: session closed'],
      generalPhrases: ['user root: session'],
      differing: 1,
    });
    expect(isNew(variant, { own: 0, base: 20, general: 20 })).toBe(true);
    expect(isNew(variant, { own: 0, base: 20, general: 35 })).toBe(false);
    // One word apart from a kind seen twice: maybe a value that has not varied yet.
    expect(isNew(variant, { own: 0, base: 2, general: 2 })).toBe(false);
    // The whole baseline holds the variant itself.
    expect(isNew(variant, { own: 1, base: 20, general: 20 })).toBe(false);
  });

  it('takes a difference of several words as a new kind on one baseline line', () => {
    const mined = mineErrorTemplates(
      ['a.example.com:80 error : could not connect - connection attempt failed with error 10061'],
      ['b.example.com:80 error : could not connect - could not resolve name error 11001'],
    );
    const variant = mined.candidates[0]!;
    expect(variant.variant?.differing).toBe(4);
    expect(isNew(variant, { own: 0, base: 1, general: 1 })).toBe(true);
  });
});

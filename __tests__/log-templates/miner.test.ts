import { describe, expect, it } from '@jest/globals';
import {
  constantRuns,
  containsPhrases,
  covers,
  maskLine,
  queryPhrases,
  TemplateMiner,
  tokenize,
  WILDCARD,
} from '../../src/log-templates/index.js';
import { isNew, mineErrorTemplates } from '../../src/verify-action/measure/error-templates.js';

const template = (lines: string[]) => {
  const miner = new TemplateMiner();
  for (const line of lines) miner.add(line);
  return miner.templates().map((t) => t.tokens.join(' '));
};

describe('masking', () => {
  it.each([
    [
      'upstream request timeout after 30000ms calling inventory-api',
      'upstream request timeout after <*> calling inventory-api',
    ],
    ['from 103.99.0.122 port 50890 ssh2', 'from <*> port <*> ssh2'],
    ['proxy.cse.cuhk.edu.hk:5070 open', '<*> open'],
    ['Deleting /var/lib/nova/instances/17288ea8-2b5d-4f4c-9bc2-1b9f0f0e3c5a/disk', 'Deleting <*>'],
    ['GET https://api.example.com/v1/x?y=1 failed', 'GET <*> failed'],
    ['mail to ops@example.com bounced', 'mail to <*> bounced'],
    ['order 5f0c2d1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f failed', 'order <*> failed'],
    ['pointer 0x7ffd5e8c and hash deadbeef12345678', 'pointer <*> and hash <*>'],
    ['reading \'currency\' of "cart"', 'reading \'<*>\' of "<*>"'],
    ['(request_id=ab12cd) user=alice', '(request_id=<*>) user=<*>'],
    ['at 2016/9/27:20:30:31.455 and 12:00:01', 'at <*> and <*>'],
    ['fe80:0:0:0:202:b3ff:fe1e:8329 reset', '<*> reset'],
    ['C:\\Windows\\winsxs\\x.dll loaded', '<*> loaded'],
    ['ssh2 v6 and -12.5', 'ssh2 v6 and <*>'],
  ])('%j', (line, masked) => {
    expect(maskLine(line)).toBe(masked);
  });

  it('keeps words, folds punctuation around wildcards into one token', () => {
    expect(tokenize('Component (HWID=3180) is [42] at 10.0.0.1:80')).toEqual([
      'Component',
      '(HWID=<*>)',
      'is',
      WILDCARD,
      'at',
      WILDCARD,
    ]);
  });
});

describe('template miner', () => {
  it('puts lines of one kind under one template, whatever their variable parts', () => {
    expect(
      template([
        'Failed password for invalid user cisco from 103.99.0.122 port 50890 ssh2',
        'Failed password for invalid user operator from 5.36.59.76 port 53492 ssh2',
        'Failed password for invalid user admin from 5.36.59.77 port 3333 ssh2',
      ]),
    ).toEqual(['Failed password for invalid user <*> from <*> port <*> ssh2']);
  });

  it('keeps kinds that differ in their words apart', () => {
    const t = template([
      'session opened for user root by (uid=0)',
      'connection refused by upstream inventory-api',
      'session opened for user news by (uid=9)',
      'connection refused by upstream payments-api',
    ]);
    expect(t).toEqual(['session opened for user <*> by (uid=<*>)', 'connection refused by upstream <*>']);
  });

  it('takes tricky lines: empty, all-variable, unicode, very long', () => {
    const miner = new TemplateMiner();
    expect(miner.add('').tokens).toEqual([]);
    expect(miner.add('   ').tokens).toEqual([]);
    expect(miner.add('42 10.0.0.1 0xff 2024-01-01').tokens).toEqual([WILDCARD, WILDCARD, WILDCARD, WILDCARD]);
    expect(miner.add('Ошибка соединения с базой 5').tokens).toEqual([
      'Ошибка',
      'соединения',
      'с',
      'базой',
      WILDCARD,
    ]);
    expect(miner.add('接続 失敗 🙂 7').tokens).toEqual(['接続', '失敗', '🙂', WILDCARD]);
    const long = Array.from({ length: 5000 }, (_, i) => `w${i % 7}`).join(' ');
    const t = miner.add(long);
    expect(t.tokens).toHaveLength(200);
    expect(t.tokens.at(-1)).toBe(WILDCARD);
    expect(miner.add('x'.repeat(100_000)).tokens).toHaveLength(1);
  });

  it('is deterministic', () => {
    const lines = Array.from(
      { length: 500 },
      (_, i) => `job ${i} ${['failed', 'done', 'retry'][i % 3]} on node-${i % 13}`,
    );
    expect(template(lines)).toEqual(template(lines));
  });

  it('keeps at most maxTemplates, dropping the least recently used', () => {
    const miner = new TemplateMiner({ maxTemplates: 3 });
    for (const w of ['a', 'b', 'c', 'a', 'd']) miner.add(`${w}${w} kind only ${w}${w}${w}`);
    expect(miner.size).toBe(3);
    expect(miner.evicted).toBe(1);
    expect(
      miner
        .templates()
        .map((t) => t.tokens[0])
        .sort(),
    ).toEqual(['aa', 'cc', 'dd']);
  });

  it('rejects bad options', () => {
    expect(() => new TemplateMiner({ depth: 2 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ similarity: 0 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ maxTemplates: 0 })).toThrow(RangeError);
  });

  it('tells whether a template covers a line', () => {
    const t = ['Failed', 'password', 'for', WILDCARD, 'from', WILDCARD];
    expect(covers(t, 'Failed password for root from 1.2.3.4')).toBe(true);
    expect(covers(t, 'Failed password for root via 1.2.3.4')).toBe(false);
    expect(covers(t, 'Failed password for invalid user x from 1.2.3.4')).toBe(false);
  });
});

describe('constant phrases', () => {
  it.each([
    [
      'upstream request timeout after <*> calling inventory-api <*> (request_id=<*>)',
      ['upstream request timeout after', 'calling inventory-api', '(request_id='],
    ],
    ['blk_<*> terminating', ['terminating']],
    ['<*>:<*> open through proxy <*>:<*> HTTPS', ['open through proxy', 'HTTPS']],
    ["reading '<*>'", ['reading']],
    ['<*> <*>', []],
    ['v<*> installed at <*>ms', ['installed at']],
  ])('%j', (text, runs) => {
    expect(constantRuns(text.split(' '))).toEqual(runs);
  });

  it('keeps the longest runs for a query, in order', () => {
    expect(queryPhrases('a <*> b c d <*> e f <*> g'.split(' '), 2)).toEqual(['b c d', 'e f']);
  });

  it('matches phrases on words, as match_phrase does', () => {
    expect(
      containsPhrases('Upstream request TIMEOUT after 3s calling x', ['upstream request timeout after']),
    ).toBe(true);
    expect(containsPhrases('upstream request, timeout', ['request timeout after'])).toBe(false);
    expect(containsPhrases('anything', [])).toBe(false);
  });
});

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
      'Failed password for invalid user <*> from <*> port <*> ssh2',
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

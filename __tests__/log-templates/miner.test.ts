import { describe, expect, it } from '@jest/globals';
import { covers, TemplateMiner, WILDCARD } from '../../src/log-templates/index.js';

const template = (lines: string[]) => {
  const miner = new TemplateMiner();
  for (const line of lines) miner.add(line);
  return miner.templates().map((t) => t.tokens.join(' '));
};

describe('template miner', () => {
  it('puts lines of one kind under one template, whatever their variable parts', () => {
    expect(
      template([
        'Failed password for invalid user cisco from 103.99.0.122 port 50890 ssh2',
        'Failed password for invalid user operator from 5.36.59.76 port 53492 ssh2',
        'Failed password for invalid user admin from 5.36.59.77 port 3333 ssh2',
      ]),
      // ssh2 holds a digit: a variable by Loghub's rule, one with the port before it.
    ).toEqual(['Failed password for invalid user <*> from <*> port <*>']);
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
    // A run of variables is one.
    expect(miner.add('42 10.0.0.1 0xff 2024-01-01').tokens).toEqual([WILDCARD]);
    expect(miner.add('Ошибка соединения с базой 5').tokens).toEqual([
      'Ошибка',
      'соединения',
      'с',
      'базой',
      WILDCARD,
    ]);
    expect(miner.add('接続 失敗 🙂 7').tokens).toEqual(['接続', '失敗', '🙂', WILDCARD]);
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta'];
    const long = Array.from({ length: 5000 }, (_, i) => words[i % 7]).join(' ');
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

import { describe, expect, it } from '@jest/globals';
import { matchesAsPattern } from '../../src/log-templates/merge.js';
import { TemplateMiner } from '../../src/log-templates/index.js';

const t = (text: string) => text.split(' ');

describe('templates of other lengths merged (PIPLUP)', () => {
  it.each([
    ['connection from <*> at <*>', 'connection from <*> () at <*>', true],
    ['connection from <*> at <*>', 'connection from <*> (host.example) at <*>', true],
    ['connection from <*> at <*>', 'connection from <*> at <*>', true],
    // A tail of words is wording the shorter template lacks, not a longer value.
    ['boot (command <*>', 'boot (command <*> Error: HALT asserted cannot continue', false],
    ['connection from <*> at <*>', 'connection to <*> at <*>', false],
    ['a <*> b', 'a b', false],
  ])('%j matches %j: %s', (pattern, tokens, fits) => {
    expect(matchesAsPattern(t(pattern), t(tokens))).toBe(fits);
  });

  it('merges a longer template of one kind into the general one, and says which it took in', () => {
    const miner = new TemplateMiner();
    const lines = [
      'connection from 10.0.0.1 (a.example.com) at Sun Jul 3 23:16:09 2005',
      'connection from 10.0.0.2 () at Sun Jul 3 23:16:10 2005',
      'connection from 10.0.0.3 at Sun Jul 3 23:16:11 2005',
      'connection from 10.0.0.4 (b.example.com) at Mon Jul 4 02:00:00 2005',
    ];
    const ids = lines.map((line) => miner.add(line).id);
    const templates = miner.templates();
    expect(templates).toHaveLength(1);
    expect(templates[0]!.tokens.join(' ')).toBe('connection from <*> at <*>');
    expect(templates[0]!.count).toBe(4);
    expect(new Set(templates[0]!.members)).toEqual(new Set(ids));
  });

  it('is linear: a long line against a long pattern', () => {
    const pattern = Array.from({ length: 200 }, (_, i) => (i % 2 ? '<*>' : 'x'));
    const xs = (n: number) => Array.from({ length: n }, () => 'x');
    expect(matchesAsPattern(pattern, xs(200))).toBe(true);
    // Each wildcard takes at most one word, so 300 words cannot fit; 199 are too few.
    expect(matchesAsPattern(pattern, xs(300))).toBe(false);
    expect(matchesAsPattern(pattern, xs(199))).toBe(false);
  });
});

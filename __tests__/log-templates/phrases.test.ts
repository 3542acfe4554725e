import { describe, expect, it } from '@jest/globals';
import { constantRuns, containsPhrases, queryPhrases } from '../../src/log-templates/index.js';

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

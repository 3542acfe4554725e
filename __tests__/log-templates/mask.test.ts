import { describe, expect, it } from '@jest/globals';
import { maskLine, tokenize, WILDCARD } from '../../src/log-templates/index.js';

describe('masking', () => {
  it.each([
    [
      'upstream request timeout after 30000ms calling inventory-api',
      'upstream request timeout after <*> calling inventory-api',
    ],
    ['from 103.99.0.122 port 50890 ssh2', 'from <*> port <*> ssh2'],
    ['proxy.cse.cuhk.edu.hk:5070 open', '<*> open'],
    ['Deleting /var/lib/nova/instances/17288ea8-2b5d-4f4c-9bc2-1b9f0f0e3c5a/disk', 'Deleting <*>'],
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

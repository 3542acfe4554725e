import { describe, expect, it } from '@jest/globals';
import {
  estimateTop,
  mergeByShape,
  newMessages,
  normalizeMessage,
} from '../../../src/verify-action/measure/messages.js';

describe('message shapes', () => {
  it.each([
    ['timeout after 3021ms calling payments', 'timeout after <n>ms calling payments'],
    ['order 5f0c2d1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f failed', 'order <uuid> failed'],
    ['connect 10.0.3.17:5432 refused', 'connect <ip> refused'],
    ['upstream fe80:0:0:0:202:b3ff:fe1e:8329 reset', 'upstream <ip> reset'],
    ['bad pointer 0x7ffd5e8c at frame 3', 'bad pointer <hex> at frame <n>'],
    ['trace deadbeef12345678 lost', 'trace <hex> lost'],
    ['at 2026-11-27T11:50:00.123Z job 17 died', 'at <time> job <n> died'],
    ['  many   spaces\nand lines ', 'many spaces and lines'],
    ['retrying database', 'retrying database'],
  ])('%j -> %j', (message, shape) => {
    expect(normalizeMessage(message)).toBe(shape);
  });

  it('merges messages of one shape, most frequent first', () => {
    expect(
      mergeByShape([
        { message: 'auth failed for user 1', count: 2 },
        { message: 'timeout after 10ms', count: 3 },
        { message: 'auth failed for user 2', count: 4 },
      ]),
    ).toEqual([
      { message: 'auth failed for user 1', count: 6 },
      { message: 'timeout after 10ms', count: 3 },
    ]);
  });

  it('calls a message new only when its shape is absent from the baseline', () => {
    const window = [
      { message: 'timeout after 3021ms', count: 50 },
      { message: 'NullPointerException in CartService', count: 4 },
    ];
    expect(newMessages(window, ['timeout after 12ms'])).toEqual([
      { message: 'NullPointerException in CartService', count: 4 },
    ]);
    expect(newMessages(window, [])).toEqual(window);
  });
});

describe('estimating the top messages', () => {
  it('finds a shape of unique messages that the exact counts miss', () => {
    // 1000 errors: the exact top counts see only the repeated heap message; the
    // sample shows that most errors are timeouts with unique request ids.
    const exact = [
      { message: 'Java heap space (heap 1934MB)', count: 150 },
      { message: 'Java heap space (heap 1990MB)', count: 100 },
    ];
    const sample = [
      ...Array.from(
        { length: 6 },
        (_, i) => `timeout calling payments (request_id=${(0xabc000 + i).toString(16)}f1)`,
      ),
      'Java heap space (heap 1900MB)',
      'Java heap space (heap 1901MB)',
      'auth failed for user u-1',
      'auth failed for user u-2',
    ];
    expect(estimateTop(exact, sample, 1000)).toEqual([
      { message: 'timeout calling payments (request_id=abc000f1)', count: 600 },
      // Exact 250 beats the sample's estimate of 200.
      { message: 'Java heap space (heap 1934MB)', count: 250 },
      { message: 'auth failed for user u-1', count: 200 },
    ]);
  });

  it('keeps exact counts when there is no sample', () => {
    expect(estimateTop([{ message: 'a 1', count: 3 }], [], 3)).toEqual([{ message: 'a 1', count: 3 }]);
  });
});

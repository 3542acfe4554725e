import { describe, expect, it } from '@jest/globals';
import {
  formatBytes,
  formatDuration,
  formatRatio,
  parseByteSize,
  parseDuration,
} from '../../src/shared/units.js';

describe('parseDuration: one grammar for every duration input', () => {
  it.each([
    // As the build action read them (max-duration).
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['2m30s', 150_000],
    // As verify read them (interval, duration, ingest-delay, baseline-window, request-timeout).
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['0', 0],
    [' 10S ', 10_000],
    // What verify refused and the build action took: the superset takes both.
    ['1.5m', 90_000],
    ['5s1m', 65_000],
    ['1m5s', 65_000],
    // What formatDuration prints reads back.
    ['1m05s', 65_000],
    ['1h00m05s', 3_605_000],
    // Days, for a lookback (new-error-lookback: 7d).
    ['7d', 604_800_000],
    ['1d12h', 129_600_000],
  ])('%j is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', '30', '5 m', 'm', '5 d', 'd', '-5s', '1.s', 's5', '0.5'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeNull(),
  );
});

describe('formatDuration: one rendering', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [850, '850ms'],
    [12_340, '12.3s'],
    [30_000, '30s'],
    [59_960, '1m'],
    [65_000, '1m05s'],
    [90_000, '1m30s'],
    [245_000, '4m05s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [3_720_000, '1h02m'],
    [3_605_000, '1h00m05s'],
    [5_400_000, '1h30m'],
    [null, 'n/a'],
    [Number.NaN, 'n/a'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('prints what parseDuration reads back, to the second', () => {
    for (const ms of [1_000, 59_000, 61_000, 3_599_000, 3_601_000, 86_399_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('parseByteSize: one grammar for inputs and for what buildx prints', () => {
  it.each([
    // Inputs (max-context-size).
    ['200MB', 200_000_000],
    ['1.5GiB', 1610612736],
    ['512kb', 512_000],
    ['100B', 100],
    ['10 MiB', 10 * 1024 * 1024],
    // buildx output (`transferring context: 62.93MB`).
    ['359B', 359],
    ['2B', 2],
    ['4.39kB', 4390],
    ['62.93MB', 62_930_000],
    ['1.2GB', 1_200_000_000],
    ['1.5KiB', 1536],
    ['3MiB', 3 * 1024 * 1024],
    ['10 MB', 10_000_000],
    ['2PB', 2e15],
  ])('%j is %d bytes', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['200', '12', '', 'done', '5 XB', 'MB', '1.5K'])('refuses %j', (text) =>
    expect(parseByteSize(text)).toBeNull(),
  );
});

describe('formatBytes and formatRatio', () => {
  it('prints decimal units', () => {
    expect([formatBytes(359), formatBytes(1_234_567), formatBytes(52_000_000), formatBytes(null)]).toEqual([
      '359 B',
      '1.23 MB',
      '52.0 MB',
      'n/a',
    ]);
  });

  it('prints ratios as percentages', () => {
    expect([formatRatio(0.874), formatRatio(1), formatRatio(null)]).toEqual(['87%', '100%', 'n/a']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { parseCacheExportLimit, parseDurationIncrease } from '../../src/shared/growth-limits.js';

describe('growth limits', () => {
  it('reads the forms', () => {
    expect(parseDurationIncrease('60s')).toEqual({ kind: 'absolute', value: 60_000 });
    expect(parseCacheExportLimit('+50%')).toEqual({ kind: 'percent', value: 50 });
  });
});

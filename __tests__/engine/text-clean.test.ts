import { describe, expect, it } from '@jest/globals';
import { clean } from '../../src/engine/text-report.js';

describe('log text printed by analyze', () => {
  it.each([
    ['\u001b[31mred\u001b[0m', 'red'],
    ['::error::pwned', ': :error::pwned'],
    ['  ::add-mask::x', '  : :add-mask::x'],
    ['evil\u202eoc.exe\u2069', 'eviloc.exe'],
    ['tab\there', 'tab\there'],
  ])('%j -> %j', (input, expected) => {
    expect(clean(input)).toBe(expected);
  });
});

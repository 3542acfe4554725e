import { describe, expect, it } from '@jest/globals';
import { stripControl, terminalLine } from '../../src/shared/text.js';

describe('terminalLine: log text printed by the CLI', () => {
  it.each([
    ['\u001b[31mred\u001b[0m', 'red'],
    ['::error::pwned', ': :error::pwned'],
    ['  ::add-mask::x', '  : :add-mask::x'],
    ['evil\u202eoc.exe\u2069', 'eviloc.exe'],
    ['tab\there', 'tab\there'],
    ['two\nlines', 'two lines'],
  ])('%j -> %j', (input, expected) => {
    expect(terminalLine(input)).toBe(expected);
  });
});

describe('stripControl: text for summaries and annotations', () => {
  it.each([
    ['\u001b[31mred\u001b[0m', 'red'],
    ['\u001b[38:5:196mcolon form\u001b[0m', 'colon form'],
    ['\u001b]8;;https://evil\u0007link\u001b]8;;\u0007', 'link'],
    ['bell\u0007 nul\u0000 c1\u009b', 'bell nul c1'],
    ['evil\u202eoc.exe\u2069', 'eviloc.exe'],
    ['keeps\ttabs\nand\r\nbreaks', 'keeps\ttabs\nand\r\nbreaks'],
  ])('%j -> %j', (input, expected) => {
    expect(stripControl(input)).toBe(expected);
  });
});

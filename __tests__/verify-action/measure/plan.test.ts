import { describe, expect, it } from '@jest/globals';
import {
  fieldsToInspect,
  MappingError,
  messageStrategy,
  resolvePlan,
  termField,
} from '../../../src/verify-action/measure/plan.js';
import type { FieldCaps } from '../../../src/verify-action/ports.js';
import { configFrom, KEYWORD_CAPS } from '../helpers.js';

const kw = { keyword: { searchable: true, aggregatable: true } };
const text = { text: { searchable: true, aggregatable: false } };

describe('resolving fields against the mapping', () => {
  it.each([
    [{ 'log.level': kw }, 'log.level'],
    [{ 'log.level': text, 'log.level.keyword': kw }, 'log.level.keyword'],
    [{ 'log.level': { constant_keyword: {} } }, 'log.level'],
    // Indices that disagree: term queries work on the keyword ones.
    [{ 'log.level': { ...kw, ...text } }, 'log.level'],
    [{ 'log.level': text }, 'log.level'],
  ])('term field for %j is %s', (caps, field) => {
    expect(termField(caps as FieldCaps, 'log.level')).toBe(field);
  });

  it.each([
    // A keyword-only field (and the wildcard type) gets the same templates, counted by their words in order.
    [{ message: kw }, { kind: 'templates', field: 'message', match: 'words-in-order' }],
    [{ message: { wildcard: {} } }, { kind: 'templates', field: 'message', match: 'words-in-order' }],
    // A text field (searchable with match_phrase) gets error templates, keyword sub-field or not.
    [
      { message: text, 'message.keyword': kw },
      { kind: 'templates', field: 'message', match: 'phrase' },
    ],
    [{ message: text }, { kind: 'templates', field: 'message', match: 'phrase' }],
    [{ message: { match_only_text: {} } }, { kind: 'templates', field: 'message', match: 'phrase' }],
    [{ message: { long: {} } }, { kind: 'sample', field: 'message' }],
  ])('message strategy for %j', (caps, strategy) => {
    expect(messageStrategy(caps as FieldCaps, 'message')).toEqual(strategy);
  });

  it('asks about every field a decision rests on, and their keyword sub-fields', () => {
    const config = configFrom({ rules: '- {name: a, phrase: x, field: error.message, max: 1}' });
    expect(fieldsToInspect(config)).toEqual(
      expect.arrayContaining([
        '@timestamp',
        'log.level',
        'log.level.keyword',
        'message.keyword',
        'error.message',
        'service.name',
      ]),
    );
  });

  it('refuses a mapping where errors could never be counted', () => {
    const config = configFrom({});
    const { level: _level, ...noLevel } = { ...KEYWORD_CAPS, level: 1 };
    const { 'log.level': _l, ...withoutLevel } = noLevel as typeof KEYWORD_CAPS;
    expect(() => resolvePlan(config, withoutLevel as FieldCaps)).toThrow(
      /level-field: 'log.level' is not in the mapping/,
    );
    expect(() => resolvePlan(config, { ...KEYWORD_CAPS, '@timestamp': kw } as FieldCaps)).toThrow(
      /timestamp-field: '@timestamp' is mapped as keyword, expected date/,
    );
    expect(() => resolvePlan(config, {})).toThrow(MappingError);
  });

  it('warns when a scope field is missing, and marks a rule on a missing field unmeasured', () => {
    const config = configFrom({
      service: 'checkout',
      rules: '- {name: a, phrase: x, field: error.message, max: 1}',
    });
    const { 'service.name': _s, ...caps } = KEYWORD_CAPS;
    const { plan, warnings } = resolvePlan(config, caps as FieldCaps);
    expect(plan.messages).toEqual({ kind: 'templates', field: 'message', match: 'phrase' });
    expect(warnings).toEqual([
      "service-field: 'service.name' is not in the mapping, so no log can match 'checkout'",
    ]);
    // A rule that cannot be measured is not a warning: the checks are inconclusive on it.
    expect(plan.unmeasuredRules).toEqual({
      a: "its field 'error.message' is not in the mapping of 'logs-*'",
    });
  });
});

describe('guarding against zero errors that mean a wrong field', () => {
  it('lists the level values only where the level field is a keyword', () => {
    const config = configFrom({});
    expect(resolvePlan(config, KEYWORD_CAPS as FieldCaps).plan.levelValues).toBe(true);
    const textLevel = { ...KEYWORD_CAPS, 'log.level': text } as FieldCaps;
    expect(resolvePlan(config, textLevel).plan.levelValues).toBe(false);
  });

  it('warns that a phrase rule on a keyword field matches only whole values', () => {
    const config = configFrom({ rules: '- {name: timeouts, phrase: timeout, field: error.type, max: 1}' });
    const { warnings } = resolvePlan(config, { ...KEYWORD_CAPS, 'error.type': kw } as FieldCaps);
    expect(warnings).toEqual([
      "rule 'timeouts': field 'error.type' is a keyword, so the phrase matches only a whole value equal to it",
    ]);
  });
});

// The `rules` input: a YAML list of pattern rules. Errors name the rule by its
// position and the offending key, because the YAML sits inside a workflow file
// where line numbers do not match.
import { parse as parseYaml } from 'yaml';
import type { Rule, RuleAction } from './config.js';
import { InputError } from '../../shared/input-error.js';
import { parseLabels, parseTargets } from './notify-labels.js';

const RULE_KEYS = new Set([
  'name',
  'phrase',
  'query',
  'field',
  'levels',
  'max',
  'consecutive',
  'action',
  'notify',
  'labels',
]);
export const ACTIONS: readonly RuleAction[] = ['rollback', 'pause', 'fail', 'notify', 'warn'];

export function parseRules(text: string, defaultField: string): Rule[] {
  if (text.trim() === '') return [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new InputError('rules', `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (doc == null) return [];
  if (!Array.isArray(doc)) throw new InputError('rules', 'expected a YAML list of rules (- name: ...)');
  const rules = doc.map((entry, index) => parseRule(entry, index, defaultField));
  const seen = new Set<string>();
  for (const [index, rule] of rules.entries()) {
    if (seen.has(rule.name)) throw new InputError(`rules[${index}].name`, `'${rule.name}' is used twice`);
    seen.add(rule.name);
  }
  return rules;
}

function parseRule(entry: unknown, index: number, defaultField: string): Rule {
  const at = (key: string) => `rules[${index}].${key}`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new InputError(`rules[${index}]`, `expected a mapping with name, phrase or query, max and action`);
  }
  const raw = entry as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) {
      throw new InputError(at(key), `unknown key (known: ${[...RULE_KEYS].join(', ')})`);
    }
  }
  const name = raw.name;
  if (typeof name !== 'string' || name.trim() === '') throw new InputError(at('name'), `expected a name`);

  const hasPhrase = raw.phrase !== undefined;
  const hasQuery = raw.query !== undefined;
  if (hasPhrase === hasQuery) throw new InputError(at('phrase'), `give exactly one of phrase or query`);
  let phrase: string | undefined;
  let query: Record<string, unknown> | undefined;
  if (hasPhrase) {
    if (typeof raw.phrase !== 'string' || raw.phrase.trim() === '') {
      throw new InputError(at('phrase'), `expected a non-empty string`);
    }
    const empty = phraseWithoutTerms(raw.phrase);
    if (empty) throw new InputError(at('phrase'), `rule '${name.trim()}': ${empty}`);
    phrase = raw.phrase;
  } else {
    query = parseQueryObject(raw.query, at('query'));
  }

  const field = raw.field ?? defaultField;
  if (typeof field !== 'string' || field.trim() === '')
    throw new InputError(at('field'), `expected a field name`);
  if (hasQuery && raw.field !== undefined) {
    throw new InputError(at('field'), `only applies to phrase rules (a query names its own fields)`);
  }

  let levels: string[] = [];
  if (raw.levels !== undefined) {
    const list = typeof raw.levels === 'string' ? raw.levels.split(',') : raw.levels;
    if (!Array.isArray(list) || list.some((l) => typeof l !== 'string' || l.trim() === '')) {
      throw new InputError(at('levels'), `expected a list of level names, e.g. [error, fatal]`);
    }
    levels = (list as string[]).map((l) => l.trim());
  }

  const max = raw.max;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) {
    throw new InputError(
      at('max'),
      `expected a whole number >= 0 (the most matches tolerated in the window)`,
    );
  }
  const consecutive = raw.consecutive ?? 1;
  if (typeof consecutive !== 'number' || !Number.isInteger(consecutive) || consecutive < 1) {
    throw new InputError(at('consecutive'), `expected a whole number >= 1`);
  }
  const action = raw.action ?? 'fail';
  if (typeof action !== 'string' || !ACTIONS.includes(action as RuleAction)) {
    throw new InputError(at('action'), `expected one of ${ACTIONS.join(', ')}`);
  }
  return {
    name: name.trim(),
    ...(phrase !== undefined ? { phrase } : {}),
    ...(query !== undefined ? { query } : {}),
    field,
    levels,
    max,
    consecutive,
    action: action as RuleAction,
    notify: raw.notify === undefined ? [] : parseTargets(raw.notify, at('notify')),
    labels: raw.labels === undefined ? {} : parseLabels(raw.labels, at('labels')),
  };
}

/**
 * The stop words of Elasticsearch's `_english_` set (Lucene's EnglishAnalyzer): a field
 * analysed with the `english` analyzer or a `stop` filter drops them.
 */
const ENGLISH_STOP_WORDS = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then ' +
    'there these they this to was will with'
  ).split(' '),
);

/** A run of letters or digits (in any script): what the standard tokenizer keeps of a phrase, roughly. */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Why a phrase analyses to no terms, so that match_phrase on it matches nothing and the rule
 * silently never breaches; null when it has a term. Without a server the analyzer is not known:
 * no letter or digit (the standard analyzer keeps no term of `***`), or only English stop words
 * (the english analyzer keeps none of `to be or not to be`). A phrase of ordinary words is kept,
 * whatever the field's analyzer.
 */
function phraseWithoutTerms(phrase: string): string | null {
  const words = phrase.match(WORD) ?? [];
  if (words.length === 0) {
    return `the phrase '${phrase}' has no letter or digit, so the analyzer keeps no term of it and the rule would never match (for an exact keyword value, use query: {term: {field: value}})`;
  }
  if (words.every((w) => ENGLISH_STOP_WORDS.has(w.toLowerCase()))) {
    return `the phrase '${phrase}' is made of only English stop words (${words.join(' ')}), which an analyzer with stop words removes, so the rule would never match there; add a word that is not a stop word`;
  }
  return null;
}

/** A query DSL object: `{ match: {...} }`, given as YAML/JSON mapping or a JSON string. */
export function parseQueryObject(value: unknown, inputName: string): Record<string, unknown> {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = parseYaml(value);
    } catch {
      throw new InputError(inputName, `not valid JSON or YAML`);
    }
  }
  if (
    object === null ||
    typeof object !== 'object' ||
    Array.isArray(object) ||
    Object.keys(object).length !== 1
  ) {
    throw new InputError(
      inputName,
      `expected one Elasticsearch query object such as {"match": {"message": "x"}}`,
    );
  }
  return object as Record<string, unknown>;
}

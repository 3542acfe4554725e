// Resolves the configured field names against the index mapping (_field_caps),
// once, before the first check. A wrong level field would count zero errors and
// pass every deploy, so the fields a decision rests on must exist.
import type { VerifyConfig } from '../config/config.js';
import type { FieldCaps } from '../ports.js';
import type { MessageStrategy } from './measurement.js';

/** Field names resolved against the mapping (e.g. a text field's .keyword sub-field for term filters). */
export interface SearchPlan {
  fields: { timestamp: string; level: string; service: string; environment: string; version: string };
  messages: MessageStrategy;
  /**
   * Whether the level field is a keyword: then the check also lists the levels it
   * holds, so zero errors from a level field holding something else (a wrong
   * level-field, levels spelt ERR) is reported, not taken for a clean deploy.
   */
  levelValues?: boolean;
  /** Whether the version field is a keyword: then the check lists the versions logging in the window (canary vs stable). */
  versionValues?: boolean;
  /**
   * Rules that cannot be measured, by name, with why (a phrase rule on a field the mapping does
   * not have counts 0 whatever the logs say): a check is inconclusive on them.
   */
  unmeasuredRules?: Record<string, string>;
  /** Closed indices the index pattern matches: the searches skip them, so every check is incomplete. */
  closedIndices?: string[];
}

const KEYWORD_TYPES = ['keyword', 'constant_keyword', 'wildcard'];
const DATE_TYPES = ['date', 'date_nanos'];
const TEXT_TYPES = ['text', 'match_only_text'];

/** A mapping that cannot support the verification; decided by the on-error policy. */
export class MappingError extends Error {
  override name = 'MappingError';
}

/** What the plan is resolved from: the fields configured, and the rules' phrase fields. */
type PlanConfig = Pick<VerifyConfig, 'scope' | 'judgement'>;

/** The fields to ask _field_caps about. */
export function fieldsToInspect(config: PlanConfig): string[] {
  const f = config.scope.fields;
  const names = [
    f.timestamp,
    f.level,
    f.message,
    f.service,
    f.environment,
    f.version,
    ...config.judgement.rules.filter((r) => r.phrase !== undefined).map((r) => r.field),
  ];
  return [...new Set(names.flatMap((n) => [n, `${n}.keyword`]))];
}

function types(caps: FieldCaps, field: string): string[] {
  return Object.keys(caps[field] ?? {});
}

/** The field to run term filters on: the field itself, or its .keyword sub-field when it is text. */
export function termField(caps: FieldCaps, field: string): string {
  const own = types(caps, field);
  if (own.some((t) => KEYWORD_TYPES.includes(t))) return field;
  if (own.includes('text') && types(caps, `${field}.keyword`).includes('keyword')) return `${field}.keyword`;
  return field;
}

export function resolvePlan(config: PlanConfig, caps: FieldCaps): { plan: SearchPlan; warnings: string[] } {
  const { scope } = config;
  const { rules } = config.judgement;
  const f = scope.fields;
  const warnings: string[] = [];
  const tsTypes = types(caps, f.timestamp);
  if (tsTypes.length === 0) {
    throw new MappingError(`timestamp-field: '${f.timestamp}' is not in the mapping of '${scope.index}'`);
  }
  if (!tsTypes.every((t) => DATE_TYPES.includes(t))) {
    throw new MappingError(
      `timestamp-field: '${f.timestamp}' is mapped as ${tsTypes.join('/')}, expected date`,
    );
  }
  if (types(caps, f.level).length === 0) {
    throw new MappingError(
      `level-field: '${f.level}' is not in the mapping of '${scope.index}', so no error could ever be counted`,
    );
  }
  const scoped: [string | undefined, string, string][] = [
    [scope.service, f.service, 'service-field'],
    [scope.environment, f.environment, 'environment-field'],
    [scope.version, f.version, 'version-field'],
  ];
  for (const [value, field, input] of scoped) {
    if (value !== undefined && types(caps, field).length === 0) {
      warnings.push(`${input}: '${field}' is not in the mapping, so no log can match '${value}'`);
    }
  }
  const unmeasuredRules: Record<string, string> = {};
  for (const rule of rules) {
    if (rule.phrase !== undefined && types(caps, rule.field).length === 0) {
      unmeasuredRules[rule.name] = `its field '${rule.field}' is not in the mapping of '${scope.index}'`;
    }
  }
  const level = termField(caps, f.level);
  for (const rule of rules) {
    const ruleTypes = types(caps, rule.field);
    if (
      rule.phrase !== undefined &&
      ruleTypes.length > 0 &&
      ruleTypes.every((t) => KEYWORD_TYPES.includes(t))
    ) {
      warnings.push(
        `rule '${rule.name}': field '${rule.field}' is a keyword, so the phrase matches only a whole value equal to it`,
      );
    }
  }
  return {
    plan: {
      levelValues: types(caps, level).some((t) => KEYWORD_TYPES.includes(t) && t !== 'wildcard'),
      versionValues: types(caps, termField(caps, f.version)).some(
        (t) => KEYWORD_TYPES.includes(t) && t !== 'wildcard',
      ),
      fields: {
        timestamp: f.timestamp,
        level,
        service: termField(caps, f.service),
        environment: termField(caps, f.environment),
        version: termField(caps, f.version),
      },
      messages: messageStrategy(caps, f.message),
      ...(Object.keys(unmeasuredRules).length ? { unmeasuredRules } : {}),
    },
    warnings,
  };
}

/**
 * A text field (what match_phrase searches) gets error templates: mined from
 * samples of both periods, each counted exactly by its constant phrases; a
 * keyword-only field (and the wildcard type) the same templates, counted by a
 * wildcard query of their words in order; anything else a sample of hits. categorize_text is no longer used: it needs the ML plugin
 * (absent from the basic-licence nodes here, so it could not be measured),
 * costs a probe round trip, and its counts are per category, not per kind;
 * templates group at least as well as Drain and are counted exactly
 * (bench/templates.mjs, bench/verify-scenarios.mjs).
 */
export function messageStrategy(caps: FieldCaps, field: string): MessageStrategy {
  const own = types(caps, field);
  if (own.some((t) => TEXT_TYPES.includes(t))) return { kind: 'templates', field, match: 'phrase' };
  const keyword = termField(caps, field);
  if (types(caps, keyword).some((t) => KEYWORD_TYPES.includes(t)))
    return { kind: 'templates', field: keyword, match: 'words-in-order' };
  return { kind: 'sample', field };
}

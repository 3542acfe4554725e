// Raw inputs (action `with:` or CLI `--name value`) -> a validated VerifyConfig,
// section by section (the connection, the rules, the notify and response inputs
// each have their own reader beside this one). Pure: the caller injects
// getInput, the clock and the environment, so the same code validates both
// front ends and tests need no process state.
import { blankListProblem, itemsWithContent } from '../../shared/blank-input.js';
import { InputError } from '../../shared/input-error.js';
import { formatDuration } from '../../shared/units.js';
import type { ErrorPolicy, InconclusivePolicy, NoDataPolicy, RuleAction, VerifyConfig } from './config.js';
import { parseConnection } from './connection-inputs.js';
import { DEFAULTS, LIST_INPUTS, type InputName } from './input-names.js';
import {
  bool,
  confidence,
  duration,
  field,
  httpUrl,
  list,
  oneOf,
  optional,
  positiveNumber,
  timerDuration,
  trimTrailingSlashes,
  wholeNumber,
} from './input-values.js';
import { parseNotify, parseTargets } from './notify-inputs.js';
import { parsePause, parseRollback } from './response-inputs.js';
import { ACTIONS, parseQueryObject, parseRules } from './rules-input.js';

/** Returns the raw input ('' when not given). */
export type GetInput = (name: string) => string;

export interface InputContext {
  now: number;
  /** GITHUB_* variables, for the repository and ref of the GitHub triggers. */
  env: Record<string, string | undefined>;
}

export function readInputs(getInput: GetInput, context: InputContext): VerifyConfig {
  const raw = (name: InputName): string => (getInput(name) ?? '').trim();
  for (const name of LIST_INPUTS) {
    const given = getInput(name) ?? '';
    // rules are a YAML list, checked item by item in parseRules; here only its blankness.
    const problem = blankListProblem(given, name === 'rules' ? 1 : itemsWithContent(list(given)));
    if (problem !== null) throw new InputError(name, problem);
  }
  const value = (name: InputName): string =>
    raw(name) || (DEFAULTS as Partial<Record<InputName, string>>)[name] || '';

  const connection = parseConnection(raw, value);
  const fields = {
    timestamp: field(value, 'timestamp-field'),
    level: field(value, 'level-field'),
    message: field(value, 'message-field'),
    service: field(value, 'service-field'),
    environment: field(value, 'environment-field'),
    version: field(value, 'version-field'),
  };
  const levels = list(value('levels'));
  if (levels.length === 0) throw new InputError('levels', 'expected at least one level, e.g. error,fatal');

  // Comma-separated patterns; blanks around a comma are layout, a blank inside a name is an error.
  const index = value('index')
    .split(',')
    .map((part) => part.trim())
    .join(',');
  if (/[\s,]$|^,|,,/.test(index) || /[\\/"<>|?#\s{}[\]]/.test(index)) {
    throw new InputError(
      `index`,
      `'${index}' is not an index pattern (e.g. logs-* or logs-app-*,logs-web-*)`,
    );
  }

  const intervalMs = timerDuration(value, 'interval');
  const durationMs = duration(value, 'duration');
  if (durationMs > 0 && intervalMs === 0)
    throw new InputError('interval', 'must be more than 0 when duration is');
  if (durationMs > 0 && intervalMs > durationMs) {
    throw new InputError(
      `interval`,
      `${formatDuration(intervalMs)} is longer than duration ${formatDuration(durationMs)}`,
    );
  }
  const baselineWindowMs = duration(value, 'baseline-window');
  const ingestDelayMs = duration(value, 'ingest-delay');
  // deployed-at defaults to now and logs are read up to now minus ingest-delay, so
  // without a deploy time the last check must come after the delay or see nothing.
  if (!raw('deployed-at') && durationMs <= ingestDelayMs) {
    throw new InputError(
      `duration`,
      `${formatDuration(durationMs)} with deployed-at left to now measures nothing, since logs are read up to ingest-delay (${formatDuration(ingestDelayMs)}) ago; give deployed-at, or a duration longer than ingest-delay`,
    );
  }

  const thresholds = {
    ...optional('max-errors', raw, (v) => ({ maxErrors: wholeNumber('max-errors', v) })),
    ...optional('max-error-rate', raw, (v) => ({ maxErrorRate: positiveNumber('max-error-rate', v, true) })),
    ...optional(
      'max-increase',
      (n) => value(n),
      (v) => ({ maxIncrease: positiveNumber('max-increase', v, false) }),
    ),
    minErrors: wholeNumber('min-errors', value('min-errors')),
    normalizeByVolume: bool(value, 'normalize-by-volume'),
    confidence: confidence(value('confidence')),
    ...optional('max-new-errors', raw, (v) => ({ maxNewErrors: wholeNumber('max-new-errors', v) })),
    newErrorLookbackMs: duration(value, 'new-error-lookback'),
    breachAction: oneOf(value, 'breach-action', ACTIONS) as RuleAction,
    breachNotify: parseTargets(raw('breach-notify'), 'breach-notify'),
  };
  if (thresholds.maxIncrease !== undefined && baselineWindowMs === 0) {
    throw new InputError(
      'baseline-window',
      "must be more than 0 while max-increase is set (or set max-increase 'off')",
    );
  }

  const extraQuery = raw('query') ? parseQueryObject(raw('query'), 'query') : undefined;
  const rules = parseRules(raw('rules'), fields.message);
  const notify = parseNotify(
    {
      'alertmanager-url': raw('alertmanager-url'),
      'alertmanager-headers': raw('alertmanager-headers'),
      'webhook-url': raw('webhook-url'),
      'webhook-headers': raw('webhook-headers'),
      'alert-labels': raw('alert-labels'),
      'alert-resolve-after': value('alert-resolve-after'),
      'breach-notify': raw('breach-notify'),
    },
    rules,
    thresholds,
  );

  const config: VerifyConfig = {
    connection,
    scope: {
      index,
      fields,
      levels,
      ...(raw('service') ? { service: raw('service') } : {}),
      ...(raw('environment') ? { environment: raw('environment') } : {}),
      ...(raw('version') ? { version: raw('version') } : {}),
      ...(extraQuery ? { extraQuery } : {}),
      deployedAt: parseDeployedAt(raw('deployed-at'), context.now),
      ingestDelayMs,
      baselineWindowMs,
    },
    schedule: { intervalMs, durationMs },
    judgement: {
      thresholds,
      rules,
      failureLimit: wholeNumber('failure-limit', value('failure-limit')),
      policies: {
        onNoData: oneOf(value, 'on-no-data', ['pass', 'fail', 'inconclusive'] as const) as NoDataPolicy,
        onError: oneOf(value, 'on-error', ['fail', 'inconclusive'] as const) as ErrorPolicy,
        onInconclusive: oneOf(value, 'on-inconclusive', ['fail', 'pass'] as const) as InconclusivePolicy,
      },
    },
    response: {
      dryRun: bool(value, 'dry-run'),
      rollback: parseRollback(raw, value, context.env),
      notify,
      ...parsePause(raw('pause-command'), value),
    },
    output: {},
  };
  const kibanaUrl = raw('kibana-url');
  if (kibanaUrl) {
    // The link is printed in the job summary, so it must not carry a login.
    if (new URL(httpUrl('kibana-url', kibanaUrl)).username) {
      throw new InputError(
        'kibana-url',
        'must not hold credentials (user:password@); the link is shown in the summary',
      );
    }
    config.output.kibana = {
      url: trimTrailingSlashes(kibanaUrl),
      ...(raw('kibana-data-view') ? { dataView: raw('kibana-data-view') } : {}),
    };
  }
  if (raw('report-path')) config.output.reportPath = raw('report-path');
  return config;
}

/**
 * When the deploy happened: ISO 8601 with a zone, or epoch milliseconds. Empty
 * means now (the action started right after the deploy step).
 */
export function parseDeployedAt(text: string, now: number): number {
  if (text === '') return now;
  let at: number;
  if (/^\d+$/.test(text)) {
    at = Number(text);
    if (at < 1e11) {
      throw new InputError(
        `deployed-at`,
        `${text} looks like epoch seconds; give epoch milliseconds (${text}000) or ISO 8601`,
      );
    }
  } else {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
      throw new InputError(
        `deployed-at`,
        `expected ISO 8601 with a time zone (2024-05-01T12:00:00Z) or epoch milliseconds, got '${text}'`,
      );
    }
    at = Date.parse(text);
    if (Number.isNaN(at)) throw new InputError('deployed-at', `'${text}' is not a valid date`);
  }
  if (at > now + 60_000)
    throw new InputError('deployed-at', `${new Date(at).toISOString()} is in the future`);
  return at;
}

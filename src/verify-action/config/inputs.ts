// Raw inputs (action `with:` or CLI `--name value`) -> a validated VerifyConfig.
// Pure: the caller injects getInput, the clock and the environment, so the same
// code validates both front ends and tests need no process state.
import { parse as parseYaml } from 'yaml';
import type {
  Auth,
  ConnectionConfig,
  ErrorPolicy,
  InconclusivePolicy,
  NoDataPolicy,
  ResponseConfig,
  RollbackConfig,
  RuleAction,
  VerifyConfig,
} from './config.js';
import { formatDuration, parseDuration } from '../../shared/units.js';
import { InputError } from '../../shared/input-error.js';
import { ACTIONS, parseQueryObject, parseRules } from './rules.js';
import { parseNotify, parseTargets } from './notify-inputs.js';
import { redactUrlUserinfo } from './redact.js';
import { blankListProblem, itemsWithContent } from '../../shared/blank-input.js';

/** Returns the raw input ('' when not given). */
export type GetInput = (name: string) => string;

/** Every input name, in the order of the action's documentation. */
export const INPUT_NAMES = [
  'elasticsearch-url',
  'cloud-id',
  'api-key',
  'username',
  'password',
  'bearer-token',
  'ca-cert',
  'ca-fingerprint',
  'request-timeout',
  'retries',
  'index',
  'timestamp-field',
  'level-field',
  'message-field',
  'service-field',
  'environment-field',
  'version-field',
  'levels',
  'service',
  'environment',
  'version',
  'query',
  'deployed-at',
  'ingest-delay',
  'interval',
  'duration',
  'max-errors',
  'max-error-rate',
  'baseline-window',
  'max-increase',
  'min-errors',
  'normalize-by-volume',
  'confidence',
  'max-new-errors',
  'breach-action',
  'breach-notify',
  'rules',
  'failure-limit',
  'on-no-data',
  'on-error',
  'on-inconclusive',
  'dry-run',
  'pause-command',
  'pause-timeout',
  'rollback-command',
  'rollback-timeout',
  'rollback-workflow',
  'rollback-workflow-ref',
  'rollback-workflow-inputs',
  'rollback-event',
  'rollback-event-payload',
  'deployment-id',
  'deployment-state',
  'github-token',
  'repository',
  'alertmanager-url',
  'alertmanager-headers',
  'webhook-url',
  'webhook-headers',
  'alert-labels',
  'alert-resolve-after',
  'kibana-url',
  'kibana-data-view',
  'report-path',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** Inputs holding credentials: masked, never echoed. */
export const SECRET_INPUTS: readonly InputName[] = [
  'api-key',
  'password',
  'bearer-token',
  'github-token',
  'alertmanager-headers',
  'webhook-url',
  'webhook-headers',
];

export const DEFAULTS = {
  'request-timeout': '30s',
  retries: '3',
  index: 'logs-*',
  'timestamp-field': '@timestamp',
  'level-field': 'log.level',
  'message-field': 'message',
  'service-field': 'service.name',
  'environment-field': 'service.environment',
  'version-field': 'service.version',
  levels: 'error,fatal,critical',
  'ingest-delay': '30s',
  interval: '30s',
  duration: '5m',
  'baseline-window': '30m',
  'max-increase': '2',
  'min-errors': '5',
  'normalize-by-volume': 'false',
  confidence: '0.99',
  'breach-action': 'fail',
  'failure-limit': '0',
  'on-no-data': 'inconclusive',
  'on-error': 'fail',
  'on-inconclusive': 'fail',
  'dry-run': 'false',
  'deployment-state': 'failure',
  'alert-resolve-after': '1h',
  'rollback-timeout': '10m',
  'pause-timeout': '10m',
} as const satisfies Partial<Record<InputName, string>>;

/** Inputs that hold lists: blank or item-less values are refused, never read as the default. */
export const LIST_INPUTS = ['levels', 'index', 'rules'] as const satisfies readonly InputName[];

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

  const intervalMs = duration(value, 'interval');
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
      ...(raw('pause-command') ? parsePause(raw('pause-command'), value) : {}),
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

function parseConnection(raw: (n: InputName) => string, value: (n: InputName) => string): ConnectionConfig {
  const url = raw('elasticsearch-url');
  const cloudId = raw('cloud-id');
  if (url && cloudId) throw new InputError('elasticsearch-url and cloud-id', 'give one, not both');
  if (!url && !cloudId) throw new InputError('elasticsearch-url', 'required (or cloud-id for Elastic Cloud)');

  let auth: Auth = { kind: 'none' };
  const given = (['api-key', 'bearer-token', 'username'] as const).filter((n) => raw(n));
  if (given.length > 1) throw new InputError(given.join(' and '), `choose one authentication method`);
  if (raw('api-key')) auth = { kind: 'api-key', apiKey: raw('api-key') };
  else if (raw('bearer-token')) auth = { kind: 'bearer', token: raw('bearer-token') };
  else if (raw('username')) {
    if (!raw('password')) throw new InputError('password', 'required with username');
    auth = { kind: 'basic', username: raw('username'), password: raw('password') };
  } else if (raw('password')) throw new InputError('username', 'required with password');

  const connection: ConnectionConfig = {
    auth,
    requestTimeoutMs: duration(value, 'request-timeout'),
    retries: wholeNumber('retries', value('retries')),
  };
  if (connection.requestTimeoutMs === 0) throw new InputError('request-timeout', 'must be more than 0');
  if (url) {
    const parsed = new URL(httpUrl('elasticsearch-url', url));
    // user:password@ in the URL becomes basic auth, and leaves the URL so it cannot be logged.
    if (parsed.username || parsed.password) {
      if (auth.kind !== 'none') {
        throw new InputError(
          'elasticsearch-url',
          'holds credentials and another authentication input is set too',
        );
      }
      connection.auth = {
        kind: 'basic',
        username: decodeUserinfo(parsed.username),
        password: decodeUserinfo(parsed.password),
      };
      parsed.username = '';
      parsed.password = '';
    }
    connection.url = trimTrailingSlashes(parsed.toString());
  } else {
    if (!/^[^:\s]+:[A-Za-z0-9+/=]+$/.test(cloudId)) {
      throw new InputError(
        'cloud-id',
        'expected the Elastic Cloud id (name:base64...) from the deployment page',
      );
    }
    connection.cloudId = cloudId;
  }
  const ca = raw('ca-cert');
  if (ca) {
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new InputError('ca-cert', 'expected a PEM certificate (-----BEGIN CERTIFICATE----- ...)');
    }
    connection.caCert = ca;
  }
  const fingerprint = raw('ca-fingerprint');
  if (fingerprint) {
    const hex = fingerprint.replace(/:/g, '');
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new InputError(
        'ca-fingerprint',
        'expected a SHA-256 fingerprint (64 hex digits, colons optional)',
      );
    }
    connection.caFingerprint = hex.match(/../g)!.join(':').toUpperCase();
  }
  return connection;
}

function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InputError('elasticsearch-url', 'the user:password part has a malformed %-escape');
  }
}

function parsePause(command: string, value: (n: InputName) => string): Pick<ResponseConfig, 'pause'> {
  const timeoutMs = duration(value, 'pause-timeout');
  if (timeoutMs === 0) throw new InputError('pause-timeout', 'must be more than 0');
  return { pause: { command, timeoutMs } };
}

function parseRollback(
  raw: (n: InputName) => string,
  value: (n: InputName) => string,
  env: Record<string, string | undefined>,
): RollbackConfig {
  const rollback: RollbackConfig = {};
  if (raw('rollback-command')) {
    rollback.command = raw('rollback-command');
    rollback.commandTimeoutMs = duration(value, 'rollback-timeout');
    if (rollback.commandTimeoutMs === 0) throw new InputError('rollback-timeout', 'must be more than 0');
  }
  if (raw('rollback-workflow')) {
    const ref = raw('rollback-workflow-ref') || env.GITHUB_REF;
    rollback.workflow = {
      id: raw('rollback-workflow'),
      ...(ref ? { ref } : {}),
      inputs: stringMap('rollback-workflow-inputs', raw('rollback-workflow-inputs')),
    };
    if (!ref)
      throw new InputError('rollback-workflow-ref', 'required outside GitHub Actions (no GITHUB_REF)');
  } else if (raw('rollback-workflow-inputs')) {
    throw new InputError('rollback-workflow-inputs', 'only applies with rollback-workflow');
  }
  if (raw('rollback-event')) {
    const type = raw('rollback-event');
    if (type.length > 100)
      throw new InputError('rollback-event', 'the event type is limited to 100 characters');
    const payload = objectMap('rollback-event-payload', raw('rollback-event-payload'));
    // GitHub takes at most 10 top-level client_payload keys; the verdict travels under one more.
    if (Object.keys(payload).length > 9)
      throw new InputError('rollback-event-payload', 'at most 9 top-level keys');
    if ('buildx_gate' in payload)
      throw new InputError('rollback-event-payload', 'the key buildx_gate is reserved');
    rollback.event = { type, payload };
  } else if (raw('rollback-event-payload')) {
    throw new InputError('rollback-event-payload', 'only applies with rollback-event');
  }
  if (raw('deployment-id')) {
    const id = raw('deployment-id');
    if (!/^\d+$/.test(id))
      throw new InputError('deployment-id', `expected a GitHub deployment id (a number), got '${id}'`);
    rollback.deployment = {
      id: Number(id),
      state: oneOf(value, 'deployment-state', ['failure', 'inactive'] as const) as 'failure' | 'inactive',
    };
  }
  const needsGitHub = rollback.workflow || rollback.event || rollback.deployment;
  if (needsGitHub) {
    const token = raw('github-token');
    if (!token)
      throw new InputError('github-token', 'required by rollback-workflow, rollback-event and deployment-id');
    rollback.githubToken = token;
    const repository = raw('repository') || env.GITHUB_REPOSITORY || '';
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
      throw new InputError('repository', 'expected owner/name (defaults to GITHUB_REPOSITORY)');
    }
    rollback.repository = repository;
  }
  return rollback;
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

function field(value: (n: InputName) => string, name: InputName): string {
  const v = value(name);
  if (!/^[^\s"*?,]+$/.test(v)) throw new InputError(name, `'${v}' is not a field name`);
  return v;
}

function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function duration(value: (n: InputName) => string, name: InputName): number {
  const ms = parseDuration(value(name));
  if (ms === null)
    throw new InputError(name, `expected a duration like 30s, 5m, 1h or 1h30m, got '${value(name)}'`);
  return ms;
}

function wholeNumber(name: InputName, text: string): number {
  if (!/^\d+$/.test(text)) throw new InputError(name, `expected a whole number >= 0, got '${text}'`);
  return Number(text);
}

function positiveNumber(name: InputName, text: string, allowZero: boolean): number {
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new InputError(name, `expected a number ${allowZero ? '>= 0' : '> 0'}, got '${text}'`);
  }
  return n;
}

/** An optional threshold: empty leaves it unset, `off` disables even a default. */
function optional<T>(name: InputName, get: (n: InputName) => string, make: (v: string) => T): T | object {
  const v = get(name);
  if (v === '' || v.toLowerCase() === 'off') return {};
  return make(v);
}

/** The rate test's confidence: a share in (0.5, 1) or a percentage (99%). */
function confidence(text: string): number {
  const percent = text.endsWith('%');
  const n = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (text === '' || !Number.isFinite(n) || n <= 0.5 || n >= 1) {
    throw new InputError(
      'confidence',
      `expected a confidence between 0.5 and 1 (e.g. 0.99 or 99%), got '${text}'`,
    );
  }
  return n;
}

function bool(value: (n: InputName) => string, name: InputName): boolean {
  const v = value(name).toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InputError(name, `expected true or false, got '${value(name)}'`);
}

function oneOf<T extends string>(value: (n: InputName) => string, name: InputName, allowed: readonly T[]): T {
  const v = value(name).toLowerCase();
  if (!allowed.includes(v as T))
    throw new InputError(name, `expected one of ${allowed.join(', ')}, got '${value(name)}'`);
  return v as T;
}

function httpUrl(name: InputName, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(name, `not a URL: '${redactUrlUserinfo(text)}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(name, `expected an http or https URL`);
  }
  return text;
}

function objectMap(name: InputName, text: string): Record<string, unknown> {
  if (text === '') return {};
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    throw new InputError(name, `not valid JSON or YAML`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(name, `expected a mapping (key: value)`);
  }
  return doc as Record<string, unknown>;
}

function stringMap(name: InputName, text: string): Record<string, string> {
  const map = objectMap(name, text);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(map)) {
    if (v !== null && typeof v === 'object')
      throw new InputError(`${name}.${key}`, `workflow inputs are strings`);
    out[key] = String(v);
  }
  return out;
}

/** `url` without trailing slashes (a loop: /\/+$/ is quadratic on a long run of slashes). */
function trimTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47 /* / */) end--;
  return url.slice(0, end);
}

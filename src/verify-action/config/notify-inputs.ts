// The notify inputs -> NotifyConfig, and the targets of each rule resolved
// against what is configured. Called from readInputs (the one place inputs are
// validated). The header inputs and the webhook URL are secrets: no error
// message here quotes them.
import type { NotifyConfig, NotifyEndpoint, NotifyTarget, Rule, Thresholds } from './config.js';
import { parseDuration } from '../../shared/units.js';
import { inputError, NOTIFY_TARGETS, parseLabels, parseTargets } from './notify-labels.js';
import { parse as parseYaml } from 'yaml';

export type RawNotifyInputs = Record<
  | 'alertmanager-url'
  | 'alertmanager-headers'
  | 'webhook-url'
  | 'webhook-headers'
  | 'alert-labels'
  | 'alert-resolve-after'
  | 'breach-notify',
  string
>;

const ALERTMANAGER_PATH = '/api/v2/alerts';

/** HTTP header names are RFC 9110 tokens. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `Name: value` lines (blank lines and # comments skipped). Never quotes a value: they are credentials. */
function parseHeaders(text: string, input: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    const name = colon > 0 ? trimmed.slice(0, colon).trim() : '';
    const value = colon > 0 ? trimmed.slice(colon + 1).trim() : '';
    if (!HEADER_NAME.test(name) || value === '') {
      throw inputError(
        input,
        `line ${index + 1} is not a header; expected one 'Name: value' per line, e.g. 'Authorization: Bearer <token>'`,
      );
    }
    if (Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase())) {
      throw inputError(input, `header ${name} is given twice`);
    }
    headers[name] = value;
  }
  return headers;
}

/** An http(s) URL; user:password@ becomes a basic Authorization header and leaves the URL. */
function endpoint(
  input: string,
  text: string,
  headers: Record<string, string>,
  secretUrl: boolean,
): { url: URL; headers: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw inputError(input, `not a URL${secretUrl ? '' : `: '${text.replace(/\/\/[^/@]*@/, '//***@')}'`}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw inputError(input, `expected an http or https URL`);
  }
  const out = { ...headers };
  if (url.username || url.password) {
    if (Object.keys(out).some((h) => h.toLowerCase() === 'authorization')) {
      throw inputError(input, `holds user:password@ and its headers set Authorization too`);
    }
    let user: string;
    let password: string;
    try {
      user = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      throw inputError(input, `the user:password part has a malformed %-escape`);
    }
    out.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers: out };
}

export function parseNotify(
  raw: RawNotifyInputs,
  rules: Rule[],
  thresholds: Pick<Thresholds, 'breachAction' | 'breachNotify'>,
): NotifyConfig {
  const config: NotifyConfig = {
    labels: {},
    resolveAfterMs: 0,
  };
  const headersOf = (input: 'alertmanager-headers' | 'webhook-headers') =>
    raw[input] ? parseHeaders(raw[input], input) : {};

  if (raw['alertmanager-url']) {
    const { url, headers } = endpoint(
      'alertmanager-url',
      raw['alertmanager-url'],
      headersOf('alertmanager-headers'),
      false,
    );
    // The base URL, as Prometheus' alertmanager_config takes it; the API path is added here.
    let end = url.pathname.length;
    while (end > 0 && url.pathname.charCodeAt(end - 1) === 47 /* / */) end--;
    const base = url.pathname.slice(0, end);
    url.pathname = base.endsWith(ALERTMANAGER_PATH) ? base : `${base}${ALERTMANAGER_PATH}`;
    if (url.search || url.hash)
      throw inputError('alertmanager-url', 'expected a base URL without ?query or #');
    config.alertmanager = { url: url.toString(), headers } satisfies NotifyEndpoint;
  } else if (raw['alertmanager-headers']) {
    throw inputError('alertmanager-headers', 'only applies with alertmanager-url');
  }
  if (raw['webhook-url']) {
    const { url, headers } = endpoint('webhook-url', raw['webhook-url'], headersOf('webhook-headers'), true);
    config.webhook = { url: url.toString(), headers };
  } else if (raw['webhook-headers']) {
    throw inputError('webhook-headers', 'only applies with webhook-url');
  }

  if (raw['alert-labels']) {
    let doc: unknown;
    try {
      doc = parseYaml(raw['alert-labels']);
    } catch {
      throw inputError('alert-labels', 'not valid YAML or JSON (expected a mapping such as team: payments)');
    }
    config.labels = parseLabels(doc, 'alert-labels');
  }
  const resolveAfter = raw['alert-resolve-after'];
  const ms = parseDuration(resolveAfter);
  if (ms === null || ms === 0) {
    throw inputError(
      'alert-resolve-after',
      `expected a duration above 0 like 30m, 1h or 24h, got '${resolveAfter}'`,
    );
  }
  config.resolveAfterMs = ms;

  const configured = NOTIFY_TARGETS.filter((t) => config[t] !== undefined);
  const check = (targets: NotifyTarget[], where: string) => {
    for (const target of targets) {
      if (!config[target]) {
        throw inputError(where, `${target} is not configured (set the ${target}-url input)`);
      }
    }
  };
  // A rule whose action is notify and names no targets alerts every configured one.
  for (const [index, rule] of rules.entries()) {
    if (rule.action === 'notify' && rule.notify.length === 0) {
      if (configured.length === 0) {
        throw inputError(
          `rules[${index}].action`,
          'notify needs alertmanager-url or webhook-url (or use warn to only report)',
        );
      }
      rule.notify = [...configured];
    }
    check(rule.notify, `rules[${index}].notify`);
  }
  check(thresholds.breachNotify, 'breach-notify');
  if (thresholds.breachAction === 'notify' && thresholds.breachNotify.length === 0) {
    if (configured.length === 0) {
      throw inputError('breach-action', 'notify needs alertmanager-url or webhook-url');
    }
    thresholds.breachNotify = [...configured];
  }
  return config;
}

export { parseTargets };

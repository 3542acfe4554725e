// The kinds of value an input holds (a field name, a list, a duration, a whole
// number, a share, a boolean, one of a set, a URL, a mapping) and how each is
// read from its raw text, with the error that names the input and says what was
// expected. Pure.
import { parse as parseYaml } from 'yaml';
import { booleanExpected, parseBooleanWord } from '../../shared/boolean-input.js';
import { InputError } from '../../shared/input-error.js';
import { formatDuration, parseDuration } from '../../shared/units.js';
import type { InputName } from './input-names.js';
import { redactUrlUserinfo } from './redact.js';

/** An input's value: raw (as given, trimmed) or with its default. */
export type Read = (name: InputName) => string;

export function field(value: Read, name: InputName): string {
  const v = value(name);
  if (!/^[^\s"*?,]+$/.test(v)) throw new InputError(name, `'${v}' is not a field name`);
  return v;
}

export function list(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function duration(value: Read, name: InputName): number {
  const ms = parseDuration(value(name));
  if (ms === null)
    throw new InputError(name, `expected a duration like 30s, 5m, 1h or 1h30m, got '${value(name)}'`);
  return ms;
}

/** The longest delay a Node timer holds (2^31-1 ms); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration that becomes a timer (a timeout, the wait between checks): refused past what a timer
 * holds, so 600h is an error rather than a command stopped after 1 ms.
 */
export function timerDuration(value: Read, name: InputName): number {
  const ms = duration(value, name);
  if (ms > MAX_TIMER_MS) {
    const longest = formatDuration(Math.floor(MAX_TIMER_MS / 1000) * 1000);
    throw new InputError(name, `${value(name)} is longer than the longest timer (${longest})`);
  }
  return ms;
}

export function wholeNumber(name: InputName, text: string): number {
  if (!/^\d+$/.test(text)) throw new InputError(name, `expected a whole number >= 0, got '${text}'`);
  return Number(text);
}

export function positiveNumber(name: InputName, text: string, allowZero: boolean): number {
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new InputError(name, `expected a number ${allowZero ? '>= 0' : '> 0'}, got '${text}'`);
  }
  return n;
}

/** An optional threshold: empty leaves it unset, `off` disables even a default. */
export function optional<T>(name: InputName, get: Read, make: (v: string) => T): T | object {
  const v = get(name);
  if (v === '' || v.toLowerCase() === 'off') return {};
  return make(v);
}

/** The rate test's confidence: a share in (0.5, 1) or a percentage (99%). */
export function confidence(text: string): number {
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

export function bool(value: Read, name: InputName): boolean {
  const parsed = parseBooleanWord(value(name));
  if (parsed === null) throw new InputError(name, booleanExpected(value(name)));
  return parsed;
}

export function oneOf<T extends string>(value: Read, name: InputName, allowed: readonly T[]): T {
  const v = value(name).toLowerCase();
  if (!allowed.includes(v as T))
    throw new InputError(name, `expected one of ${allowed.join(', ')}, got '${value(name)}'`);
  return v as T;
}

export function httpUrl(name: InputName, text: string): string {
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

export function objectMap(name: InputName, text: string): Record<string, unknown> {
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

export function stringMap(name: InputName, text: string): Record<string, string> {
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
export function trimTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47 /* / */) end--;
  return url.slice(0, end);
}

// Validation of the notify settings that live inside the `rules` YAML and in the
// notify inputs: target lists and Alertmanager label sets. Errors name the input
// (or rules[i].key) and say what was expected.
import type { NotifyTarget } from './config.js';
import { InputError } from '../../shared/input-error.js';

/** An InputError for `input` (an input name or rules[i].key) with what was expected. */
export function inputError(input: string, detail: string): InputError {
  return new InputError(input, detail);
}

export const NOTIFY_TARGETS: readonly NotifyTarget[] = ['alertmanager', 'webhook'];

/**
 * Labels every alert carries, set from the verification itself: a user label may
 * not redefine them, or one rule's alert would silence or resolve another's.
 * severity is a default the user may override.
 */
const RESERVED_LABELS = ['alertname', 'service', 'environment', 'rule'] as const;

/** Prometheus' label name syntax, which Alertmanager accepts in every mode. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A list of targets: `[alertmanager, webhook]`, or `alertmanager,webhook` as a string. */
export function parseTargets(value: unknown, name: string): NotifyTarget[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((t) => typeof t !== 'string')) {
    throw inputError(name, `expected a list of ${NOTIFY_TARGETS.join(', ')}`);
  }
  const targets = (items as string[]).map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  for (const target of targets) {
    if (!NOTIFY_TARGETS.includes(target as NotifyTarget)) {
      throw inputError(name, `unknown target '${target}' (expected ${NOTIFY_TARGETS.join(', ')})`);
    }
  }
  return [...new Set(targets)] as NotifyTarget[];
}

/** A mapping of Alertmanager label names to non-empty scalar values. */
export function parseLabels(value: unknown, name: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(name, `expected a mapping of label names to values, e.g. {team: security}`);
  }
  const labels: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!LABEL_NAME.test(key) || key.startsWith('__')) {
      throw inputError(
        `${name}.${key}`,
        `not a label name (letters, digits and _, not starting with a digit or __)`,
      );
    }
    if ((RESERVED_LABELS as readonly string[]).includes(key)) {
      throw inputError(`${name}.${key}`, `set by buildx-gate itself (${RESERVED_LABELS.join(', ')})`);
    }
    if (!['string', 'number', 'boolean'].includes(typeof v) || String(v).trim() === '') {
      throw inputError(`${name}.${key}`, `expected a non-empty text value`);
    }
    labels[key] = String(v).trim();
  }
  return labels;
}

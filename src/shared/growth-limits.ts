// Growth limits written as users write them (the build action's regression-gate inputs and the
// CLI's flags). `+20%` is relative to
// the default branch's build, `+60s` / `+50MB` an absolute growth, and (where a ceiling makes
// sense) a bare `2m` an absolute maximum. Parsers return null for text that is not one, so the
// input reader can name the input in its error.
import { parseByteSize, parseDuration } from './units.js';

/** `+20%` (relative to the baseline) or `+60s` / `+50MB` (absolute growth); `2m` as a ceiling. */
export type Limit =
  | { kind: 'percent'; value: number }
  | { kind: 'absolute'; value: number }
  | { kind: 'ceiling'; value: number };

/**
 * The largest relative growth a limit may allow: +10000% (a hundredfold). Past it a percentage is
 * no gate at all, and `+1e23%` or a 400-digit one is a typo or an attempt to switch it off.
 */
export const MAX_GROWTH_PERCENT = 10_000;

function parseLimit(
  text: string,
  parseUnit: (t: string) => number | null,
  ceilingAllowed: boolean,
): Limit | null {
  const value = text.trim();
  const percent = /^\+?\s*(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (percent) {
    const n = Number(percent[1]);
    return n > 0 && n <= MAX_GROWTH_PERCENT ? { kind: 'percent', value: n } : null;
  }
  const growth = value.startsWith('+');
  if (!growth && !ceilingAllowed) {
    // `60s` for an increase reads the same as `+60s`.
    const n = parseUnit(value);
    return n !== null && n > 0 ? { kind: 'absolute', value: n } : null;
  }
  const n = parseUnit(growth ? value.slice(1).trim() : value);
  if (n === null || n <= 0) return null;
  return { kind: growth ? 'absolute' : 'ceiling', value: n };
}

/** `max-duration-increase`: `+20%`, `+60s`, `1m30s`. */
export const parseDurationIncrease = (text: string) => parseLimit(text, parseDuration, false);
/** `max-context-growth`: `+10%`, `+50MB`. */
export const parseContextGrowth = (text: string) => parseLimit(text, parseByteSize, false);
/** `max-cache-export`: `2m` (maximum), `+30s` or `+50%` (growth over the default branch). */
export const parseCacheExportLimit = (text: string) => parseLimit(text, parseDuration, true);

/** `max-cache-ratio-drop`: percentage points, `10`, `10pt`, `10 points`. */
export function parseRatioDrop(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(?:points?|pts?|pp)?$/i.exec(text.trim());
  if (!match) return null;
  const n = Number(match[1]);
  return n >= 0 && n <= 100 ? n : null;
}

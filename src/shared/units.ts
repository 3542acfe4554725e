// Durations and byte sizes: one grammar each for what users write (workflow
// inputs, CLI options) and what buildx prints, and one rendering for what we
// print. Parsers return null for text that is not a value, so the caller can
// name the input in its error.

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

/**
 * `90s`, `10m`, `1h30m`, `1.5h`, `250ms`, `1m05s`, `7d` -> milliseconds; `0` alone is
 * zero. A bare number other than 0 is refused: seconds or minutes, the reader
 * could not tell. Null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const compact = text.trim().toLowerCase();
  if (compact === '0') return 0;
  if (compact === '') return null;
  let total = 0;
  let position = 0;
  while (position < compact.length) {
    DURATION_PART.lastIndex = position;
    const match = DURATION_PART.exec(compact);
    if (!match) return null;
    total += Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? ''] ?? NaN);
    position = DURATION_PART.lastIndex;
  }
  // Past 2^53 ms (285,000 years) a number no longer counts milliseconds: not a duration.
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : null;
}

/**
 * `850ms`, `12.3s`, `30s`, `1m05s`, `5m`, `1h30m`, `1h00m05s`, `n/a` for no value.
 * Past a minute, whole seconds, each part after the first two digits wide; zero
 * parts at the end are left out. What it prints parseDuration reads back.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'n/a';
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${Number((ms / 1000).toFixed(1))}s`;
  const totalSeconds = Math.round(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(totalSeconds / 3600), 'h'],
    [Math.floor((totalSeconds % 3600) / 60), 'm'],
    [totalSeconds % 60, 's'],
  ];
  while (parts[0]?.[0] === 0) parts.shift();
  while (parts.at(-1)?.[0] === 0) parts.pop();
  return parts.map(([n, unit], i) => `${i === 0 ? n : String(n).padStart(2, '0')}${unit}`).join('');
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgtpe]?)(i?)b$/i;
const SIZE_POWERS: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/**
 * `200MB`, `512kB` (decimal, as buildx prints sizes: `62.93MB`, `359B`),
 * `1.5GiB` (binary), `100 B` -> bytes; null when the text is not a size.
 * Case does not matter: `200mb` is 200 MB, never millibits.
 */
export function parseByteSize(text: string): number | null {
  const match = SIZE.exec(text.trim());
  if (match === null) return null;
  const base = match[3] === '' ? 1000 : 1024;
  const bytes = Math.round(Number(match[1]) * base ** (SIZE_POWERS[(match[2] ?? '').toLowerCase()] ?? 0));
  // A 400-digit size is Infinity, and past 2^53 (9 PB) a number no longer counts bytes: not a size.
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Decimal units, as buildx prints `transferring context: 1.2MB`: `512 B`, `1.23 MB`, `12.3 MB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'n/a';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `87%` for 0.87; `n/a` when there is no ratio. */
export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? 'n/a' : `${Math.round(ratio * 100)}%`;
}

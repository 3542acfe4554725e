// Durations as people write them in workflow files: `30s`, `5m`, `1h30m`, `250ms`.
// A bare number is refused (seconds or minutes? the reader cannot tell), except
// `0`, which is unambiguous.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds for a duration like `1h30m`; null when the text is not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '0') return 0;
  const match = DURATION.exec(trimmed);
  if (!match || trimmed === '') return null;
  const [, h, m, s, ms] = match;
  return (
    Number(h ?? 0) * UNIT_MS.h! + Number(m ?? 0) * UNIT_MS.m! + Number(s ?? 0) * UNIT_MS.s! + Number(ms ?? 0)
  );
}

/** `90000` -> `1m30s`; the inverse of parseDuration for whole seconds, for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, seconds] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / seconds);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * seconds;
  }
  return parts.join('');
}

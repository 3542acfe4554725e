// A RUN step can print a build secret (`cat /run/secrets/token`). The runner
// masks registered secrets in the job log, but the report file, the summary and
// the annotations are written by us, so every string in them is scrubbed here.

/** Shorter values are not masked: replacing every `1` or `ab` would garble the report. */
const MIN_SECRET_LENGTH = 3;

/** Replaces every occurrence of each secret with `***`, longest first so a secret containing another goes whole. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of usableSecrets(secrets)) out = out.split(secret).join('***');
  return out;
}

/** The same over every string in a JSON-like value, returning a new value. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  const usable = usableSecrets(secrets);
  if (usable.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, usable);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    }
    return v;
  };
  return walk(value) as T;
}

function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

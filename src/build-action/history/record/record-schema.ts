// What a stored build record may hold, checked field by field before anything reads it. A record
// comes back from the Actions cache, which anything with a token for it can write: a pull request's
// job (a fork's too, for its own scope) or a hand-made one. So every string is bounded, and the
// short ones that reach the job log and the summary as they are (branch, commit, target) hold no
// control characters; every number is finite and in its range; every list is bounded and holds
// what it should; nothing else is kept. The bounds are far above what this version writes (see
// record.ts: 400 steps, 160-character instruction texts, 100 entries a source), so a real record
// always passes. Hand-written, a few combinators: no schema library is a dependency, and this one
// names the first field that is wrong in words a warning can carry.

/** The path of the first wrong field, e.g. `steps[3].durationMs`, and what is wrong with it. */
export class RecordProblem extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

type Check<T> = (value: unknown, field: string) => T;

const fail = (field: string, reason: string): never => {
  throw new RecordProblem(field, reason);
};

/** C0 and C1 controls but the tab, and bidirectional controls: never in a short field. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function string(max: number, options: { controls?: boolean } = {}): Check<string> {
  return (value, field) => {
    if (typeof value !== 'string') return fail(field, 'is not a string');
    if (value.length > max) return fail(field, `is longer than ${max} characters`);
    if (!options.controls && CONTROL.test(value)) return fail(field, 'holds control characters');
    return value;
  };
}

function number(min: number, max: number, options: { integer?: boolean } = {}): Check<number> {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(field, 'is not a finite number');
    if (value < min || value > max) return fail(field, `is not between ${min} and ${max}`);
    if (options.integer && !Number.isInteger(value)) return fail(field, 'is not a whole number');
    return value;
  };
}

function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, field) => (value === null ? null : check(value, field));
}

/** Absent (an older record) or as checked. */
function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, field) => (value === undefined ? undefined : check(value, field));
}

function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (value, field) =>
    typeof value === 'string' && (values as readonly string[]).includes(value)
      ? (value as T)
      : fail(field, `is not one of ${values.join(', ')}`);
}

function list<T>(max: number, item: Check<T>): Check<T[]> {
  return (value, field) => {
    if (!Array.isArray(value)) return fail(field, 'is not a list');
    if (value.length > max) return fail(field, `has more than ${max} items`);
    return value.map((v, i) => item(v, `${field}[${i}]`));
  };
}

/** A string-keyed map; keys are data, so a wrong one is named by position, never by its text. */
function map<T>(max: number, key: Check<string>, item: Check<T>): Check<Record<string, T>> {
  return (value, field) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return fail(field, 'is not an object');
    const entries = Object.entries(value);
    if (entries.length > max) return fail(field, `has more than ${max} entries`);
    const out: Record<string, T> = Object.create(null) as Record<string, T>;
    entries.forEach(([k, v], i) => {
      key(k, `${field} key ${i + 1}`);
      out[k] = item(v, `${field} entry ${i + 1}`);
    });
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type Checked<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** An object with these fields (an absent optional field stays absent); other fields are dropped. */
function object<S extends Shape>(shape: S): Check<Checked<S>> {
  return (value, field) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return fail(field, 'is not an object');
    const v = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, check] of Object.entries(shape)) {
      const checked = check(v[name], field === '' ? name : `${field}.${name}`);
      if (checked !== undefined) out[name] = checked;
    }
    return out as Checked<S>;
  };
}

/** Paths in the context: a path's length bounds its depth (the fingerprint trees recurse on it). */
const PATH = string(4096);
const TEXT = string(2000, { controls: true });
const DURATION = nullable(number(0, 1e10));
const BYTES = nullable(number(0, 1e15, { integer: true }));
const LINE = number(0, 1e6, { integer: true });
const STATUSES = ['done', 'cached', 'error', 'cancelled', 'incomplete'] as const;
const OUTCOMES = ['success', 'failure', 'cancelled', 'unknown'] as const;

const PHASES = object({
  contextTransferMs: DURATION,
  baseImageResolveMs: DURATION,
  baseImagePullMs: DURATION,
  cacheImportMs: DURATION,
  stepsMs: DURATION,
  exportMs: DURATION,
  pushMs: DURATION,
  cacheExportMs: DURATION,
});

const RECORD = object({
  schema: (value, field) => (value === 1 ? (1 as const) : fail(field, 'is not 1')),
  createdAt: string(40),
  commit: nullable(string(100)),
  branch: nullable(string(255)),
  dockerfile: nullable(PATH),
  target: nullable(string(255)),
  platforms: list(64, string(100)),
  outcome: oneOf(OUTCOMES),
  durationMs: DURATION,
  phases: nullable(PHASES),
  cacheHitRatio: nullable(number(0, 1)),
  contextBytes: BYTES,
  contextMeasured: optional(oneOf(['context-directory', 'transferred'] as const)),
  contextTransferredBytes: optional(BYTES),
  steps: list(1000, object({ key: TEXT, name: TEXT, status: oneOf(STATUSES), durationMs: DURATION })),
  stages: list(
    400,
    object({
      index: number(0, 1000, { integer: true }),
      name: nullable(string(255)),
      base: TEXT,
      baseDigest: nullable(string(100)),
      instructions: list(1000, object({ keyword: string(32), line: LINE, text: TEXT, hash: string(64) })),
    }),
  ),
  // A value this version cannot compare (an old hash, a number) is read as "not comparable" (blame.ts).
  buildArgs: map(1000, string(1000), (value, field) =>
    value === null || typeof value === 'number' || typeof value === 'boolean'
      ? value
      : string(64)(value, field),
  ),
  sources: list(
    1000,
    object({
      key: TEXT,
      line: LINE,
      sources: list(1000, PATH),
      files: number(0, 1e9, { integer: true }),
      bytes: number(0, 1e15, { integer: true }),
      digest: string(64),
      depth: nullable(number(0, 4096, { integer: true })),
      entries: map(10_000, PATH, string(64)),
      incomplete: optional((value, field) =>
        typeof value === 'boolean' ? value : fail(field, 'is not true or false'),
      ),
    }),
  ),
});

/**
 * The record as checked (fields this version does not know are dropped), or the first problem.
 * Of the shape of record.ts's BuildRecord, which it casts to (a type import here would be a cycle).
 */
export function checkRecord(value: unknown): { record: object } | { problem: RecordProblem } {
  try {
    return { record: RECORD(value, '') };
  } catch (error) {
    if (error instanceof RecordProblem) return { problem: error };
    throw error;
  }
}

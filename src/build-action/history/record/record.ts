// The build record: what one build of one target leaves for the next, so that a runner that is
// new every time can still say why the cache missed and whether a pull request made the build
// slower. Versioned JSON of a few KB; parseRecord refuses what it does not understand rather
// than guessing, so a newer record never misleads an older action.
import { createHash } from 'node:crypto';
import type { Dockerfile, DockerfileInstruction } from '../../../engine/index.js';
import type { BuildReport, Outcome, PhaseTimes, StepStatus } from '../../../engine/index.js';
import type { SourceFingerprint } from './fingerprint.js';
import { checkRecord } from './record-schema.js';
import { looksLikeSecretName } from './secret-names.js';

const RECORD_SCHEMA = 1;

interface RecordStep {
  /** Stage, platform and the step's text without the `[stage i/n]` prefix: stable across builds. */
  key: string;
  name: string;
  status: StepStatus;
  durationMs: number | null;
}

export interface RecordInstruction {
  keyword: string;
  line: number;
  /** Normalized text, cut to MAX_INSTRUCTION_CHARS for display. */
  text: string;
  /** Hash of the whole normalized text. */
  hash: string;
}

export interface RecordStage {
  index: number;
  name: string | null;
  /** The FROM image as written. */
  base: string;
  /** The digest the build resolved it to, when the log shows it (`FROM image@sha256:...`). */
  baseDigest: string | null;
  instructions: RecordInstruction[];
}

export interface BuildRecord {
  schema: typeof RECORD_SCHEMA;
  createdAt: string;
  commit: string | null;
  branch: string | null;
  /** Repository-relative path of the Dockerfile. */
  dockerfile: string | null;
  target: string | null;
  platforms: string[];
  outcome: Outcome;
  /** Wall time of the build as the action measured it. */
  durationMs: number | null;
  phases: PhaseTimes | null;
  cacheHitRatio: number | null;
  /** The build context's size: measured on disk (contextMeasured `context-directory`), else what BuildKit transferred. */
  contextBytes: number | null;
  /** Where contextBytes comes from; records before it was added hold the transferred figure. */
  contextMeasured?: 'context-directory' | 'transferred';
  /** What BuildKit transferred (less than the context when the builder had it already). */
  contextTransferredBytes?: number | null;
  steps: RecordStep[];
  stages: RecordStage[];
  /**
   * build-arg name -> buildArgHash of its value, or NOT_RECORDED for a name that looks like a
   * secret (values may be sensitive: never stored). Records before this rule hold 16-hex hashes.
   */
  buildArgs: Record<string, string>;
  sources: SourceFingerprint[];
}

export interface RecordFacts {
  commit: string | null;
  branch: string | null;
  dockerfileRepoPath: string | null;
  target: string | null;
  platforms: string[];
  durationMs: number | null;
  buildArgs: readonly string[];
  sources: SourceFingerprint[];
  now: Date;
  /** The context as the action measured it; the report's transferred figure when absent. */
  context?: {
    bytes: number | null;
    measured: 'context-directory' | 'transferred';
    transferredBytes: number | null;
  };
}

const MAX_STEPS = 400;
const MAX_INSTRUCTIONS = 400;
const MAX_INSTRUCTION_CHARS = 160;

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function instructionText(instruction: DockerfileInstruction): string {
  return `${instruction.keyword} ${instruction.args}`.replace(/\s+/g, ' ').trim();
}

/** `[build 2/5] RUN make` on linux/arm64 -> `linux/arm64|build|RUN make`. */
function stepKey(step: { name: string; stage: string | null; platform: string | null }): string {
  return `${step.platform ?? ''}|${step.stage ?? ''}|${step.name.replace(/^\[[^\]]*\]\s*/, '')}`;
}

/** `FROM docker.io/library/node:20@sha256:ab...` -> `sha256:ab...`. */
function digestOfFromStep(name: string): string | null {
  return /@(sha256:[0-9a-f]{64})\b/.exec(name)?.[1] ?? null;
}

/** Stored for a build-arg whose name looks like a secret (see secret-names.ts): nothing of its value. */
export const NOT_RECORDED = 'not-recorded';

/** Hex digits kept of a build-arg hash (comparableBuildArgHash checks for as many). */
const BUILD_ARG_HASH_CHARS = 8;

const BUILD_ARG_HASH_DOMAIN = 'buildx-gate build-arg v1';

/**
 * The record's trace of one build-arg value, for telling "changed" from "unchanged" and nothing
 * more. The record sits in the Actions cache, which pull requests from forks can read, so a hash
 * there lets anyone test guesses at the value. Salted with a domain string and the arg's name, a
 * table precomputed for one name (or for plain SHA-256) is no use for another. Cut to 32 bits: a
 * change still reads as "unchanged" only once in 4 billion, while a matching guess confirms much
 * less than with the 64 bits kept before: against a list of billions of candidates, many match.
 * A short list of likely values is still confirmed, so names that look like secrets are not
 * hashed at all (NOT_RECORDED).
 */
function buildArgHash(name: string, value: string): string {
  return createHash('sha256')
    .update(`${BUILD_ARG_HASH_DOMAIN}\0${name}\0${value}`)
    .digest('hex')
    .slice(0, BUILD_ARG_HASH_CHARS);
}

export function buildArgHashes(buildArgs: readonly string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const item of buildArgs) {
    const eq = item.indexOf('=');
    // `NAME` alone passes the runner's environment value: unknown here, hashed as such.
    const name = eq < 0 ? item : item.slice(0, eq);
    hashes[name] = looksLikeSecretName(name)
      ? NOT_RECORDED
      : buildArgHash(name, eq < 0 ? 'env:' : `value:${item.slice(eq + 1)}`);
  }
  return hashes;
}

/**
 * A stored build-arg entry this version can compare: NOT_RECORDED or a hash of today's length.
 * Older records hold 16-hex unsalted hashes, which never equal a new one although the value may
 * be the same; those (and anything else a record may hold) are not comparable.
 */
export function comparableBuildArgHash(stored: unknown): boolean {
  return stored === NOT_RECORDED || (typeof stored === 'string' && /^[0-9a-f]{8}$/.test(stored));
}

export function makeRecord(
  report: BuildReport,
  dockerfile: Dockerfile | null,
  facts: RecordFacts,
): BuildRecord {
  const firstPlatform = report.platforms[0] ?? null;
  const stages: RecordStage[] = (dockerfile?.stages ?? []).map((stage) => ({
    index: stage.index,
    name: stage.name,
    base: stage.base,
    baseDigest: null,
    instructions: stage.instructions.slice(0, MAX_INSTRUCTIONS).map((ins) => {
      const text = instructionText(ins);
      return {
        keyword: ins.keyword,
        line: ins.line,
        text: text.length > MAX_INSTRUCTION_CHARS ? `${text.slice(0, MAX_INSTRUCTION_CHARS - 1)}…` : text,
        hash: shortHash(text),
      };
    }),
  }));
  for (const step of report.steps) {
    if (step.instruction !== 'FROM' || (step.platform !== null && step.platform !== firstPlatform)) continue;
    const digest = digestOfFromStep(step.name);
    if (digest === null || dockerfile === null) continue;
    const stage = stageOfStep(dockerfile, step.stage);
    if (stage !== undefined && stages[stage] !== undefined) stages[stage]!.baseDigest ??= digest;
  }
  return {
    schema: RECORD_SCHEMA,
    createdAt: facts.now.toISOString(),
    commit: facts.commit,
    branch: facts.branch,
    dockerfile: facts.dockerfileRepoPath,
    target: facts.target,
    platforms: report.platforms.length > 0 ? [...report.platforms] : [...facts.platforms],
    outcome: report.outcome,
    durationMs: facts.durationMs ?? report.totals.durationMs,
    phases: report.phases ?? null,
    cacheHitRatio: report.totals.cacheHitRatio,
    contextBytes: facts.context?.bytes ?? report.totals.contextBytes,
    contextMeasured: facts.context?.measured ?? 'transferred',
    contextTransferredBytes: report.totals.contextBytes,
    steps: report.steps
      .filter((s) => s.kind === 'instruction' || s.durationMs !== null)
      .slice(0, MAX_STEPS)
      .map((s) => ({ key: stepKey(s), name: s.name, status: s.status, durationMs: s.durationMs })),
    stages,
    buildArgs: buildArgHashes(facts.buildArgs),
    sources: facts.sources,
  };
}

/** The stage a step prefix names (`build`, `stage-2`, none for single-stage files). */
function stageOfStep(dockerfile: Dockerfile, name: string | null): number | undefined {
  if (name === null) return dockerfile.stages.length === 1 ? 0 : undefined;
  const lower = name.toLowerCase();
  const named = dockerfile.stages.find((s) => s.name === lower);
  if (named) return named.index;
  const generic = /^stage-(\d+)$/.exec(lower);
  return generic ? Number(generic[1]) : undefined;
}

/** A stored record this long is no record of ours (they are a few KB; the bounds allow far more). */
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/**
 * A record read back; null (with the reason) for anything that is not a record this code
 * understands. It comes from a cache that others can write, so it is checked field by field
 * (record-schema.ts) before anything reads it; the reason names the field, never its content.
 */
export function parseRecord(text: string): { record: BuildRecord | null; problem: string | null } {
  if (text.length > MAX_RECORD_CHARS)
    return { record: null, problem: `the stored build record is larger than ${MAX_RECORD_CHARS} characters` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { record: null, problem: 'the stored build record is not JSON' };
  }
  if (typeof value !== 'object' || value === null)
    return { record: null, problem: 'the stored build record is not an object' };
  const v = value as Record<string, unknown>;
  if (v.schema !== RECORD_SCHEMA) {
    const schema = typeof v.schema === 'number' && Number.isSafeInteger(v.schema) ? String(v.schema) : 'none';
    return {
      record: null,
      problem: `the stored build record has schema ${schema}, this action reads ${RECORD_SCHEMA}`,
    };
  }
  const checked = checkRecord(value);
  if ('problem' in checked)
    return { record: null, problem: `the stored build record is not valid: ${checked.problem.message}` };
  return { record: checked.record as BuildRecord, problem: null };
}

export function serializeRecord(record: BuildRecord): string {
  return `${JSON.stringify(record)}\n`;
}

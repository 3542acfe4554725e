// Cache-miss blame: for the first step of each stage that did not come from the cache, what
// changed since the recorded build and what it cost. Pure: this build's report, Dockerfile and
// record against the previous record. The cause is named from what really differs (files a
// COPY brought in, a build-arg value, an ENV or instruction text, the base image digest); when
// nothing the build can see differs, it names the build-args whose values it cannot see (names
// that look like secrets are not recorded), or else says the builder simply had no cache, which
// on an ephemeral runner is the usual answer.
import {
  locateStep,
  type Dockerfile,
  type DockerfileInstruction,
  type DockerfileStage,
} from '../../../engine/index.js';
import type { BuildReport, StepReport } from '../../../engine/index.js';
import { diffFingerprints, type FileChange } from './fingerprint.js';
import {
  comparableBuildArgHash,
  instructionText,
  NOT_RECORDED,
  shortHash,
  type BuildRecord,
  type RecordInstruction,
  type RecordStage,
} from './record.js';

export type BlameCause =
  | { kind: 'no-record' }
  | { kind: 'no-cache-requested' }
  | { kind: 'base-image'; image: string; before: string; after: string }
  | { kind: 'instruction'; keyword: string; line: number; before: string | null; after: string | null }
  | { kind: 'env'; names: string[]; line: number }
  | { kind: 'build-arg'; names: string[] }
  /** In scope, unchanged as far as the record shows, but their values are not recorded (secret-like names). */
  | { kind: 'build-arg-not-recorded'; names: string[] }
  | { kind: 'files'; changes: FileChange[]; total: number; incomplete: boolean }
  | { kind: 'stage'; stage: string }
  | { kind: 'nothing-changed'; since: string | null };

export interface Blame {
  stage: string | null;
  stageIndex: number;
  /** In a multi-platform build, the platform blamed (the one whose cache missed earliest); else null. */
  platform: string | null;
  /** The first step that ran: its Dockerfile line and text. */
  line: number;
  instruction: string;
  cause: BlameCause;
  /** Time of that step and the later steps of its stage that reran. */
  costMs: number;
  rerunSteps: number;
  /** costMs plus the reruns of stages it forced (they copy from or build on this stage). */
  totalCostMs: number;
}

export interface BlameInput {
  dockerfile: Dockerfile;
  report: BuildReport;
  current: BuildRecord;
  previous: BuildRecord | null;
  noCache: boolean;
  noCacheStages: readonly string[];
}

/** Files named in a blame: the list is cut here, the count is kept. */
const MAX_BLAMED_FILES = 10;

/** Instructions whose text changes the cache key of the steps after them. */
const CACHE_KEYWORDS = new Set([
  'FROM',
  'RUN',
  'COPY',
  'ADD',
  'WORKDIR',
  'ENV',
  'ARG',
  'USER',
  'SHELL',
  'ONBUILD',
]);

interface LocatedStep {
  step: StepReport;
  instruction: DockerfileInstruction;
}

export function blameCacheMisses(input: BlameInput): Blame[] {
  const { dockerfile, report, current, previous } = input;
  // Each platform of a stage has steps of its own, and their caches can miss at different steps.
  const byStage = new Map<number, Map<string, LocatedStep[]>>();
  for (const step of report.steps) {
    if (step.kind !== 'instruction' || step.instruction === 'FROM') continue;
    const instruction = locateStep(dockerfile, step);
    if (!instruction || instruction.stageIndex < 0) continue;
    const platforms = byStage.get(instruction.stageIndex) ?? new Map<string, LocatedStep[]>();
    const list = platforms.get(step.platform ?? '') ?? [];
    list.push({ step, instruction });
    platforms.set(step.platform ?? '', list);
    byStage.set(instruction.stageIndex, platforms);
  }
  const noCacheStages = new Set(input.noCacheStages.map((s) => s.toLowerCase()));
  const blames: Blame[] = [];
  const blameOfStage = new Map<number, Blame>();
  for (const stage of dockerfile.stages) {
    const platforms = byStage.get(stage.index) ?? new Map<string, LocatedStep[]>();
    const miss = earliestMiss(platforms);
    if (miss === null) continue;
    const { busted, rerun, costMs } = miss;
    const cause =
      input.noCache || (stage.name !== null && noCacheStages.has(stage.name))
        ? ({ kind: 'no-cache-requested' } as const)
        : previous === null
          ? ({ kind: 'no-record' } as const)
          : causeOf(stage, busted.instruction, { dockerfile, current, previous, rebuilt: blameOfStage });
    const blame: Blame = {
      stage: stage.name,
      stageIndex: stage.index,
      platform: platforms.size > 1 && miss.platform !== '' ? miss.platform : null,
      line: busted.instruction.line,
      instruction: instructionText(busted.instruction),
      cause,
      costMs,
      rerunSteps: rerun.length,
      totalCostMs: costMs,
    };
    blameOfStage.set(stage.index, blame);
    blames.push(blame);
    // A knock-on rerun is charged to the stage that caused it, transitively.
    let root: Blame | undefined = blame;
    const seen = new Set<number>();
    while (root !== undefined && root.cause.kind === 'stage' && !seen.has(root.stageIndex)) {
      seen.add(root.stageIndex);
      const causeName: string = root.cause.stage;
      const upstream = dockerfile.stages.find((s) => stageLabel(s) === causeName);
      root = upstream === undefined ? undefined : blameOfStage.get(upstream.index);
      if (root !== undefined) root.totalCostMs += costMs;
    }
  }
  return blames;
}

interface StageMiss {
  platform: string;
  busted: LocatedStep;
  rerun: LocatedStep[];
  costMs: number;
}

/**
 * Of a stage's platforms, the one whose cache missed at the earliest instruction (the one that
 * explains the others; a tie goes to the platform whose reruns took longest, as the build waits
 * for it), with the steps it reran; null when every platform came from the cache.
 */
function earliestMiss(platforms: ReadonlyMap<string, LocatedStep[]>): StageMiss | null {
  let best: StageMiss | null = null;
  for (const [platform, steps] of platforms) {
    const located = [...steps].sort((a, b) => a.instruction.line - b.instruction.line);
    const first = located.findIndex((l) => l.step.status !== 'cached');
    if (first < 0) continue;
    const rerun = located.slice(first).filter((l) => l.step.status === 'done' || l.step.status === 'error');
    const miss = {
      platform,
      busted: located[first]!,
      rerun,
      costMs: rerun.reduce((sum, l) => sum + (l.step.durationMs ?? 0), 0),
    };
    const line = miss.busted.instruction.line;
    const bestLine = best?.busted.instruction.line ?? Infinity;
    if (line < bestLine || (line === bestLine && miss.costMs > best!.costMs)) best = miss;
  }
  return best;
}

interface CauseContext {
  dockerfile: Dockerfile;
  current: BuildRecord;
  previous: BuildRecord;
  rebuilt: ReadonlyMap<number, Blame>;
}

function causeOf(stage: DockerfileStage, busted: DockerfileInstruction, ctx: CauseContext): BlameCause {
  const { current, previous } = ctx;
  const before = findPreviousStage(previous, stage);
  const now = current.stages[stage.index];
  if (before === undefined || now === undefined) {
    return {
      kind: 'instruction',
      keyword: 'FROM',
      line: stage.instructions[0]?.line ?? busted.line,
      before: null,
      after: now?.instructions[0]?.text ?? null,
    };
  }
  // The base: another stage that was rebuilt, or an image whose digest moved.
  if (stage.baseIsStage) {
    const baseStage = ctx.dockerfile.stages.find((s) => s.name === stage.base.toLowerCase());
    if (baseStage !== undefined && ctx.rebuilt.has(baseStage.index))
      return { kind: 'stage', stage: stageLabel(baseStage) };
  } else if (before.baseDigest !== null && now.baseDigest !== null && before.baseDigest !== now.baseDigest) {
    return { kind: 'base-image', image: stage.base, before: before.baseDigest, after: now.baseDigest };
  }
  // The first instruction, up to the busted one, whose text differs from the recorded build.
  const oldList = before.instructions.filter((i) => CACHE_KEYWORDS.has(i.keyword));
  const newList = now.instructions.filter((i) => CACHE_KEYWORDS.has(i.keyword));
  const bustedAt = newList.findIndex((i) => i.line === busted.line);
  for (let i = 0; i <= bustedAt; i++) {
    const a = oldList[i];
    const b = newList[i]!;
    if (a !== undefined && a.hash === b.hash) continue;
    if (a !== undefined && a.keyword === 'ENV' && b.keyword === 'ENV') {
      const names = changedEnvNames(a, b, stage);
      if (names.length > 0) return { kind: 'env', names, line: b.line };
    }
    return { kind: 'instruction', keyword: b.keyword, line: b.line, before: a?.text ?? null, after: b.text };
  }
  // Build-arg values in scope: ARGs the stage declared before the step (`ARG A B=1` declares two;
  // a quoted default with a space yields a stray word, which no build-arg is named after).
  const argNames = stage.instructions
    .filter((i) => i.keyword === 'ARG' && i.line < busted.line)
    .flatMap((i) => i.argsWithoutFlags.split(/\s+/).map((word) => word.split('=')[0]!))
    .filter((n) => n !== '');
  const args = [...new Set(argNames)].map((name) => ({
    name,
    change: buildArgChange(recordedArg(previous, name), recordedArg(current, name)),
  }));
  const changedArgs = args.filter((a) => a.change === 'changed').map((a) => a.name);
  if (changedArgs.length > 0) return { kind: 'build-arg', names: changedArgs };
  // Files from the context.
  const key = sourceKey(stage, busted);
  const fpNow = current.sources.find((s) => s.key === key);
  const fpBefore = previous.sources.find((s) => s.key === key);
  if (fpNow !== undefined && fpBefore !== undefined) {
    const changes = diffFingerprints(fpBefore, fpNow);
    if (changes.length > 0) {
      return {
        kind: 'files',
        changes: changes.slice(0, MAX_BLAMED_FILES),
        total: changes.length,
        incomplete: fpNow.incomplete === true || fpBefore.incomplete === true,
      };
    }
  }
  // Another stage it copies from, or mounts.
  const fromStage = fromStageOf(busted, ctx.dockerfile);
  if (fromStage !== null && ctx.rebuilt.has(fromStage.index))
    return { kind: 'stage', stage: stageLabel(fromStage) };
  // Nothing the record shows changed: a build-arg whose value it does not keep may have.
  const unseen = args.filter((a) => a.change === 'not-recorded').map((a) => a.name);
  if (unseen.length > 0) return { kind: 'build-arg-not-recorded', names: unseen };
  return { kind: 'nothing-changed', since: previous.commit };
}

function recordedArg(record: BuildRecord, name: string): unknown {
  return Object.hasOwn(record.buildArgs, name) ? record.buildArgs[name] : undefined;
}

/**
 * A build-arg between two records. Given in one build only: changed. Not recorded in this build
 * (a secret-like name): unknown, and said so. A stored entry this version cannot compare (the
 * longer unsalted hashes of older records): unknown and not mentioned; it would read as
 * "changed" on every first build after an upgrade.
 */
function buildArgChange(before: unknown, after: unknown): 'same' | 'changed' | 'not-recorded' | 'unknown' {
  if (before === undefined || after === undefined) return before === after ? 'same' : 'changed';
  if (after === NOT_RECORDED) return 'not-recorded';
  if (!comparableBuildArgHash(before) || !comparableBuildArgHash(after) || before === NOT_RECORDED)
    return 'unknown';
  return before === after ? 'same' : 'changed';
}

function findPreviousStage(previous: BuildRecord, stage: DockerfileStage): RecordStage | undefined {
  if (stage.name !== null) {
    const named = previous.stages.find((s) => s.name === stage.name);
    if (named !== undefined) return named;
  }
  const byIndex = previous.stages[stage.index];
  return byIndex !== undefined && (byIndex.name === null || byIndex.name === stage.name)
    ? byIndex
    : undefined;
}

/** The variables of an ENV instruction whose value changed (or that came or went). */
function changedEnvNames(a: RecordInstruction, b: RecordInstruction, stage: DockerfileStage): string[] {
  // The record keeps a cut text; compare on the full current text where the cut could hide a change.
  const current = stage.instructions.find((i) => i.line === b.line);
  const after = parseEnv(current !== undefined ? instructionText(current) : b.text);
  const beforeText = a.text.endsWith('…') ? null : a.text;
  if (beforeText === null) return [...after.keys()];
  const before = parseEnv(beforeText);
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n));
}

/** `ENV A=1 B="two words"` or the legacy `ENV A value`. Values are compared by hash only. */
function parseEnv(text: string): Map<string, string> {
  const body = text.replace(/^ENV\s+/i, '');
  const vars = new Map<string, string>();
  if (!/^[^\s=]+=/.test(body)) {
    const [name, ...rest] = body.split(' ');
    if (name) vars.set(name, shortHash(rest.join(' ')));
    return vars;
  }
  for (const [name, value] of envPairs(body)) vars.set(name, shortHash(value));
  return vars;
}

/**
 * The `NAME=value` pairs of an ENV body, as `/([^\s=]+)=(value)/g` finds them, scanned once: that
 * regex tried the name from every start in a run of name characters, quadratic on a long run
 * without `=` (ReDoS suite). A name is a whole run (or the rest of one after the last value), so
 * each run is read once and the value is matched where its `=` is.
 */
function envPairs(body: string): [string, string][] {
  const nameRun = /[^\s=]+/g;
  /** Double-quoted with escapes, single-quoted, or up to a blank (escapes kept); may be empty. */
  const value = /"(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*/y;
  const pairs: [string, string][] = [];
  for (let name = nameRun.exec(body); name !== null; name = nameRun.exec(body)) {
    const equals = name.index + name[0].length;
    if (body[equals] !== '=') continue;
    value.lastIndex = equals + 1;
    const found = value.exec(body)?.[0] ?? '';
    pairs.push([name[0], found]);
    nameRun.lastIndex = equals + 1 + found.length;
  }
  return pairs;
}

function fromStageOf(instruction: DockerfileInstruction, dockerfile: Dockerfile): DockerfileStage | null {
  const names = instruction.flags
    .map((f) => /^--from=(.+)$/i.exec(f)?.[1] ?? /^--mount=.*\bfrom=([^,]+)/i.exec(f)?.[1] ?? null)
    .filter((n): n is string => n !== null)
    .map((n) => n.toLowerCase());
  for (const name of names) {
    const stage = dockerfile.stages.find((s) => s.name === name || String(s.index) === name);
    if (stage !== undefined) return stage;
  }
  return null;
}

/** How a stage is named in messages: its AS name, or BuildKit's `stage-N`. */
function stageLabel(stage: { name: string | null; index: number }): string {
  return stage.name ?? `stage-${stage.index}`;
}

/** The key of a COPY/ADD's fingerprint: the stage and the instruction's text (see fingerprint.ts). */
export function sourceKey(
  stage: { name: string | null; index: number },
  instruction: DockerfileInstruction,
): string {
  return `${stageLabel(stage)}|${instructionText(instruction)}`;
}

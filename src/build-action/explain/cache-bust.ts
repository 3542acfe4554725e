// Why the build cache stopped being hit, in words a user can act on. Pure:
// reads the Dockerfile that was built and the engine's report. For each stage
// of a warm build (some step was cached), the first step that ran after the
// cached ones is where the cache broke; its instruction says why (files copied
// changed, a command or build argument changed, the base changed). Static
// findings that cost cache on every build ride along: dependency installs
// placed after a copy of the whole source tree, unpinned base images, and a
// large context sent without a .dockerignore.
import {
  contextSources,
  isScratch,
  locateStep,
  type Dockerfile,
  type DockerfileInstruction,
  type DockerfileStage,
} from '../../engine/index.js';
import type { BuildReport, StepReport } from '../../engine/index.js';
import { formatBytes, formatDuration } from '../../shared/units.js';
import { packageManagerIn, type PackageManager } from './package-managers.js';

type FindingKind =
  'cache-bust' | 'install-after-source-copy' | 'unpinned-base-image' | 'large-context-without-dockerignore';

export interface CacheFinding {
  kind: FindingKind;
  level: 'warning' | 'notice';
  title: string;
  /** Plain text; untrusted parts (Dockerfile text) are escaped by whoever renders it. */
  message: string;
  /** Dockerfile line of the instruction the finding is about, null for the whole build. */
  line: number | null;
  stage: string | null;
  /** Time the steps that reran cost, when the finding is about a cache bust. */
  rerunMs: number | null;
}

export interface CacheBustFacts {
  /** Whether the build context has a .dockerignore (or <Dockerfile>.dockerignore); null when unknown. */
  hasDockerignore: boolean | null;
  /** `no-cache` was set: every step ran on purpose. */
  noCache: boolean;
  /** Stages named in `no-cache-filters`, which rerun on purpose. */
  noCacheStages: readonly string[];
  /** Contexts larger than this without a .dockerignore are flagged. */
  largeContextBytes?: number;
}

const DEFAULT_LARGE_CONTEXT_BYTES = 50_000_000;

function packageManagerOf(instruction: DockerfileInstruction): PackageManager | null {
  if (instruction.keyword !== 'RUN') return null;
  return packageManagerIn(instruction.argsWithoutFlags);
}

/** A copy of the whole context or of a directory tree: any source change invalidates it. */
function copiesSourceTree(instruction: DockerfileInstruction): boolean {
  if (instruction.keyword === 'RUN') return false;
  const sources = contextSources(instruction);
  return sources !== null && sources.some((s) => /^(\.\/?|\.\/\*|\*|[^*?]*\/)$/.test(s));
}

function display(instruction: DockerfileInstruction): string {
  const text = `${instruction.keyword} ${instruction.args}`;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export function findCacheBusts(
  dockerfile: Dockerfile | null,
  report: BuildReport,
  facts: CacheBustFacts,
): CacheFinding[] {
  const findings: CacheFinding[] = [];
  if (dockerfile) {
    findings.push(...bustFindings(dockerfile, report, facts));
    findings.push(...installOrderFindings(dockerfile, findings));
    findings.push(...unpinnedBaseFindings(dockerfile));
  }
  const threshold = facts.largeContextBytes ?? DEFAULT_LARGE_CONTEXT_BYTES;
  const contextBytes = report.totals.contextBytes;
  if (facts.hasDockerignore === false && contextBytes !== null && contextBytes > threshold) {
    findings.push({
      kind: 'large-context-without-dockerignore',
      level: 'warning',
      title: 'Large build context without .dockerignore',
      message:
        `The build context sent ${formatBytes(contextBytes)} to the builder and there is no .dockerignore. ` +
        'Add one that excludes .git, node_modules, build output and test data: the transfer gets faster and ' +
        'COPY . . stops being invalidated by files the image does not need.',
      line: null,
      stage: null,
      rerunMs: null,
    });
  }
  return findings;
}

interface LocatedStep {
  step: StepReport;
  instruction: DockerfileInstruction;
}

function bustFindings(dockerfile: Dockerfile, report: BuildReport, facts: CacheBustFacts): CacheFinding[] {
  if (facts.noCache) return [];
  const noCacheStages = new Set(facts.noCacheStages.map((s) => s.toLowerCase()));
  const firstPlatform = report.platforms[0] ?? null;
  const byStage = new Map<number, LocatedStep[]>();
  // A log may hold several builds (a job that built twice, a retry): the last one is explained.
  const latest = new Map<string, StepReport>();
  for (const step of report.steps) latest.set(step.name, step);
  for (const step of latest.values()) {
    // FROM is left out: newer engines report it CACHED whenever the image is present,
    // which says nothing about the layers built on it.
    if (step.kind !== 'instruction' || step.instruction === 'FROM') continue;
    // Multi-platform builds repeat every step per platform; one platform tells the story.
    if (step.platform !== null && step.platform !== firstPlatform) continue;
    const instruction = locateStep(dockerfile, step);
    if (!instruction || instruction.stageIndex < 0) continue;
    const list = byStage.get(instruction.stageIndex) ?? [];
    list.push({ step, instruction });
    byStage.set(instruction.stageIndex, list);
  }

  const rebuiltStages = new Set<number>();
  const findings: CacheFinding[] = [];
  for (const stage of dockerfile.stages) {
    const located = (byStage.get(stage.index) ?? []).sort((a, b) => a.instruction.line - b.instruction.line);
    const bustAt = located.findIndex((l) => l.step.status === 'done');
    if (bustAt < 0) continue;
    rebuiltStages.add(stage.index);
    // A bust needs a cache that was hit: cached steps before, and only cached ones.
    // A stage that ran from its first step was cold, or rebuilt because its base was.
    if (bustAt === 0 || !located.slice(0, bustAt).every((l) => l.step.status === 'cached')) continue;
    if (stage.name !== null && noCacheStages.has(stage.name)) continue;
    const busted = located[bustAt]!;
    // Knock-on effect of a bust in the stage it copies from: that one is the cause, reported there.
    if (copiesFromRebuiltStage(busted.instruction, dockerfile, rebuiltStages)) continue;
    const rerun = located.slice(bustAt).filter((l) => l.step.status === 'done');
    const rerunMs = rerun.reduce((sum, l) => sum + (l.step.durationMs ?? 0), 0);
    const reason = bustReason(
      busted.instruction,
      usedBuildArgs(busted.instruction, stage, dockerfile),
      earlierRunOf(busted.step, report),
    );
    const later = stage.instructions.filter((ins) => ins.line > busted.instruction.line);
    const install = copiesSourceTree(busted.instruction)
      ? later.map((ins) => ({ ins, pm: packageManagerOf(ins) })).find((x) => x.pm)
      : undefined;
    const cost =
      rerun.length > 1
        ? ` ${rerun.length - 1} later step${rerun.length > 2 ? 's' : ''} in this stage reran with it (${formatDuration(rerunMs)} in all).`
        : ` It reran in ${formatDuration(rerunMs)}.`;
    const where = stage.name !== null ? `The cache of stage ${stage.name}` : 'The cache';
    let message = `${where} stopped at \`${display(busted.instruction)}\` (line ${busted.instruction.line}): ${reason}.${cost}`;
    if (install?.pm) message += ` ${installOrderAdvice(busted.instruction, install.ins, install.pm)}`;
    findings.push({
      kind: 'cache-bust',
      level: install ? 'warning' : 'notice',
      title: install
        ? 'Cache bust: dependencies reinstalled on every source change'
        : `Cache bust${stage.name !== null ? ` in stage ${stage.name}` : ''}`,
      message,
      line: busted.instruction.line,
      stage: stage.name,
      rerunMs,
    });
  }
  return findings;
}

function copiesFromRebuiltStage(
  instruction: DockerfileInstruction,
  dockerfile: Dockerfile,
  rebuilt: ReadonlySet<number>,
): boolean {
  const from = instruction.flags
    .find((f) => f.startsWith('--from='))
    ?.slice('--from='.length)
    .toLowerCase();
  if (from === undefined) return false;
  return dockerfile.stages.some((s) => rebuilt.has(s.index) && (s.name === from || String(s.index) === from));
}

/**
 * The same step in an earlier build of the same log (a job that built twice, a retry), if any:
 * how it ended there is known, unlike what happened in builds the log does not show.
 */
function earlierRunOf(step: StepReport, report: BuildReport): StepReport | undefined {
  const index = report.steps.indexOf(step);
  return report.steps.slice(0, Math.max(0, index)).find((s) => s.name === step.name);
}

const NO_CACHE_YET =
  'no earlier build completed it with these inputs (no cache yet, e.g. the last build failed at or before this step)';

/**
 * Why a step after cached ones ran. BuildKit reruns a step when its inputs changed or when no
 * build ever completed it (a failed step is never cached): a log cannot tell these apart, so
 * both are named, unless an earlier build in the same log shows how the step ended.
 */
function bustReason(
  instruction: DockerfileInstruction,
  buildArgs: string[],
  earlier: StepReport | undefined,
): string {
  if (earlier !== undefined && earlier.status !== 'done' && earlier.status !== 'cached') {
    const how =
      earlier.status === 'error'
        ? 'failed'
        : earlier.status === 'cancelled'
          ? 'was cancelled'
          : 'did not finish';
    return `no cache yet: in the earlier build in this log this step ${how}, and a step that did not complete is never cached`;
  }
  const alternative = earlier === undefined ? `, or ${NO_CACHE_YET}` : ' since the earlier build in this log';
  const fromStage = instruction.flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  if (fromStage !== undefined) {
    return `the stage or image it copies from (${fromStage}) changed`;
  }
  if (instruction.keyword === 'ADD' && /(^|\s)(https?:\/\/|git@)/.test(instruction.argsWithoutFlags)) {
    return 'ADD of a remote URL is checked again on every build and its content changed';
  }
  if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
    return `files it copies from the build context changed${alternative}`;
  }
  if (instruction.keyword === 'RUN') {
    return buildArgs.length > 0
      ? `the command changed, or the value of ${buildArgs.map((a) => `ARG ${a}`).join(', ')} it uses changed${alternative}`
      : `the command or an ENV value it uses changed${alternative}`;
  }
  return `the ${instruction.keyword} instruction changed${alternative}`;
}

/** ARGs declared in the stage (or globally) that the instruction references. */
function usedBuildArgs(
  instruction: DockerfileInstruction,
  stage: DockerfileStage,
  dockerfile: Dockerfile,
): string[] {
  const declared = [
    ...dockerfile.globalArgs,
    ...stage.instructions.filter((i) => i.keyword === 'ARG' && i.line < instruction.line),
  ]
    .map((i) => (i.argsWithoutFlags.split(/[=\s]/)[0] ?? '').trim())
    .filter((n) => n !== '');
  return [...new Set(declared)].filter((name) => referencesVariable(instruction.args, name));
}

/**
 * Whether `text` uses `$name` or `${name...}`. Plain string search, not a RegExp built from the
 * name: the name comes from the Dockerfile, and `ARG (a+)+` must neither throw nor backtrack.
 */
export function referencesVariable(text: string, name: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  for (let at = text.indexOf('$'); at !== -1; at = text.indexOf('$', at + 1)) {
    const start = text.charCodeAt(at + 1) === 123 /* { */ ? at + 2 : at + 1;
    if (text.startsWith(name, start) && !/\w/.test(text.charAt(start + name.length))) return true;
  }
  return false;
}

function installOrderAdvice(
  copy: DockerfileInstruction,
  install: DockerfileInstruction,
  pm: PackageManager,
): string {
  const copyText = `\`${display(copy)}\` (line ${copy.line})`;
  const installText = `\`${display(install)}\` (line ${install.line})`;
  if (pm.manifests === '') {
    return `${copyText} comes before ${installText}, so every source change reinstalls system packages: move the ${pm.name} install above the COPY.`;
  }
  return (
    `${copyText} comes before ${installText}, so every source change reinstalls dependencies: ` +
    `copy the lockfile first (COPY ${pm.manifests} ./), run the install, then copy the rest of the sources.`
  );
}

function installOrderFindings(dockerfile: Dockerfile, already: readonly CacheFinding[]): CacheFinding[] {
  const covered = new Set(already.filter((f) => f.kind === 'cache-bust').map((f) => f.line));
  const findings: CacheFinding[] = [];
  for (const stage of dockerfile.stages) {
    const copy = stage.instructions.find((ins) => copiesSourceTree(ins));
    if (!copy || covered.has(copy.line)) continue;
    const install = stage.instructions
      .filter((ins) => ins.line > copy.line)
      .map((ins) => ({ ins, pm: packageManagerOf(ins) }))
      .find((x) => x.pm);
    if (!install?.pm) continue;
    findings.push({
      kind: 'install-after-source-copy',
      level: 'warning',
      title: 'Dependency install after copying the sources',
      message: installOrderAdvice(copy, install.ins, install.pm),
      line: copy.line,
      stage: stage.name,
      rerunMs: null,
    });
  }
  return findings;
}

function unpinnedBaseFindings(dockerfile: Dockerfile): CacheFinding[] {
  const findings: CacheFinding[] = [];
  for (const stage of dockerfile.stages) {
    if (stage.baseIsStage || isScratch(stage.base) || stage.base.includes('$') || stage.base.includes('@'))
      continue;
    const lastPart = stage.base.split('/').pop() ?? '';
    const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : null;
    if (tag !== null && tag !== 'latest') continue;
    const from = stage.instructions[0];
    findings.push({
      kind: 'unpinned-base-image',
      level: 'warning',
      title: 'Base image not pinned',
      message:
        `\`FROM ${stage.base}\` (line ${from?.line ?? '?'}) ${tag === null ? 'has no tag, so it means :latest' : 'uses :latest'}: ` +
        'the image changes under you, which rebuilds every step after it and makes builds unreproducible. ' +
        'Pin a version tag (and a digest, e.g. image:1.2@sha256:...).',
      line: from?.line ?? null,
      stage: stage.name,
      rerunMs: null,
    });
  }
  return findings;
}

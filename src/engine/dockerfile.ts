// A small Dockerfile reader: enough structure to point at lines and reason about
// stage order, not a full frontend. It keeps every instruction with the lines it
// spans, honours parser directives (the escape character changes how lines
// continue), continuation lines, comments inside continuations and heredocs, so
// the line numbers match what BuildKit prints. It never throws: text it cannot
// make sense of becomes an instruction with an unknown keyword. It also says which
// files of the build context an instruction reads (contextSources): the cache
// analysis and the build history both reason about COPY, ADD and bind mounts.

export interface DockerfileInstruction {
  /** Upper-case keyword (RUN, COPY, ...), as written, upper-cased. */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space, flags included. */
  args: string;
  /** Leading `--flag[=value]` words (`--from=build`, `--mount=type=cache,...`), in order. */
  flags: string[];
  /** `args` without the leading flags. */
  argsWithoutFlags: string;
  /** 1-based line of the keyword, and the last line the instruction spans (heredoc bodies included). */
  line: number;
  endLine: number;
  /** Index of the stage the instruction belongs to; -1 for global ARGs before the first FROM. */
  stageIndex: number;
}

export interface DockerfileStage {
  index: number;
  /** `AS` name, lower-cased as BuildKit does, null when the stage has none. */
  name: string | null;
  /** The image or stage the stage starts from, as written (`node:20`, `deps`, `$BASE`). */
  base: string;
  /** True when `base` names an earlier stage, so BuildKit makes no FROM step for it. */
  baseIsStage: boolean;
  /** `--platform=` of the FROM line, if any. */
  platform: string | null;
  /** The FROM instruction and everything up to the next FROM. */
  instructions: DockerfileInstruction[];
}

export interface Dockerfile {
  /** Parser directives from the top of the file (`syntax`, `escape`, `check`), keys lower-cased. */
  directives: Record<string, string>;
  escapeChar: '\\' | '`';
  /** ARG instructions before the first FROM. */
  globalArgs: DockerfileInstruction[];
  stages: DockerfileStage[];
  instructions: DockerfileInstruction[];
  /** The source lines as read (without line terminators), for excerpts. */
  lines: string[];
}

/**
 * Instructions that BuildKit turns into a numbered build step (`[stage i/n]`); ENV,
 * LABEL, ARG, CMD and the other metadata instructions change the image config only.
 * FROM counts unless the stage starts from another stage.
 */
const STEP_INSTRUCTIONS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

// On a trimmed line; the value is trimmed in code: `\s*(.*?)\s*$` went quadratic on a run of
// blanks inside the value (the Dockerfile is untrusted), and `=(.*)$` has one way to match.
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=(.*)$/;
const HEREDOC = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives = readDirectives(lines);
  const escapeChar = directives.escape === '`' ? '`' : '\\';
  const instructions: DockerfileInstruction[] = [];

  let i = directiveLineCount(lines);
  while (i < lines.length) {
    const first = lines[i] ?? '';
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    const parts: string[] = [];
    let current = first;
    // Continuation: the escape character as the last non-blank character of a line.
    // Comment lines and (deprecated) empty lines inside a continuation are skipped.
    for (;;) {
      const stripped = current.trimEnd();
      const continues = stripped.endsWith(escapeChar);
      parts.push(continues ? stripped.slice(0, -1) : current);
      if (!continues) break;
      i++;
      while (i < lines.length && /^\s*(#.*)?$/.test(lines[i] ?? '')) i++;
      if (i >= lines.length) break;
      current = lines[i] ?? '';
    }
    const joined = parts
      .map((p, n) => (n === 0 ? p.trim() : p.trim()))
      .filter((p) => p !== '')
      .join(' ');
    // `s`: a lone CR or U+2028 in the text would otherwise make `(.*)$` fail and backtrack over
    // every shorter keyword (quadratic on a long first word).
    const match = /^(\S+)\s*(.*)$/s.exec(joined);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = match?.[2] ?? '';
    let endLine = i + 1;
    i++;
    if (HEREDOC_INSTRUCTIONS.has(keyword)) {
      for (const terminator of heredocTerminators(args)) {
        while (i < lines.length) {
          const body = lines[i] ?? '';
          i++;
          endLine = i;
          if (body.replace(/^\t+/, '') === terminator || body === terminator) break;
        }
      }
    }
    const { flags, rest } = splitFlags(args);
    instructions.push({
      keyword,
      args,
      flags,
      argsWithoutFlags: rest,
      line: start + 1,
      endLine: Math.max(endLine, start + 1),
      stageIndex: -1,
    });
  }

  const stages: DockerfileStage[] = [];
  const globalArgs: DockerfileInstruction[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const stage = readFrom(instruction, stages);
      stages.push(stage);
    }
    const stage = stages[stages.length - 1];
    if (stage === undefined) {
      if (instruction.keyword === 'ARG') globalArgs.push(instruction);
      continue;
    }
    instruction.stageIndex = stage.index;
    stage.instructions.push(instruction);
  }
  return { directives, escapeChar, globalArgs, stages, instructions, lines };
}

/** The instructions of a stage that BuildKit numbers as `[stage i/n]`, in order (index 0 is step 1). */
export function numberedSteps(stage: DockerfileStage): DockerfileInstruction[] {
  return stage.instructions.filter(
    (ins) =>
      STEP_INSTRUCTIONS.has(ins.keyword) &&
      !(ins.keyword === 'FROM' && (stage.baseIsStage || isScratch(stage.base))),
  );
}

/**
 * The stage a step prefix names: `build` (an `AS` name), `stage-2` (BuildKit's
 * name for an unnamed stage), or null (single-stage builds print no name).
 */
function findStage(dockerfile: Dockerfile, name: string | null): DockerfileStage | null {
  if (name === null) {
    return dockerfile.stages.length === 1 ? (dockerfile.stages[0] ?? null) : null;
  }
  const lower = name.toLowerCase();
  const named = dockerfile.stages.find((s) => s.name === lower);
  if (named) return named;
  const generic = /^stage-(\d+)$/.exec(lower);
  return generic ? (dockerfile.stages[Number(generic[1])] ?? null) : null;
}

export interface StepLocator {
  stage: string | null;
  /** `i` of `[stage i/n]`, 1-based. */
  index: number | null;
  instruction: string | null;
  /** The vertex name (`[build 2/3] RUN make`), whose text after the prefix is compared when the index is ambiguous. */
  name: string;
}

/**
 * The Dockerfile instruction a build step came from. The index of `[stage i/n]`
 * decides when its keyword agrees; otherwise (or without a stage name in a
 * multi-stage file) the step's text is matched against the instructions, with
 * whitespace collapsed, since buildx prints continuation lines joined.
 */
export function locateStep(dockerfile: Dockerfile, step: StepLocator): DockerfileInstruction | null {
  const keyword = step.instruction?.toUpperCase() ?? null;
  const stage = findStage(dockerfile, step.stage);
  // A stage name the Dockerfile does not have: it is not the file that was built.
  if (step.stage !== null && stage === null) return null;
  const candidates = stage ? [stage] : dockerfile.stages;
  if (step.index !== null) {
    const byIndex = candidates
      .map((s) => numberedSteps(s)[step.index! - 1])
      .filter(
        (ins): ins is DockerfileInstruction =>
          ins !== undefined && (keyword === null || ins.keyword === keyword),
      );
    if (byIndex.length === 1) return byIndex[0] ?? null;
  }
  const text = normalize(step.name.replace(/^\[[^\]]*\]\s*/, ''));
  const all = candidates.flatMap((s) => s.instructions);
  const exact = all.filter((ins) => normalize(`${ins.keyword} ${ins.args}`) === text);
  if (exact.length >= 1) return exact[0] ?? null;
  // Variables are expanded in the printed name ($BUILD_MODE -> release): compare
  // the text before the first `$` only.
  if (keyword === null) return null;
  const sameKeyword = all.filter((ins) => ins.keyword === keyword);
  const prefixed = sameKeyword.filter((ins) => {
    const written = normalize(`${ins.keyword} ${ins.args}`);
    const literal = written.split('$')[0] ?? written;
    return literal.length > keyword.length + 1 && text.startsWith(literal);
  });
  return prefixed.length === 1 ? (prefixed[0] ?? null) : null;
}

/**
 * The FROM lines that name an image as BuildKit prints it in `[internal] load
 * metadata for docker.io/library/node:20`: Docker Hub's implicit registry and
 * `library/` namespace are added, so both spellings are compared.
 */
export function fromLinesOfImage(dockerfile: Dockerfile, printed: string): DockerfileInstruction[] {
  const canonical = (ref: string) => {
    let name = ref.toLowerCase();
    const firstPart = name.split('/')[0] ?? '';
    if (
      !name.includes('/') ||
      !(firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost')
    )
      name = `docker.io/${name}`;
    // The name without its tag or digest (cut in code: `/[:@].*$/` rescanned to the end from every
    // `:` and `@` of a reference holding a line break).
    const tagAt = name.search(/[:@]/);
    if (/^docker\.io\/[^/]+$/.test(tagAt < 0 ? name : name.slice(0, tagAt)))
      name = name.replace(/^docker\.io\//, 'docker.io/library/');
    return name;
  };
  const target = canonical(printed);
  return dockerfile.stages
    .filter((s) => !s.baseIsStage && canonical(s.base) === target)
    .map((s) => s.instructions[0]!);
}

export function isScratch(image: string): boolean {
  return image.toLowerCase() === 'scratch';
}

/**
 * The context sources of a COPY/ADD, or of a RUN that bind-mounts the context
 * (`--mount=type=bind,source=...` without `from=`: its files are part of the RUN's cache key);
 * null when the instruction does not read the context (`--from`, URLs, heredocs).
 */
export function contextSources(instruction: DockerfileInstruction): string[] | null {
  if (instruction.keyword === 'RUN') return bindMountSources(instruction);
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return null;
  if (instruction.flags.some((f) => f.toLowerCase().startsWith('--from='))) return null;
  const text = instruction.argsWithoutFlags.trim();
  let words: string[];
  if (text.startsWith('[')) {
    try {
      words = (JSON.parse(text) as unknown[]).map(String);
    } catch {
      return null;
    }
  } else {
    words = text.split(/\s+/).filter((w) => w !== '');
  }
  if (words.length < 2) return null;
  const sources = words.slice(0, -1);
  if (sources.some((s) => s.startsWith('<<'))) return null;
  return sources.filter((s) => !/^(https?:\/\/|git@|git:\/\/)/i.test(s));
}

function bindMountSources(instruction: DockerfileInstruction): string[] | null {
  const sources: string[] = [];
  for (const flag of instruction.flags) {
    if (!flag.toLowerCase().startsWith('--mount=')) continue;
    const fields = new Map(
      flag
        .slice('--mount='.length)
        .split(',')
        .map((field) => {
          const eq = field.indexOf('=');
          return [
            field.slice(0, eq < 0 ? undefined : eq).toLowerCase(),
            eq < 0 ? '' : field.slice(eq + 1),
          ] as const;
        }),
    );
    // type defaults to bind; a mount from another stage or image is not the context.
    if ((fields.get('type') ?? 'bind') !== 'bind' || fields.has('from')) continue;
    sources.push(fields.get('source') ?? fields.get('src') ?? '.');
  }
  return sources.length > 0 ? sources : null;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function readFrom(instruction: DockerfileInstruction, earlier: DockerfileStage[]): DockerfileStage {
  const words = instruction.argsWithoutFlags.split(/\s+/).filter((w) => w !== '');
  const base = words[0] ?? '';
  const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
  const name = asIndex >= 0 ? (words[asIndex + 1]?.toLowerCase() ?? null) : null;
  const platformFlag = instruction.flags.find((f) => f.toLowerCase().startsWith('--platform='));
  return {
    index: earlier.length,
    name,
    base,
    baseIsStage: earlier.some((s) => s.name !== null && s.name === base.toLowerCase()),
    platform: platformFlag ? platformFlag.slice('--platform='.length) : null,
    instructions: [],
  };
}

function splitFlags(args: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = args;
  for (;;) {
    const match = /^(--[A-Za-z][A-Za-z0-9-]*(?:=(?:"[^"]*"|'[^']*'|\S)*)?)\s*/.exec(rest);
    if (!match) break;
    flags.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

function heredocTerminators(args: string): string[] {
  // A heredoc marker inside a JSON (exec form) argument list is not a heredoc.
  if (args.trimStart().startsWith('[')) return [];
  return [...args.matchAll(HEREDOC)].map((m) => m[3] ?? '').filter((t) => t !== '');
}

/** Parser directives: `# key=value` lines at the very top, before any other line. */
function readDirectives(lines: string[]): Record<string, string> {
  const directives: Record<string, string> = {};
  for (const line of lines.slice(0, directiveLineCount(lines))) {
    const match = DIRECTIVE.exec(line.trim());
    if (match) directives[(match[1] ?? '').toLowerCase()] = (match[2] ?? '').trim();
  }
  return directives;
}

function directiveLineCount(lines: string[]): number {
  const seen = new Set<string>();
  let count = 0;
  for (const line of lines) {
    const match = DIRECTIVE.exec(line.trim());
    // A directive repeated, or any other line (blank, comment, instruction), ends the block.
    if (!match || seen.has((match[1] ?? '').toLowerCase())) break;
    seen.add((match[1] ?? '').toLowerCase());
    count++;
  }
  return count;
}

// Reads what a vertex name tells about the step. BuildKit's Dockerfile frontend names steps
// `[<platform><->target> <stage> <i>/<n>] INSTR args`, padding i to the width of n
// (`[build  8/14]`); buildx bake and docker compose put the target or service first
// (`[web builder 2/3]`, `[web internal] ...`); internal work is `[internal] ...`, optionally
// with a platform (`[linux/arm64 internal] load metadata ...`).
import type { StepKind } from './report.js';

export interface VertexInfo {
  kind: StepKind;
  stage: string | null;
  platform: string | null;
  instruction: string | null;
  index: number | null;
  total: number | null;
}

const STEP_INDEX = /^(\d+)\/(\d+)$/;
const INSTRUCTION_WORD = /^[A-Za-z]+$/;
// Words BuildKit puts before the instruction itself (`ONBUILD RUN`, `LINK COPY` for COPY --link).
const INSTRUCTION_MODIFIERS = new Set(['ONBUILD', 'LINK']);

const OTHER: VertexInfo = {
  kind: 'other',
  stage: null,
  platform: null,
  instruction: null,
  index: null,
  total: null,
};

export function parseVertexName(name: string): VertexInfo {
  if (name.charCodeAt(0) !== 91 /* [ */) return OTHER;
  const close = name.indexOf(']');
  if (close < 0) return OTHER;
  const tokens = name
    .slice(1, close)
    .split(' ')
    .filter((token) => token.length > 0);
  const last = tokens.pop();
  if (last === undefined) return OTHER;
  let platform: string | null = null;
  const names: string[] = [];
  for (const token of tokens) {
    // Platforms are the only prefix words with a slash (`linux/arm/v7`, `linux/amd64->arm64`).
    if (platform === null && token.includes('/')) platform = token;
    else names.push(token);
  }
  if (last === 'internal') {
    return { kind: 'internal', stage: null, platform, instruction: null, index: null, total: null };
  }
  const indexMatch = STEP_INDEX.exec(last);
  if (indexMatch === null) return { ...OTHER, platform };
  const words = name
    .slice(close + 1)
    .trim()
    .split(' ');
  let wordIndex = 0;
  while (wordIndex < words.length - 1 && INSTRUCTION_MODIFIERS.has(words[wordIndex]!.toUpperCase()))
    wordIndex++;
  const word = words[wordIndex] ?? '';
  if (!INSTRUCTION_WORD.test(word)) return { ...OTHER, platform };
  return {
    kind: 'instruction',
    // With a bake target or compose service in front, the stage is the word nearest the index.
    stage: names.length > 0 ? names[names.length - 1]! : null,
    platform,
    instruction: word.toUpperCase(),
    index: Number(indexMatch[1]),
    total: Number(indexMatch[2]),
  };
}

/** `[internal] load build context` (any prefix): the vertex that sends the build context. */
export function isBuildContextVertex(name: string, info: VertexInfo): boolean {
  return info.kind === 'internal' && name.endsWith('] load build context');
}

/** Vertices whose completion means the image was produced: the build reached its end. */
export function isExportVertex(name: string): boolean {
  const start = name.charCodeAt(0) === 91 ? name.indexOf('] ') + 2 : 0;
  return (
    name.startsWith('exporting to ', start) ||
    name.startsWith('exporting cache', start) ||
    name.startsWith('pushing ', start)
  );
}

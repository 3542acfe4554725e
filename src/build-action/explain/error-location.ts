// Where in the Dockerfile a build failed. Current BuildKit prints the line
// (`Dockerfile:12`, `>>>`), and parse errors name it; older BuildKit (the one in
// Docker 20.10) prints neither, so the failing step's name (`[stage i/n] INSTR
// args`) is matched to the Dockerfile that was built instead.
import { fromLinesOfImage, locateStep, type Dockerfile, type BuildReport } from '../../engine/index.js';

export interface ErrorLocation {
  line: number;
  /** Last line of the instruction (continuations, heredocs), for excerpts. */
  endLine: number;
  /** How the line was found: printed in the log, or matched from the step name. */
  source: 'log' | 'step';
}

export function locateError(report: BuildReport, dockerfile: Dockerfile | null): ErrorLocation | null {
  const error = report.error;
  if (!error) return null;
  if (error.line !== null) {
    const instruction = dockerfile?.instructions.find((i) => i.line === error.line);
    return { line: error.line, endLine: instruction?.endLine ?? error.line, source: 'log' };
  }
  if (!dockerfile || error.step === null) return null;
  // A base image that cannot be resolved fails `[internal] load metadata for <image>`: its FROM line.
  const metadata = /^\[internal\] load metadata for (\S+)$/.exec(error.step);
  if (metadata) {
    const from = fromLinesOfImage(dockerfile, metadata[1] ?? '')[0];
    return from ? { line: from.line, endLine: from.endLine, source: 'step' } : null;
  }
  const step = report.steps.find((s) => s.name === error.step);
  const instruction = locateStep(
    dockerfile,
    step ?? {
      name: error.step,
      stage: null,
      index: null,
      instruction: /^\[[^\]]*\]\s*(\S+)/.exec(error.step)?.[1] ?? null,
    },
  );
  return instruction ? { line: instruction.line, endLine: instruction.endLine, source: 'step' } : null;
}

/** Lines around a location, numbered like BuildKit's excerpt (`  12 | >>> RUN make`). */
export function dockerfileExcerpt(dockerfile: Dockerfile, location: ErrorLocation, context = 2): string[] {
  const first = Math.max(1, location.line - context);
  const last = Math.min(dockerfile.lines.length, location.endLine + context);
  const width = String(last).length;
  const excerpt: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n >= location.line && n <= location.endLine ? '>>> ' : '    ';
    excerpt.push(`${String(n).padStart(width + 1)} | ${marker}${dockerfile.lines[n - 1] ?? ''}`);
  }
  return excerpt;
}

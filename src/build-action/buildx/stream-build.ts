// Runs buildx with its output going two ways at once: to the job log, byte for
// byte as printed, and into the engine. While it runs, the engine's report is
// sampled to learn when each step started (plain logs do not say).
//
// Only stderr is buildx's log. Its stdout is the build's own result when the user
// asks for one there (`--output -`: a tar of files a RUN step wrote; `--call`'s
// output): shown in the job log, never read as log lines, so nothing a step
// writes into the image can pass for a vertex, a context transfer or a warning.
import type { BuildCommand } from './argv.js';
import type { BuildDeps, LogAnalyzer, BuildxExit } from '../ports.js';
import { StepClock } from './step-clock.js';

export interface StreamedBuild {
  result: BuildxExit;
  /** Wall time from spawning buildx to its exit, as the action measured it. */
  durationMs: number;
  startTimes: ReadonlyMap<string, number>;
  /** When each step was first seen settled (DONE, CACHED, ERROR, CANCELED), ms since the build began. */
  endTimes: ReadonlyMap<string, number>;
  /** The last lines buildx printed on stderr, decoded, for diagnosing setup failures. */
  lastLines: string[];
}

const KEPT_LINES = 30;

export async function streamBuild(
  command: BuildCommand,
  analyzer: LogAnalyzer,
  deps: Pick<BuildDeps, 'io' | 'buildx' | 'env' | 'now' | 'randomToken' | 'sampleIntervalMs'>,
): Promise<StreamedBuild> {
  const { io } = deps;
  const clock = new StepClock();
  const lastLines: string[] = [];
  const started = deps.now();
  const sampler = setInterval(
    () => clock.observe(analyzer.snapshot(), deps.now() - started),
    deps.sampleIntervalMs ?? 100,
  );
  sampler.unref?.();

  // Build output is untrusted: a RUN step can print `::error::` or `::add-mask::`.
  // With commands stopped, the runner shows such lines as text, exactly as printed.
  const token = deps.randomToken();
  io.writeRaw(`::stop-commands::${token}\n`);
  let endsWithNewline = true;
  let result: BuildxExit;
  try {
    const env = { ...deps.env, BUILDX_METADATA_WARNINGS: 'true' };
    result = await deps.buildx.run(command, env, (line, stream) => {
      io.writeRaw(line);
      endsWithNewline = line.length > 0 && line[line.length - 1] === 0x0a;
      if (stream !== 'stderr') return;
      analyzer.write(line);
      lastLines.push(
        line
          .subarray(0, 4096)
          .toString('utf8')
          .replace(/\r?\n$/, ''),
      );
      if (lastLines.length > KEPT_LINES) lastLines.shift();
    });
  } finally {
    clearInterval(sampler);
    // The end marker must start a line, or the runner would not see it and commands would stay off.
    io.writeRaw(`${endsWithNewline ? '' : '\n'}::${token}::\n`);
  }
  const durationMs = deps.now() - started;
  clock.observe(analyzer.snapshot(), durationMs);
  return { result, durationMs, startTimes: clock.startTimes, endTimes: clock.endTimes, lastLines };
}

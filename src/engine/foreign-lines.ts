// Lines a pasted log holds that are not buildx's, recognised so that they are neither counted
// as garbage nor mistaken for a build: what the GitHub Actions runner writes around a step, and
// the output of the legacy (non-BuildKit) `docker build`, which the engine cannot read.

// `##[group]Run ...`, `##[endgroup]`, `[command]/usr/bin/docker ...`, workflow commands
// (`::stop-commands::TOKEN`, `::add-mask::***`) and the `TOKEN::` line that resumes them.
const RUNNER_LINE = /^(?:##\[[a-z]+\]|\[command\]|::[a-z-]+(?: [^:]*)?::|[\w-]+::$)/;
const LEGACY_BUILDER_STEP = /^Step \d+\/\d+ : /;
// docker-compose 1.x around each service's `docker build`: `Building web`, then on failure
// `Service 'api' failed to build : Build failed` (older: `ERROR: Service 'api' failed to build`).
const COMPOSE_V1_LINE = /^(?:Building [\w.-]+$|(?:ERROR: )?Service '[^']*' failed to build\b)/;

export function isRunnerLine(text: string): boolean {
  return RUNNER_LINE.test(text) || COMPOSE_V1_LINE.test(text);
}

/** `Step 3/7 : RUN make`, the classic builder's step header (DOCKER_BUILDKIT=0). */
export function isLegacyBuilderStep(text: string): boolean {
  return LEGACY_BUILDER_STEP.test(text);
}

// What an action says to the GitHub Actions runner, as one small port: both
// actions publish through it, production wires it to workflow commands
// (actions-runner.ts), tests to a recorder.

export interface RunnerAnnotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  /** Repository-relative path of the file, when the annotation points into one. */
  file?: string;
  line?: number;
}

export interface RunnerPort {
  /** The raw value of an input (`INPUT_<NAME>`), untrimmed, '' when unset. */
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  /** Masks the value in the job log from now on. */
  setSecret(value: string): void;
  annotate(annotation: RunnerAnnotation): void;
  /** Fails the step with an error annotation carrying the message. */
  setFailed(message: string): void;
  /** Fails the step without another annotation (one already says why). */
  markFailed(): void;
  info(message: string): void;
  warning(message: string): void;
  /** Shown only when the run has step debug logging on. */
  debug(message: string): void;
  /** Bytes for the job log exactly as given (buildx's output). */
  writeRaw(chunk: Buffer | string): void;
  /** Appends markdown to the job summary; outside a runner it says so and skips. */
  appendSummary(markdown: string): Promise<void>;
  /** State for the post step of this action (`STATE_<name>` there). */
  saveState(name: string, value: string): void;
  getState(name: string): string;
}

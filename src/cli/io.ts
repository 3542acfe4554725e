// What a CLI command may touch, so tests can run commands in-process.
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Thrown for a usage or configuration error; the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

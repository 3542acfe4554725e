import type { CliIO } from './io.js';

export async function runAnalyze(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('analyze: not built yet\n');
  return 2;
}

import type { CliIO } from './io.js';

export async function runVerify(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('verify: not built yet\n');
  return 2;
}

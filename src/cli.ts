#!/usr/bin/env node
// buildx-gate CLI. Each command is imported only when asked for, so `analyze`
// never loads the Elasticsearch client.
import type { CliIO } from './cli/io.js';
import { PRODUCT_VERSION } from './shared/version.js';

const USAGE = `usage: buildx-gate <command> [options]

commands:
  analyze [FILE|-] [--format text|json|markdown] [--dockerfile PATH]
                              turn a buildx log (plain, rawjson or tty) into a build report
  verify [--name value ...]   gate a deploy on its Elasticsearch logs (see --help)

Run 'buildx-gate <command> --help' for a command's options; 'buildx-gate --version' prints the version.`;

async function main(argv: string[]): Promise<number> {
  const io: CliIO = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
  const [command, ...rest] = argv;
  switch (command) {
    case 'analyze':
      return (await import('./cli/analyze.js')).runAnalyze(rest, io);
    case 'verify':
      return (await import('./cli/verify.js')).runVerify(rest, io);
    case '-V':
    case '--version':
    case 'version':
      io.stdout(`buildx-gate ${PRODUCT_VERSION}\n`);
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`buildx-gate: unknown command '${command}'\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`buildx-gate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);

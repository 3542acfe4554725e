// `buildx-gate verify --name value ...`: the action's inputs as flags (or
// BUILDX_GATE_<NAME> variables, the safer place for credentials). Exit 0 on
// pass, 1 when the gate fails, 2 on a usage or configuration error.
import { writeFile } from 'node:fs/promises';
import type { CliIO } from './io.js';
import { VERIFY_OPTION_DOCS } from './verify-options.generated.js';
import { connectElasticsearch } from '../verify-action/elasticsearch/client.js';
import { bashShell } from '../verify-action/respond/bash-shell.js';
import { secretsOf } from '../verify-action/config/config.js';
import { InputError } from '../shared/input-error.js';
import { octokitApi } from '../verify-action/respond/github-api.js';
import { DEFAULTS, INPUT_NAMES } from '../verify-action/config/input-names.js';
import { readInputs } from '../verify-action/config/inputs.js';
import { describeError } from '../verify-action/config/redact.js';
import { runVerification, type VerifyDeps } from '../verify-action/run.js';
import { renderText } from '../verify-action/report/text-report.js';
import { systemClock } from '../verify-action/watch.js';

const BOOLEAN_INPUTS = new Set<string>(['dry-run', 'normalize-by-volume']);

/** `text` wrapped at `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

const OPTION_COLUMN = 28;

/** One entry per option: its name and verify/action.yml's description of the input (one source). */
function optionLine(flag: string, description: string): string {
  const name = `  ${flag}`;
  const gap =
    name.length < OPTION_COLUMN - 1
      ? ' '.repeat(OPTION_COLUMN - name.length)
      : `\n${' '.repeat(OPTION_COLUMN)}`;
  return `${name}${gap}${wrap(description, 100, OPTION_COLUMN)}`;
}

export const VERIFY_USAGE = `usage: buildx-gate verify --elasticsearch-url URL [--name value ...] [--json]

Gates a deploy on its Elasticsearch logs: pass, fail, pause, rollback or inconclusive.
Every option is also read from BUILDX_GATE_<NAME> (e.g. BUILDX_GATE_API_KEY),
the place for credentials; a flag wins over the variable.

options (the verify action's inputs, as verify/action.yml describes them):
${VERIFY_OPTION_DOCS.map((o) => optionLine(`--${o.name}`, o.description)).join('\n')}
${optionLine('--json', 'print one JSON report instead of the text summary')}
${optionLine('-h, --help', 'this help')}

exit status: 0 pass, 1 the gate failed (fail, pause, rollback, or inconclusive
under on-inconclusive fail), 2 usage or configuration error. The decision itself
is the report's "decision" field (--json).`;

export interface ParsedArgs {
  inputs: Map<string, string>;
  json: boolean;
  help: boolean;
}

export function parseVerifyArgs(argv: readonly string[]): ParsedArgs {
  const inputs = new Map<string, string>();
  let json = false;
  let help = false;
  const known = new Set<string>(INPUT_NAMES);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (!known.has(name)) throw new InputError(`--${name}`, 'unknown option (see --help)');
      let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
      if (value === undefined) {
        const next = argv[i + 1];
        if (BOOLEAN_INPUTS.has(name) && (next === undefined || next.startsWith('--'))) value = 'true';
        else if (next === undefined) throw new InputError(`--${name}`, `expected a value`);
        else {
          value = next;
          i++;
        }
      }
      if (inputs.has(name)) throw new InputError(`--${name}`, `given twice`);
      // A flag is given on purpose: empty is an unset shell variable, not a wish for the default.
      if (value.trim() === '') {
        const fallback = (DEFAULTS as Partial<Record<string, string>>)[name];
        throw new InputError(
          `--${name}`,
          `empty value; leave the flag out${fallback === undefined ? '' : ` for the default (${fallback})`}`,
        );
      }
      inputs.set(name, value);
    } else {
      throw new InputError(`'${arg}'`, 'unexpected argument (options are --name value)');
    }
  }
  return { inputs, json, help };
}

export function envName(input: string): string {
  return `BUILDX_GATE_${input.toUpperCase().replace(/-/g, '_')}`;
}

type CliDeps = Pick<VerifyDeps, 'connect' | 'clock' | 'rollback' | 'http'>;

function defaultDeps(io: CliIO, log: (m: string) => void): CliDeps {
  return {
    connect: (connection, secrets) =>
      connectElasticsearch(connection, { secrets, sleep: systemClock.sleep, log }),
    clock: systemClock,
    rollback: {
      shell: bashShell(io.env),
      github: (token) => octokitApi(token, io.env.GITHUB_API_URL ?? 'https://api.github.com'),
      // stdout carries the report (JSON or text), so the command's output goes to stderr.
      onOutput: (text) => io.stderr(text),
    },
  };
}

export async function runVerify(argv: string[], io: CliIO, deps?: CliDeps): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseVerifyArgs(argv);
  } catch (error) {
    io.stderr(`buildx-gate verify: ${(error as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${VERIFY_USAGE}\n`);
    return 0;
  }
  const getInput = (name: string) => args.inputs.get(name) ?? io.env[envName(name)] ?? '';
  const log = (message: string) => io.stderr(`${message}\n`);
  let config;
  try {
    config = readInputs(getInput, { now: Date.now(), env: io.env });
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`buildx-gate verify: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const secrets = secretsOf(config);
  const effective = deps ?? defaultDeps(io, log);
  try {
    const report = await runVerification(config, {
      ...effective,
      log: { info: args.json ? () => {} : log, warning: (m) => log(`warning: ${m}`), debug: () => {} },
    });
    if (config.output.reportPath)
      await writeFile(config.output.reportPath, `${JSON.stringify(report, null, 2)}\n`);
    io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
    return report.gateFailed ? 1 : 0;
  } catch (error) {
    io.stderr(`buildx-gate verify: ${describeError(error, secrets)}\n`);
    return 1;
  }
}

// The GitHub Actions workflow commands both actions need, written the way
// @actions/core writes them (its escaping and file-command format; the unit
// tests compare the two byte for byte). Both actions run on every build or
// deploy, so start-up counts: @actions/core pulls in an HTTP client (undici)
// for OIDC, which measured +0.5 MB of bundle and +35 ms per start for nothing
// these actions use (see the commit that dropped it from verify).
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/** Message text of a command: `%`, CR and LF encoded so a message cannot end the command. */
function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also encode `:` and `,`, which separate properties. */
function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function formatCommand(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}

/** Annotation properties under the names the runner reads (as core's toCommandProperties maps them). */
function annotationProperties(p: AnnotationProperties): Record<string, string | number | undefined> {
  return {
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn,
  };
}

export interface WorkflowCommands {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  error(message: string, properties?: AnnotationProperties): void;
  warning(message: string, properties?: AnnotationProperties): void;
  notice(message: string, properties?: AnnotationProperties): void;
  info(message: string): void;
  debug(message: string): void;
  setFailed(message: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
}

export interface CommandTarget {
  env: NodeJS.ProcessEnv;
  write(text: string | Buffer): void;
  appendFile(path: string, text: string): void;
  setExitCode(code: number): void;
}

// Bound once: a library that prints on its own (the Actions cache client, see
// build-action/history) may have its writes held back while this stays direct.
const stdoutWrite = process.stdout.write.bind(process.stdout);

export const processTarget: CommandTarget = {
  env: process.env,
  write: (text) => stdoutWrite(text),
  appendFile: (path, text) => appendFileSync(path, text, { encoding: 'utf8' }),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export function workflowCommands(
  target: CommandTarget = processTarget,
  newDelimiter = () => `ghadelimiter_${randomUUID()}`,
): WorkflowCommands {
  const issue = (name: string, properties: Record<string, string | number | undefined>, message: string) =>
    target.write(formatCommand(name, properties, message) + EOL);
  /** `name<<delimiter` entries in the runner's file, or the old stdout command without one. */
  const fileCommand = (variable: string, command: string, name: string, value: string) => {
    const file = target.env[variable];
    if (!file) {
      issue(command, { name }, value);
      return;
    }
    const delimiter = newDelimiter();
    if (name.includes(delimiter) || value.includes(delimiter)) {
      throw new Error(`Unexpected input: the value of ${name} contains the delimiter ${delimiter}`);
    }
    target.appendFile(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
  };
  const annotation =
    (level: string) =>
    (message: string, properties: AnnotationProperties = {}) =>
      issue(level, annotationProperties(properties), message);
  return {
    getInput: (name) => target.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '',
    setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', 'set-output', name, value),
    setSecret: (value) => issue('add-mask', {}, value),
    error: annotation('error'),
    warning: annotation('warning'),
    notice: annotation('notice'),
    info: (message) => target.write(message + EOL),
    debug: (message) => issue('debug', {}, message),
    setFailed: (message) => {
      target.setExitCode(1);
      issue('error', {}, message);
    },
    saveState: (name, value) => fileCommand('GITHUB_STATE', 'save-state', name, value),
    getState: (name) => target.env[`STATE_${name}`] ?? '',
  };
}

// A RunnerPort that reads inputs from a map and records what the action says.
import type { RunnerPort } from '../../src/github/runner-port.js';

export interface Recorded {
  outputs: Record<string, string>;
  summary: string;
  annotations: string[];
  failed: string[];
  log: string[];
  secrets: string[];
}

export function fakeRunner(inputs: Record<string, string>): { runner: RunnerPort; recorded: Recorded } {
  const recorded: Recorded = { outputs: {}, summary: '', annotations: [], failed: [], log: [], secrets: [] };
  const runner: RunnerPort = {
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => void (recorded.outputs[name] = value),
    setSecret: (value) => void recorded.secrets.push(value),
    annotate: (a) => void recorded.annotations.push(`${a.level}: ${a.title}: ${a.message}`),
    setFailed: (message) => void recorded.failed.push(message),
    markFailed: () => {},
    info: (m) => void recorded.log.push(m),
    warning: (m) => void recorded.log.push(`warning: ${m}`),
    debug: (m) => void recorded.log.push(`debug: ${m}`),
    writeRaw: (chunk) => void recorded.log.push(chunk.toString()),
    appendSummary: async (md) => void (recorded.summary += md),
    saveState: () => {},
    getState: () => '',
  };
  return { runner, recorded };
}

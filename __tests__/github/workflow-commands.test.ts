import { describe, it, expect, afterEach } from '@jest/globals';
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowCommands, type CommandTarget } from '../../src/github/workflow-commands.js';

/** Runs fn with process.stdout.write captured, returning what was written. */
function captureStdout(fn: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let written = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = original;
  }
  return written;
}

function ours(env: NodeJS.ProcessEnv = {}) {
  const state = { written: '', files: new Map<string, string>(), exitCode: 0 };
  const target: CommandTarget = {
    env,
    write: (text) => {
      state.written += text;
    },
    appendFile: (file, text) => state.files.set(file, (state.files.get(file) ?? '') + text),
    setExitCode: (code) => {
      state.exitCode = code;
    },
  };
  return { commands: workflowCommands(target, () => 'ghadelimiter_fixed'), state };
}

const HOSTILE = [
  'plain',
  'line1\nline2\r\n::error::injected',
  '100% done, key: value',
  '%0A already encoded',
  '',
];
const PROPERTIES = [
  {},
  { title: 'Build failed: command failed (exit code 1)', file: 'docker/app.Dockerfile', startLine: 12 },
  { title: 'a,b:c\nd%', file: 'x:y,z' },
];

describe('workflowCommands writes what @actions/core writes', () => {
  const savedExit = process.exitCode;
  afterEach(() => {
    process.exitCode = savedExit;
  });

  for (const level of ['error', 'warning', 'notice'] as const) {
    it.each(HOSTILE.flatMap((m) => PROPERTIES.map((p) => [m, p] as const)))(
      `${level}(%j, %j)`,
      (message, properties) => {
        const expected = captureStdout(() => core[level](message, properties));
        const { commands, state } = ours();
        commands[level](message, properties);
        expect(state.written).toBe(expected);
      },
    );
  }

  it.each(HOSTILE)('setSecret(%j)', (value) => {
    const expected = captureStdout(() => core.setSecret(value));
    const { commands, state } = ours();
    commands.setSecret(value);
    expect(state.written).toBe(expected);
  });

  it('setFailed: an error command and exit code 1', () => {
    const expected = captureStdout(() => core.setFailed('gate a,b: failed\nsecond line'));
    const { commands, state } = ours();
    commands.setFailed('gate a,b: failed\nsecond line');
    expect(state.written).toBe(expected);
    expect(state.exitCode).toBe(1);
  });

  it('setOutput appends a heredoc-style entry to GITHUB_OUTPUT like core', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wc-'));
    const file = path.join(dir, 'output');
    writeFileSync(file, '');
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      core.setOutput('metadata', '{\n  "a": 1\n}');
    } finally {
      process.env.GITHUB_OUTPUT = saved;
    }
    const coreText = readFileSync(file, 'utf8');
    const delimiter = /<<(ghadelimiter_[0-9a-f-]+)/.exec(coreText)![1];
    const { commands, state } = ours({ GITHUB_OUTPUT: '/out' });
    commands.setOutput('metadata', '{\n  "a": 1\n}');
    expect(state.files.get('/out')).toBe(coreText.split(delimiter).join('ghadelimiter_fixed'));
  });

  it('refuses an output value that contains the delimiter', () => {
    const { commands } = ours({ GITHUB_OUTPUT: '/out' });
    expect(() => commands.setOutput('x', 'a ghadelimiter_fixed b')).toThrow(/delimiter/);
  });

  it('getInput reads INPUT_<NAME> untrimmed', () => {
    const { commands } = ours({ 'INPUT_MIN-CACHE-HIT-RATIO': ' 0.5 ', INPUT_MY_INPUT: 'x' });
    expect(commands.getInput('min-cache-hit-ratio')).toBe(' 0.5 ');
    expect(commands.getInput('my input')).toBe('x');
    expect(commands.getInput('missing')).toBe('');
  });
});

describe('debug and state, as @actions/core writes them', () => {
  it.each(HOSTILE)('debug(%j)', (message) => {
    const expected = captureStdout(() => core.debug(message));
    const { commands, state } = ours();
    commands.debug(message);
    expect(state.written).toBe(expected);
  });

  it('saveState appends to GITHUB_STATE like core; getState reads STATE_<name>', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wc-'));
    const file = path.join(dir, 'state');
    writeFileSync(file, '');
    const saved = process.env.GITHUB_STATE;
    process.env.GITHUB_STATE = file;
    try {
      core.saveState('paused-at', '2026-12-02T01:00:00Z\nline 2');
    } finally {
      process.env.GITHUB_STATE = saved;
    }
    const coreText = readFileSync(file, 'utf8');
    const delimiter = /<<(ghadelimiter_[0-9a-f-]+)/.exec(coreText)![1];
    const { commands, state } = ours({ GITHUB_STATE: '/state', 'STATE_paused-at': 'x' });
    commands.saveState('paused-at', '2026-12-02T01:00:00Z\nline 2');
    expect(state.files.get('/state')).toBe(coreText.split(delimiter).join('ghadelimiter_fixed'));
    expect(commands.getState('paused-at')).toBe('x');
    expect(commands.getState('missing')).toBe('');
  });
});

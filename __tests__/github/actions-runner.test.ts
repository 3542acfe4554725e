import { describe, expect, it } from '@jest/globals';
import { actionsRunner } from '../../src/github/actions-runner.js';
import type { CommandTarget } from '../../src/github/workflow-commands.js';

function runnerWith(env: NodeJS.ProcessEnv) {
  const state = { written: '', files: new Map<string, string>(), exitCode: 0 };
  const target: CommandTarget = {
    env,
    write: (text) => void (state.written += String(text)),
    appendFile: (file, text) => void state.files.set(file, (state.files.get(file) ?? '') + text),
    setExitCode: (code) => void (state.exitCode = code),
  };
  return { runner: actionsRunner(target), state };
}

describe('the runner port on workflow commands', () => {
  it('annotates with title, file and line, as the runner reads them', () => {
    const { runner, state } = runnerWith({});
    runner.annotate({
      level: 'error',
      title: 'Build failed',
      message: 'exit 1',
      file: 'Dockerfile',
      line: 6,
    });
    runner.annotate({ level: 'warning', title: 'Deploy verification: inconclusive', message: 'no data' });
    runner.annotate({ level: 'notice', title: 't', message: 'm' });
    expect(state.written).toBe(
      '::error title=Build failed,file=Dockerfile,line=6::exit 1\n' +
        '::warning title=Deploy verification%3A inconclusive::no data\n' +
        '::notice title=t::m\n',
    );
  });

  it('fails the step with an annotation, or only marks it failed', () => {
    const failed = runnerWith({});
    failed.runner.setFailed('bad input');
    expect([failed.state.written, failed.state.exitCode]).toEqual(['::error::bad input\n', 1]);
    const marked = runnerWith({});
    marked.runner.markFailed();
    expect([marked.state.written, marked.state.exitCode]).toEqual(['', 1]);
  });

  it('appends the summary to GITHUB_STEP_SUMMARY, or says it skipped it', async () => {
    const inRunner = runnerWith({ GITHUB_STEP_SUMMARY: '/summary' });
    await inRunner.runner.appendSummary('## one\n');
    await inRunner.runner.appendSummary('## two\n');
    expect(inRunner.state.files.get('/summary')).toBe('## one\n## two\n');
    const outside = runnerWith({});
    await outside.runner.appendSummary('## one\n');
    expect(outside.state.written).toBe('No GITHUB_STEP_SUMMARY file: job summary skipped.\n');
  });

  it('writes raw output as given and debug lines as commands', () => {
    const { runner, state } = runnerWith({});
    runner.writeRaw(Buffer.from('#5 RUN make\n'));
    runner.debug('query took 12ms');
    expect(state.written).toBe('#5 RUN make\n::debug::query took 12ms\n');
  });
});

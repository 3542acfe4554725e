// The harness's GITHUB_OUTPUT reader on what the runner port really writes, and where its two
// grammars part.
import { describe, expect, it } from '@jest/globals';
import { workflowCommands } from '../../src/github/workflow-commands.js';
import { parseFileCommands } from './github-output.js';

/** What setOutput() appends to GITHUB_OUTPUT for these values, in order. */
function outputFile(values: Array<[string, string]>): string {
  let text = '';
  let n = 0;
  const commands = workflowCommands(
    {
      env: { GITHUB_OUTPUT: '/out' },
      write: () => {},
      appendFile: (_file, more) => void (text += more),
      setExitCode: () => {},
    },
    () => `ghadelimiter_${++n}`,
  );
  for (const [name, value] of values) commands.setOutput(name, value);
  return text;
}

describe('parseFileCommands', () => {
  const values: Array<[string, string]> = [
    ['report', '/tmp/report.json'],
    ['failed-step', '[build 2/3] RUN make\nwith a second line'],
    ['empty', ''],
    ['report', '/tmp/again.json'],
  ];

  it.each([
    ['the default grammar', {}],
    ['the verify grammar', { wordNames: true, openEnd: true }],
  ])('%s reads every value setOutput wrote, the last of a name given twice', (_name, grammar) => {
    expect(parseFileCommands(outputFile(values), grammar)).toEqual({
      report: '/tmp/again.json',
      'failed-step': '[build 2/3] RUN make\nwith a second line',
      empty: '',
    });
  });

  it('parts only on a name beyond words and on a last delimiter without its line break', () => {
    const text = 'a.b<<EOF\n1\nEOF\nlast<<EOF\n2\nEOF';
    expect(parseFileCommands(text)).toEqual({ 'a.b': '1' });
    expect(parseFileCommands(text, { wordNames: true, openEnd: true })).toEqual({ last: '2' });
  });
});

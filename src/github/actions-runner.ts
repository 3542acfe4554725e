// The runner port on a real runner: workflow commands on stdout, file commands
// and the job summary in the files the runner names.
import type { RunnerPort } from './runner-port.js';
import { processTarget, workflowCommands, type CommandTarget } from './workflow-commands.js';

export function actionsRunner(target: CommandTarget = processTarget): RunnerPort {
  const commands = workflowCommands(target);
  return {
    getInput: commands.getInput,
    setOutput: commands.setOutput,
    setSecret: commands.setSecret,
    annotate: ({ level, message, title, file, line }) =>
      commands[level](message, { title, ...(file ? { file } : {}), ...(line ? { startLine: line } : {}) }),
    setFailed: commands.setFailed,
    markFailed: () => target.setExitCode(1),
    info: commands.info,
    warning: (message) => commands.warning(message),
    debug: commands.debug,
    writeRaw: (chunk) => target.write(chunk),
    appendSummary: async (markdown) => {
      const file = target.env.GITHUB_STEP_SUMMARY;
      // Outside a runner (act, a local try) there is no summary file: say so, do not fail.
      if (file) target.appendFile(file, markdown);
      else commands.info('No GITHUB_STEP_SUMMARY file: job summary skipped.');
    },
    saveState: commands.saveState,
    getState: commands.getState,
  };
}

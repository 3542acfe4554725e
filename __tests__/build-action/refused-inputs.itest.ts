// Inputs buildx refuses (issue 17 E.9), on both engines: the failure names the input, from
// buildx's own error line, instead of "buildx exited with code 125 and the log names no error".
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ENGINES, requireEngine, runBundle, workspaceWith } from './bundle-run.js';

describe.each(ENGINES)('inputs buildx refuses on Docker Engine $name', ({ name, host }) => {
  const workspace = workspaceWith({ app: { Dockerfile: 'FROM local/busybox:1\n' } });
  beforeAll(() => requireEngine(name, host));

  it.each([
    ['shm-size', '-1', /^buildx refused the shm-size input: invalid value "-1" for --shm-size: invalid size/],
    [
      'platforms',
      'linux/amd64,bogus///',
      /^buildx refused the platforms input: .*bogus\/\/\/.*Fix the 'platforms' input/,
    ],
  ])('%s: %s', async (input, value, message) => {
    const run = await runBundle(workspace, host, {
      context: 'app',
      network: 'none',
      history: 'false',
      [input]: value,
    });
    const error = run.commands.match(/^::error::(.*)$/m)?.[1] ?? '';
    console.log(`[${name}] ${input}: ${value} -> ${error}`);
    expect(run.code).toBe(1);
    expect(error).toMatch(message);
    expect(run.summary).toContain(`buildx refused the ${input.replace('-', '\\-')} input`);
  });
});

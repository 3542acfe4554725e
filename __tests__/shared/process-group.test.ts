// The real process table (/proc) on this Linux machine: a group started here, read and stopped
// from outside as the post step stops buildx. The post step's decisions on a fake table are in
// build-action/post/post.test.ts.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processStartTime, stopProcessGroup, systemProcesses } from '../../src/shared/process-group.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A process leading a group of its own, as buildx runs; `ignoreInt` makes it ignore Ctrl-C. */
function startGroup(ignoreInt: boolean) {
  const script = `${ignoreInt ? "trap '' INT; " : ''}exec sleep 30`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  return child.pid!;
}

/** Waits until the shell has become `sleep` (its trap, if any, set). */
async function execed(pid: number): Promise<number> {
  for (let i = 0; i < 100 && comm(pid) !== 'sleep\n'; i++) await sleep(50);
  return pid;
}
const comm = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8');
  } catch {
    return null;
  }
};

describe('process groups on /proc', () => {
  it('reads a start time for a live process and none for a pid that does not exist', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(processStartTime(process.pid));
    expect(processStartTime(2 ** 30)).toBeNull();
  });

  it('stops a group with SIGINT and finds none of it left', async () => {
    const pgid = await execed(startGroup(false));
    expect(systemProcesses.groupAlive(pgid)).toBe(true);
    const result = await stopProcessGroup(pgid, processStartTime(pgid), { graceMs: 5000, sleep });
    expect(result).toBe('stopped');
    expect(systemProcesses.groupAlive(pgid)).toBe(false);
  });

  it('kills a group that ignores SIGINT once the grace period is over', async () => {
    const pgid = await execed(startGroup(true));
    expect(await stopProcessGroup(pgid, processStartTime(pgid), { graceMs: 300, sleep })).toBe('killed');
    expect(systemProcesses.groupAlive(pgid)).toBe(false);
  });

  it('leaves a group alone whose leader started at another time, and knows a gone one', async () => {
    const pgid = await execed(startGroup(false));
    expect(await stopProcessGroup(pgid, '1', { graceMs: 300, sleep })).toBe('not-ours');
    expect(systemProcesses.groupAlive(pgid)).toBe(true);
    systemProcesses.signalGroup(pgid, 'SIGKILL');
    for (let i = 0; i < 50 && systemProcesses.groupAlive(pgid); i++) await sleep(50);
    expect(await stopProcessGroup(pgid, null, { graceMs: 300, sleep })).toBe('not-running');
  });
});

// Stopping a process group from a process that did not start it: the build action's post step
// stops the group buildx runs in (the docker CLI and its buildx plugin; see
// build-action/buildx/buildx-process.ts), and joins history's cache worker, which leads a group of
// its own. Here, in src/shared/, because both the post step and history use it, and history
// imports nothing from the rest of the build action. Linux keeps a pid that is a live group's id
// from being reused, so while any member lives the group is ours; the leader's start time (from
// /proc) guards the one remaining case, a leader that died and whose pid a new process got.
// Elsewhere (macOS runners) there is no /proc and the group id alone is trusted.
import { readdirSync, readFileSync } from 'node:fs';

/** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or null. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export interface ProcessTable {
  /** True while any process of the group is alive. */
  groupAlive(pgid: number): boolean;
  signalGroup(pgid: number, signal: NodeJS.Signals): void;
  startTime(pid: number): string | null;
}

/**
 * Live (not zombie) members of a process group, from /proc; null where there is no /proc. A
 * zombie counts as gone: once its parent (the killed action) is dead it waits for PID 1 to
 * reap it, which a container's init may never do, and it holds no resources.
 */
function liveGroupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name: state (3), ppid (4), pgrp (5).
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}

export const systemProcesses: ProcessTable = {
  groupAlive(pgid) {
    const members = liveGroupMembers(pgid);
    if (members !== null) return members.length > 0;
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      // ESRCH: no member left. (EPERM, a group of another user, is not one we started either.)
      return false;
    }
  },
  signalGroup(pgid, signal) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // Gone already.
    }
  },
  startTime: processStartTime,
};

export type StopResult = 'not-running' | 'stopped' | 'killed' | 'not-ours' | 'still-running';

export interface StopOptions {
  /** How long buildx may take to cancel the build after SIGINT before it is killed. */
  graceMs: number;
  sleep: (ms: number) => Promise<void>;
  processes?: ProcessTable;
}

/**
 * Asks the group to stop as Ctrl-C would (SIGINT, so buildx cancels the solve on the daemon),
 * then SIGKILL after the grace period; waits until no member is left.
 */
export async function stopProcessGroup(
  pgid: number,
  recordedStartTime: string | null,
  options: StopOptions,
): Promise<StopResult> {
  const table = options.processes ?? systemProcesses;
  if (!table.groupAlive(pgid)) return 'not-running';
  const leaderStart = table.startTime(pgid);
  if (leaderStart !== null && recordedStartTime !== null && leaderStart !== recordedStartTime)
    return 'not-ours';
  const step = 100;
  table.signalGroup(pgid, 'SIGINT');
  for (let waited = 0; waited < options.graceMs; waited += step) {
    await options.sleep(step);
    if (!table.groupAlive(pgid)) return 'stopped';
  }
  table.signalGroup(pgid, 'SIGKILL');
  for (let waited = 0; waited < 5000; waited += step) {
    await options.sleep(step);
    if (!table.groupAlive(pgid)) return 'killed';
  }
  return 'still-running';
}

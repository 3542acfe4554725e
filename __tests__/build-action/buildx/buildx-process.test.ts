// The real buildx process (spawnBuildx) against small node child processes (no Docker needed).
import { describe, it, expect } from '@jest/globals';
import type { OutputStream } from '../../../src/build-action/ports.js';
import { spawnBuildx, type CancelSource } from '../../../src/build-action/buildx/buildx-process.js';

function manualCancel(): CancelSource & { fire(signal: NodeJS.Signals): void } {
  const handlers = new Set<(s: NodeJS.Signals) => void>();
  return {
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    fire(signal) {
      handlers.forEach((h) => h(signal));
    },
  };
}

function nodeCommand(script: string) {
  return { command: process.execPath, args: ['-e', script], context: '.' };
}

async function collect(script: string, cancel = manualCancel(), graceMs = 2000, onFirstLine?: () => void) {
  const lines: Array<[OutputStream, string]> = [];
  const result = await spawnBuildx({ cancel, graceMs }).run(
    nodeCommand(script),
    process.env,
    (line, stream) => {
      if (lines.length === 0) onFirstLine?.();
      lines.push([stream, line.toString('utf8')]);
    },
  );
  return { lines, result };
}

describe('spawnBuildx', () => {
  it('hands over both streams line by line, bytes unchanged, the last unterminated line too', async () => {
    const { lines, result } = await collect(
      "process.stderr.write('#1 [internal] load\\r\\n#1 DONE'); setTimeout(() => { process.stderr.write(' 0.1s\\n'); process.stdout.write('out \\u001b[31mred\\u001b[0m\\nlast'); }, 20)",
    );
    expect(result).toEqual({ exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null });
    expect(lines).toEqual([
      ['stderr', '#1 [internal] load\r\n'],
      ['stderr', '#1 DONE 0.1s\n'],
      ['stdout', 'out \u001b[31mred\u001b[0m\n'],
      ['stdout', 'last'],
    ]);
  });

  it('reports the exit code of a failed build', async () => {
    const { result } = await collect("console.error('ERROR: failed to solve'); process.exit(1)");
    expect(result.exitCode).toBe(1);
    expect(result.cancelled).toBe(false);
  });

  it('reports a missing executable as ENOENT', async () => {
    const result = await spawnBuildx({ cancel: manualCancel() }).run(
      { command: 'docker-definitely-missing-here', args: [], context: '.' },
      process.env,
      () => {},
    );
    expect(result.spawnErrorCode).toBe('ENOENT');
    expect(result.exitCode).not.toBe(0);
  });

  it('forwards a cancel signal and waits for the process to stop cleanly', async () => {
    const cancel = manualCancel();
    const script =
      "process.on('SIGTERM', () => { console.log('cancelling'); setTimeout(() => process.exit(130), 50); }); console.log('running'); setInterval(() => {}, 1000)";
    const { lines, result } = await collect(script, cancel, 5000, () =>
      setTimeout(() => cancel.fire('SIGTERM'), 50),
    );
    expect(result.cancelled).toBe(true);
    expect(result.exitCode).toBe(130);
    expect(lines.map(([, l]) => l.trim())).toEqual(['running', 'cancelling']);
  });

  it('kills the process after the grace period when it ignores the signal', async () => {
    const cancel = manualCancel();
    const script =
      "process.on('SIGINT', () => console.log('ignored')); console.log('running'); setInterval(() => {}, 1000)";
    const started = Date.now();
    const { result } = await collect(script, cancel, 300, () => setTimeout(() => cancel.fire('SIGINT'), 50));
    expect(result).toMatchObject({ cancelled: true, signal: 'SIGKILL', exitCode: null });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

// max-context-size measures the build context, not what BuildKit sent (issue 17 A.2): a builder
// that has the context already (self-hosted runners, two builds in one job) is sent a few bytes
// of it. Two builds of the same 3 MB context on each engine: the second must still fail a 1 MB
// limit, and the report keeps what was transferred as a figure of its own.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ENGINES, requireEngine, runBundle, workspaceWith } from './bundle-run.js';

const DOCKERFILE = `FROM local/busybox:1\nCOPY big.bin /big.bin\n`;

describe.each(ENGINES)('max-context-size on Docker Engine $name', ({ name, host }) => {
  const workspace = workspaceWith({ app: { Dockerfile: DOCKERFILE, 'big.bin': randomBytes(3_000_000) } });
  beforeAll(() => requireEngine(name, host));
  const inputs = { context: 'app', network: 'none', history: 'false', 'max-context-size': '1MB' };

  it('the second build of an unchanged 3 MB context still fails a 1 MB limit', async () => {
    const first = await runBundle(workspace, host, inputs);
    const second = await runBundle(workspace, host, inputs);
    const gate = (run: typeof first) =>
      run.annotations.find((a) => a.properties.title === 'Gate max-context-size failed')?.message ?? null;
    console.log(
      `[${name}] transferred ${first.report!.totals.contextBytes} B then ${second.report!.totals.contextBytes} B; gates: "${gate(first)}" / "${gate(second)}"`,
    );
    expect(first.code).toBe(1);
    expect(second.code).toBe(1);
    expect(gate(second)).toMatch(/^build context 3\.00 MB \(the context directory\) > maximum 1\.00 MB/);
    expect(second.report!.context).toMatchObject({
      bytes: 3_000_000 + DOCKERFILE.length,
      files: 2,
      measured: 'context-directory',
    });
    expect(second.report!.context.transferredBytes).toBeLessThan(1000);
    expect(second.summary).toContain('3\\.00 MB \\(the context directory\\), 31 B sent');
  });
});

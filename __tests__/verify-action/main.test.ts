import { describe, expect, it } from '@jest/globals';
import { runAction, type ActionDeps } from '../../src/verify-action/main.js';
import { FakeRunner } from '../support/fake-runner.js';
import { DEPLOYED } from './helpers.js';
import { BURST, depsFor, RULES } from './run-fixtures.js';
import type { FakeCounts } from './helpers.js';

function actionWith(inputs: Record<string, string>, counts: FakeCounts = BURST) {
  const all: Record<string, string> = {
    'elasticsearch-url': 'http://es:9200',
    'deployed-at': String(DEPLOYED),
    duration: '0',
    ...inputs,
  };
  const { log, ...verifyDeps } = depsFor(counts);
  const runner = new FakeRunner(all, { forward: log });
  // What the action did: the runner's record (secrets, outputs, summary, annotations, failed,
  // markedFailed) and the files it wrote.
  const calls = Object.assign(runner, { files: {} as Record<string, string> });
  const deps: ActionDeps = {
    ...verifyDeps,
    runner,
    writeFile: async (path, text) => {
      calls.files[path] = text;
    },
    env: {},
    defaultReportPath: '/runner/temp/verify.json',
  };
  return { deps, calls };
}

describe('the verify action', () => {
  it('sets the outputs, the summary, the report file and fails with an annotation', async () => {
    const { deps, calls } = actionWith({ rules: RULES, 'api-key': 'c2VjcmV0OmtleQ==' });
    await runAction(deps);
    expect(calls.secrets).toEqual(['c2VjcmV0OmtleQ==', 'c2VjcmV0OmtleQ==']);
    expect(calls.outputs).toEqual({
      decision: 'rollback',
      'error-count': '412',
      'error-rate': '43.368',
      'baseline-rate': '0.5',
      'breached-rules': 'timeouts',
      'new-error-count': '2',
      'rollback-triggered': 'false',
      paused: 'false',
      'alerts-sent': '0',
      report: '/runner/temp/verify.json',
    });
    expect(JSON.parse(calls.files['/runner/temp/verify.json']!)).toMatchObject({
      decision: 'rollback',
      errorCount: 412,
    });
    expect(calls.summary).toContain('Deploy verification: rollback');
    expect(calls.annotations).toEqual([
      {
        level: 'error',
        title: 'Deploy verification: rollback',
        message: expect.stringContaining("rule 'timeouts' matched 57 times"),
      },
    ]);
    // One error annotation, titled with the decision; the step fails without a second one.
    expect(calls.failed).toEqual([]);
    expect(calls.markedFailed).toBe(1);
    for (const text of [
      calls.summary,
      ...Object.values(calls.files),
      ...calls.failed,
      JSON.stringify(calls.annotations),
    ]) {
      expect(text).not.toContain('c2VjcmV0OmtleQ==');
    }
  });

  it('passes quietly', async () => {
    const { deps, calls } = actionWith({}, { total: 900, errors: 1, baselineTotal: 2700, baselineErrors: 3 });
    const report = await runAction(deps);
    expect(report?.decision).toBe('pass');
    expect(calls.failed).toEqual([]);
    expect(calls.markedFailed).toBe(0);
    expect(calls.annotations).toEqual([]);
    expect(calls.outputs.decision).toBe('pass');
  });

  it('warns without failing on a dry run', async () => {
    const { deps, calls } = actionWith({ rules: RULES, 'dry-run': 'true', 'report-path': '/tmp/r.json' });
    await runAction(deps);
    expect(calls.failed).toEqual([]);
    expect(calls.annotations[0]).toMatchObject({
      level: 'warning',
      title: 'Deploy verification: rollback (dry run)',
    });
    expect(calls.outputs.report).toBe('/tmp/r.json');
  });

  it('fails the step on a bad input, naming it, with secrets masked first', async () => {
    const { deps, calls } = actionWith({ 'github-token': 'ghs_abc', interval: 'often' });
    expect(await runAction(deps)).toBeNull();
    expect(calls.secrets).toEqual(['ghs_abc']);
    expect(calls.failed).toEqual([
      "buildx-gate verify: interval: expected a duration like 30s, 5m, 1h or 1h30m, got 'often'",
    ]);
    expect(calls.outputs).toEqual({});
  });
});

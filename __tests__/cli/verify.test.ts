import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { envName, parseVerifyArgs, runVerify } from '../../src/cli/verify.js';
import type { CliIO } from '../../src/cli/io.js';
import { DEPLOYED } from '../verify-action/helpers.js';
import { BURST, depsFor, RULES } from '../verify-action/run-fixtures.js';
import type { FakeCounts } from '../verify-action/helpers.js';

function io(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const cli: CliIO = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    stdin: new PassThrough(),
    env,
    cwd: '/',
  };
  return { cli, out };
}

const base = ['--elasticsearch-url', 'http://es:9200', '--deployed-at', String(DEPLOYED), '--duration', '0'];

async function cli(args: string[], counts: FakeCounts = BURST, env: Record<string, string> = {}) {
  const { cli: c, out } = io(env);
  const code = await runVerify(args, c, depsFor(counts));
  return { code, ...out };
}

describe('buildx-gate verify', () => {
  it('prints one JSON report with --json and exits 1 when the gate fails', async () => {
    const { code, stdout } = await cli([...base, '--rules', RULES, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      decision: 'rollback',
      errorCount: 412,
      errorRate: 43.368,
      baselineRate: 0.5,
      breachedRules: ['timeouts'],
      newErrorCount: 2,
      rollback: { triggered: false, succeeded: null },
    });
    expect(report.newErrors).toHaveLength(2);
    expect(report.checks).toHaveLength(1);
  });

  it('exits 0 on a pass and prints a text summary', async () => {
    const { code, stdout } = await cli(base, {
      total: 900,
      errors: 1,
      baselineTotal: 2700,
      baselineErrors: 3,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^decision: pass \(gate passed\)/);
  });

  it('exits 0 in a dry run whatever the decision', async () => {
    const { code, stdout } = await cli([...base, '--rules', RULES, '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^decision: rollback \(dry run, not enforced\)/);
  });

  it.each([
    [['--nope', 'x'], /--nope: unknown option/],
    [['--interval'], /--interval: expected a value/],
    [['stray'], /'stray': unexpected argument/],
    [['--index', 'a', '--index', 'b'], /--index: given twice/],
    [
      ['--elasticsearch-url', 'http://es', '--max-errors', 'many'],
      /max-errors: expected a whole number >= 0, got 'many'/,
    ],
    [[], /elasticsearch-url: required/],
  ])('exits 2 on %j', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('reads options from BUILDX_GATE_* variables, flags first', async () => {
    expect(envName('api-key')).toBe('BUILDX_GATE_API_KEY');
    const { code, stdout } = await cli(
      ['--json', '--duration', '0', '--deployed-at', String(DEPLOYED)],
      BURST,
      {
        BUILDX_GATE_ELASTICSEARCH_URL: 'http://es:9200',
        BUILDX_GATE_RULES: RULES,
        BUILDX_GATE_DURATION: '5m',
      },
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).checks).toHaveLength(1);
  });

  it('has --help: every option with the description verify/action.yml gives the input', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('exit status: 0 pass, 1 the gate failed');
    const action = parse(readFileSync('verify/action.yml', 'utf8')) as {
      inputs: Record<string, { description: string }>;
    };
    // Entries start at '  --name'; their wrapped lines are indented further.
    const entries = stdout
      .slice(stdout.indexOf('options ('), stdout.indexOf('exit status'))
      .split(/\n(?= {2}-)/)
      .slice(1)
      .map((e) => e.replace(/\s+/g, ' ').trim());
    const names = Object.keys(action.inputs);
    expect(entries.map((e) => e.split(' ')[0])).toEqual([...names.map((n) => `--${n}`), '--json', '-h,']);
    for (const [i, name] of names.entries())
      expect(entries[i]).toBe(`--${name} ${action.inputs[name]!.description.replace(/\s+/g, ' ').trim()}`);
    expect(entries.find((e) => e.startsWith('--max-increase'))).toContain('Default: 2');
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('parses --name=value and boolean flags', () => {
    expect([
      ...parseVerifyArgs(['--index=logs-app-*', '--dry-run', '--json', '--normalize-by-volume', 'false'])
        .inputs,
    ]).toEqual([
      ['index', 'logs-app-*'],
      ['dry-run', 'true'],
      ['normalize-by-volume', 'false'],
    ]);
  });
});

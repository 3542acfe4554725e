// The example workflows are documentation people copy: each must parse, use only
// inputs the actions declare, and pass step outputs to scripts through `env:`,
// never `${{ }}` inside `run:` (an expression there is pasted into the script
// before it runs: a branch name or log line in it becomes shell code).
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const inputsOf = (file: string) =>
  Object.keys((parse(readFileSync(path.join(ROOT, file), 'utf8')) as { inputs: object }).inputs);
const ACTION_INPUTS: Record<string, string[]> = {
  build: inputsOf('action.yml'),
  verify: inputsOf('verify/action.yml'),
};

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs?: Record<string, { steps?: Step[] }>;
}

const EXAMPLES = readdirSync(path.join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
  .map((f) => path.join('examples', f))
  .filter((f) => /\.ya?ml$/.test(f));
const WORKFLOWS = [...EXAMPLES, '__tests__/act/workflow.yml'].filter((file) =>
  parseAllDocuments(readFileSync(path.join(ROOT, file), 'utf8')).some(
    (d) => (d.toJS() as Workflow | null)?.jobs && Object.values((d.toJS() as Workflow).jobs!)[0]?.steps,
  ),
);

/** Which of our actions a `uses:` names: `./`, `owner/buildx-gate@ref`, `./verify`, `owner/buildx-gate/verify@ref`. */
function ourAction(uses: string | undefined): 'build' | 'verify' | null {
  if (!uses) return null;
  if (uses === './' || /^[^/]+\/buildx-gate@/.test(uses)) return 'build';
  if (uses === './verify' || /^[^/]+\/buildx-gate\/verify@/.test(uses)) return 'verify';
  return null;
}

describe('example workflows', () => {
  it('include the loop, and every YAML file parses', () => {
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining(['examples/build-deploy-verify.yml', '__tests__/act/workflow.yml']),
    );
    for (const file of EXAMPLES)
      for (const doc of parseAllDocuments(readFileSync(path.join(ROOT, file), 'utf8')))
        expect(doc.errors.map((e) => `${file}: ${e.message}`)).toEqual([]);
  });

  it.each(WORKFLOWS)('%s: no ${{ }} inside run:, only declared inputs of our actions', (file) => {
    const workflow = parse(readFileSync(path.join(ROOT, file), 'utf8')) as Workflow;
    let ours = 0;
    for (const [job, { steps = [] }] of Object.entries(workflow.jobs ?? {})) {
      for (const [i, step] of steps.entries()) {
        if (step.run !== undefined)
          expect({ job, step: i, run: step.run.includes('${{') }).toEqual({ job, step: i, run: false });
        const action = ourAction(step.uses);
        if (action) {
          ours++;
          const unknown = Object.keys(step.with ?? {}).filter((k) => !ACTION_INPUTS[action]!.includes(k));
          expect({ job, step: i, unknown }).toEqual({ job, step: i, unknown: [] });
        }
      }
    }
    expect(ours).toBeGreaterThan(0);
  });

  it('the GitLab CI example runs the CLI with its real options', () => {
    const text = readFileSync(path.join(ROOT, 'examples/gitlab-ci.yml'), 'utf8');
    expect(text).not.toContain('${{');
    const flags = [...text.matchAll(/--([a-z][a-z-]+)/g)].map((m) => m[1]!);
    const verifyFlags = text.slice(text.indexOf('buildx-gate verify')).match(/--([a-z][a-z-]+)/g)!;
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of verifyFlags) expect(ACTION_INPUTS.verify).toContain(flag.slice(2));
  });

  it('the shell example is valid bash and passes only real options', () => {
    execFileSync('bash', ['-n', path.join(ROOT, 'examples/verify-deploy.sh')]);
    const text = readFileSync(path.join(ROOT, 'examples/verify-deploy.sh'), 'utf8');
    const args = text.slice(text.indexOf('args=('), text.indexOf('status=0'));
    for (const [, flag] of args.matchAll(/ --([a-z][a-z-]+)/g)) expect(ACTION_INPUTS.verify).toContain(flag);
  });
});

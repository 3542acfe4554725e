// The inputs' defaults of an action.yml, as the runner passes them to the action (INPUT_<NAME>):
// the tests that run a bundle as a process start from these. It replaces the copies in
// action.itest.ts, cancel.itest.ts, history.itest.ts and hardening/build-secrets.htest.ts.
//
// A default that is an expression (`${{ github.token }}`) is left out: only the runner evaluates
// it. The copies differed on the inputs without a default, and both ways are kept: by default
// they are left out (the integration tests), `{ blanks: true }` gives them as '' as the runner
// does (build-secrets.htest.ts, which passes every declared input and nothing else).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** input name -> default of the action.yml at `file` (relative to the repository root). */
export function actionDefaults(
  file: 'action.yml' | 'verify/action.yml' = 'action.yml',
  options: { blanks?: boolean } = {},
): Record<string, string> {
  const action = parseYaml(readFileSync(path.join(ROOT, file), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  const defaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (spec.default !== undefined && !String(spec.default).includes('${{'))
      defaults[name] = String(spec.default);
    else if (options.blanks) defaults[name] = '';
  }
  return defaults;
}

// The secrets audit of the build action: the bundle the runner runs (dist/build/index.js) on
// both real engines, with a RUN step that reads its build secret and prints it plain, base64,
// hex and split over two lines, then fails (so the error, its annotation and the log tail carry
// the step's output too). Every artefact is searched for each secret in every form: the job
// log after the runner's masking (the ::add-mask:: values the action registered, applied as
// the runner applies them; a secret split over two lines cannot be masked there, see README),
// the summary, the outputs, the report file, the annotations and the error messages.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionDefaults } from '../support/action-defaults.js';
import { parseFileCommands } from '../support/github-output.js';
import { auditSecrets } from './secret-audit.js';
import { tally } from './tally.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist/build/index.js');
const BUILD_SECRET = 'BxgBuildSecretValue0123456789';
const ENV_SECRET = 'BxgEnvSecretValue9876543210zz';
const TOKEN = 'ghs_BxgHardeningBuildToken0123456789';

const DOCKERFILE = `FROM local/busybox-full:1
RUN --mount=type=secret,id=token --mount=type=secret,id=envtok \\
    for f in token envtok; do S=$(cat /run/secrets/$f); \\
      echo "plain $S"; printf %s "$S" | base64; printf %s "$S" | od -An -tx1 | tr -d ' \\n'; echo; \\
      echo "\${S:0:10}"; echo "\${S:10}"; done; exit 4
`;

const ENGINES = [
  { name: '20.10', host: 'unix:///var/run/docker.sock' },
  { name: '26.1', host: 'unix:///var/run/docker26.sock' },
];

const decode = (v: string) => v.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** The job log as the runner shows it: every value registered with ::add-mask:: replaced by ***. */
function masked(stdout: string): string {
  const masks = [...stdout.matchAll(/^::add-mask::(.*)$/gm)]
    .map((m) => decode(m[1]!))
    .filter((m) => m !== '');
  masks.sort((a, b) => b.length - a.length);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .map((line) => masks.reduce((out, mask) => out.split(mask).join('***'), line))
    .join('\n');
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run 'npm run build' first`);
});

const artefacts: Record<string, string> = {};
const jobLogs: Record<string, string> = {};

describe.each(ENGINES)('build secrets on Docker Engine $name', ({ name, host }) => {
  it('a RUN step prints its secrets plain, encoded and split; the build fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-i12-secrets-'));
    const context = path.join(dir, 'ctx');
    for (const file of ['output', 'summary']) writeFileSync(path.join(dir, file), '');
    await import('node:fs').then((fs) => fs.mkdirSync(context));
    writeFileSync(path.join(context, 'Dockerfile'), DOCKERFILE);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOCKER_HOST: host,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
      RUNNER_TEMP: dir,
      BXG_ENV_SECRET: ENV_SECRET,
    };
    const inputs: Record<string, string> = {
      context: 'ctx',
      network: 'none',
      'no-cache': 'true',
      secrets: `token=${BUILD_SECRET}`,
      'secret-envs': 'envtok=BXG_ENV_SECRET',
      'github-token': TOKEN,
    };
    // Every declared input, '' where it has no default, as the runner passes them.
    for (const [input, fallback] of Object.entries(actionDefaults('action.yml', { blanks: true })))
      env[`INPUT_${input.toUpperCase()}`] = inputs[input] ?? fallback;
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    // The step did print them: the audit below is about what reaches the artefacts.
    expect(stdout).toContain(`plain ${BUILD_SECRET}`);
    expect(stdout).toContain(Buffer.from(ENV_SECRET).toString('hex'));
    const outputs = parseFileCommands(readFileSync(path.join(dir, 'output'), 'utf8'));
    expect(outputs['error-category']).toBe('command-failed');
    jobLogs[`${name}: job log`] = masked(stdout);
    artefacts[`${name}: summary`] = readFileSync(path.join(dir, 'summary'), 'utf8');
    artefacts[`${name}: outputs`] = JSON.stringify(outputs);
    artefacts[`${name}: report`] = readFileSync(outputs.report!, 'utf8');
    artefacts[`${name}: annotations and errors`] = stdout
      .split('\n')
      .filter((line) => /^::(error|warning|notice)/.test(line))
      .map(decode)
      .join('\n');
    expect(artefacts[`${name}: summary`]).toMatch(/Docker build failed/);
  });
});

describe('secrets audit of the build scenarios', () => {
  it('no artefact holds a secret in any form; the job log none that masking can hide', () => {
    const secrets = [BUILD_SECRET, ENV_SECRET, TOKEN];
    expect(Object.keys(artefacts)).toHaveLength(8);
    expect(auditSecrets(artefacts, secrets)).toEqual([]);
    expect(auditSecrets(jobLogs, secrets, { split: false })).toEqual([]);
    tally('fault scenarios', 2);
  });
});

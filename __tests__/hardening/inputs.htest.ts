// Every input of both actions (read from their action.yml, so a new input cannot be missed) and
// every CLI flag (from the CLI's own flag list) gets a table of wrong values. A value wrong for
// the input's type must fail with an error that names the input, before any build or query
// starts; the others (a tag may well be 'NaN') must not crash anything. The types are declared
// here for every input, and an input without one fails the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { runAction as runBuildAction } from '../../src/build-action/main.js';
import type { ActionFS, Buildx } from '../../src/build-action/ports.js';
import { fakeRunner } from '../support/fake-runner.js';
import { MemoryFS } from '../support/memory-fs.js';
import { ANALYZE_USAGE, parseAnalyzeArgs } from '../../src/cli/analyze.js';
import { runVerify } from '../../src/cli/verify.js';
import { INPUT_NAMES } from '../../src/verify-action/config/input-names.js';
import { runAction } from '../../src/verify-action/main.js';
import { DEPLOYED } from '../verify-action/helpers.js';
import { BURST, depsFor } from '../verify-action/run-fixtures.js';
import { tally } from './tally.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const inputsOf = (file: string) =>
  Object.keys((parseYaml(readFileSync(path.join(ROOT, file), 'utf8')) as { inputs: object }).inputs);

const WRONG = {
  empty: '',
  spaces: '   ',
  negative: '-1',
  nan: 'NaN',
  overflow: '1e309',
  unicode: 'ünï\u202ecode',
  enum: 'sometimes',
  yaml: '{a: [1, 2',
} as const;
type Wrong = keyof typeof WRONG;
const ALL: Wrong[] = Object.keys(WRONG) as Wrong[];
const NOT_BLANK: Wrong[] = ALL.filter((w) => w !== 'empty' && w !== 'spaces');

/** Per type: the wrong values that must be refused. ('' is "not given" for an action input.) */
const TYPES = {
  /** Free text passed on (a tag, a service name): only a blank list is refused. */
  text: [] as Wrong[],
  list: ['spaces'] as Wrong[],
  keyValueList: ['spaces', ...NOT_BLANK] as Wrong[],
  boolean: NOT_BLANK,
  number: NOT_BLANK,
  whole: NOT_BLANK,
  duration: NOT_BLANK,
  size: NOT_BLANK,
  ratio: NOT_BLANK,
  enum: NOT_BLANK,
  url: NOT_BLANK,
  yamlObject: NOT_BLANK,
  yamlList: ['spaces', ...NOT_BLANK] as Wrong[],
  deployTime: NOT_BLANK,
  pem: NOT_BLANK,
  fingerprint: NOT_BLANK,
  cloudId: NOT_BLANK,
  repository: NOT_BLANK,
  fieldName: ['yaml'] as Wrong[],
  indexPattern: ['spaces', 'yaml'] as Wrong[],
  /** `Name: value` lines. */
  headers: NOT_BLANK,
  /** A duration that becomes a timer: also refused past a timer's limit (TIMER_OVERFLOW). */
  timer: NOT_BLANK,
} satisfies Record<string, Wrong[]>;
type InputType = keyof typeof TYPES;

const BUILD_TYPES: Record<string, InputType> = {
  'add-hosts': 'list',
  allow: 'list',
  annotations: 'list',
  attests: 'list',
  'build-args': 'list',
  'build-contexts': 'list',
  builder: 'text',
  'cache-from': 'list',
  'cache-to': 'list',
  call: 'text',
  'cgroup-parent': 'text',
  context: 'text',
  file: 'text',
  labels: 'list',
  load: 'boolean',
  network: 'text',
  'no-cache': 'boolean',
  'no-cache-filters': 'list',
  outputs: 'list',
  platforms: 'list',
  provenance: 'text',
  pull: 'boolean',
  push: 'boolean',
  sbom: 'text',
  secrets: 'keyValueList',
  'secret-envs': 'keyValueList',
  'secret-files': 'keyValueList',
  'shm-size': 'text',
  ssh: 'list',
  tags: 'list',
  target: 'text',
  ulimit: 'list',
  'github-token': 'text',
  summary: 'boolean',
  'pr-annotations': 'boolean',
  'min-cache-hit-ratio': 'ratio',
  'max-duration': 'duration',
  'max-context-size': 'size',
  'fail-on-warnings': 'boolean',
  history: 'boolean',
  'max-duration-increase': 'duration',
  'max-cache-ratio-drop': 'number',
  'max-context-growth': 'size',
  'max-cache-export': 'duration',
};

const VERIFY_TYPES: Record<string, InputType> = {
  'elasticsearch-url': 'url',
  'cloud-id': 'cloudId',
  'api-key': 'text',
  username: 'text',
  password: 'text',
  'bearer-token': 'text',
  'ca-cert': 'pem',
  'ca-fingerprint': 'fingerprint',
  'request-timeout': 'timer',
  retries: 'whole',
  index: 'indexPattern',
  'timestamp-field': 'fieldName',
  'level-field': 'fieldName',
  'message-field': 'fieldName',
  'service-field': 'fieldName',
  'environment-field': 'fieldName',
  'version-field': 'fieldName',
  levels: 'list',
  service: 'text',
  environment: 'text',
  version: 'text',
  query: 'yamlObject',
  'deployed-at': 'deployTime',
  'ingest-delay': 'duration',
  interval: 'timer',
  duration: 'duration',
  'max-errors': 'whole',
  'max-error-rate': 'number',
  'baseline-window': 'duration',
  'max-increase': 'number',
  confidence: 'ratio',
  'min-errors': 'whole',
  'normalize-by-volume': 'boolean',
  'max-new-errors': 'whole',
  'new-error-lookback': 'duration',
  'breach-action': 'enum',
  rules: 'yamlList',
  'failure-limit': 'whole',
  'on-no-data': 'enum',
  'on-error': 'enum',
  'on-inconclusive': 'enum',
  'dry-run': 'boolean',
  'rollback-command': 'text',
  'rollback-timeout': 'timer',
  'rollback-workflow': 'text',
  'rollback-workflow-ref': 'text',
  'rollback-workflow-inputs': 'yamlObject',
  'rollback-event': 'text',
  'rollback-event-payload': 'yamlObject',
  'deployment-id': 'whole',
  'deployment-state': 'enum',
  'github-token': 'text',
  repository: 'repository',
  'kibana-url': 'url',
  'kibana-data-view': 'text',
  'report-path': 'text',
  'breach-notify': 'enum',
  'pause-command': 'text',
  'pause-timeout': 'timer',
  'alertmanager-url': 'url',
  'alertmanager-headers': 'headers',
  'webhook-url': 'url',
  'webhook-headers': 'headers',
  'alert-labels': 'yamlObject',
  'alert-resolve-after': 'duration',
};

/** Inputs that only mean something with another one: given with it, so their own check runs. */
const COMPANIONS: Record<string, Record<string, string>> = {
  'deployment-state': { 'deployment-id': '12', 'github-token': 'tok', repository: 'acme/app' },
  'rollback-workflow-inputs': {
    'rollback-workflow': 'rollback.yml',
    'github-token': 'tok',
    repository: 'acme/app',
  },
  'rollback-event-payload': { 'rollback-event': 'rollback', 'github-token': 'tok', repository: 'acme/app' },
  repository: { 'rollback-event': 'rollback', 'github-token': 'tok' },
  'cloud-id': { 'elasticsearch-url': '' },
  'rollback-timeout': { 'rollback-command': 'true' },
  'pause-timeout': { 'pause-command': 'true' },
  'alertmanager-headers': { 'alertmanager-url': 'http://127.0.0.1:9093' },
  'webhook-headers': { 'webhook-url': 'http://127.0.0.1:9/hook' },
  'breach-notify': { 'alertmanager-url': 'http://127.0.0.1:9093' },
};

const BASE_VERIFY = {
  'elasticsearch-url': 'http://127.0.0.1:9200',
  'deployed-at': String(DEPLOYED),
  duration: '0',
};

let tried = 0;
let refused = 0;

/** Expects a refusal naming `name` when `mustRefuse`, else no crash; returns whether it refused. */
function judge(name: string, wrong: Wrong, mustRefuse: boolean, error: string | null, started: boolean) {
  tried++;
  if (mustRefuse) {
    refused++;
    expect({ wrong, error }).toEqual({ wrong, error: expect.stringContaining(name) });
    expect({ wrong, started }).toEqual({ wrong, started: false });
  } else if (error !== null) {
    // Refusing more than the table demands is fine, as long as the message names an input.
    expect(error).toMatch(/[a-z-]+/);
  }
}

describe('every build action input, with wrong values', () => {
  const names = inputsOf('action.yml');
  it('every input has a declared type', () => {
    expect(names.filter((n) => !(n in BUILD_TYPES))).toEqual([]);
    tally('inputs covered', names.length);
  });

  it.each(names.flatMap((name) => ALL.map((wrong) => [name, wrong] as const)))(
    '%s = %s',
    async (name, wrong) => {
      let started = false;
      const { runner: io, recorded } = fakeRunner({ [name]: WRONG[wrong] });
      const fs = new MemoryFS({}, { tempDir: '/tmp/bxg-hardening' });
      const buildx: Buildx = {
        run: async () => {
          started = true;
          return { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null };
        },
      };
      await runBuildAction({ io, fs, buildx, env: {}, cwd: '/w', now: () => 0, randomToken: () => 't' });
      const type = BUILD_TYPES[name]!;
      judge(name, wrong, TYPES[type].includes(wrong), recorded.failed[0] ?? null, started);
    },
  );
});

/** Build inputs: values too large to be what they ask for, and a secret-envs variable that is not set. */
const N400 = '9'.repeat(400);
const BUILD_HUGE: Array<[string, string]> = [
  ['max-context-size', `${N400}B`],
  ['max-context-size', `1${'0'.repeat(399)}B`],
  ['max-duration', `${N400}h`],
  ['min-cache-hit-ratio', `${N400}%`],
  ['max-duration-increase', `+${N400}s`],
  ['max-duration-increase', `+1${'0'.repeat(23)}%`],
  ['max-cache-ratio-drop', N400],
  ['max-context-growth', `+${N400}B`],
  ['max-context-growth', `+1${'0'.repeat(23)}%`],
  ['max-cache-export', `${N400}m`],
  ['max-cache-export', `+${N400}%`],
  ['secret-envs', 'KEY=BXG_HARDENING_UNSET_VARIABLE'],
];

describe('build action inputs past their bounds', () => {
  it.each(BUILD_HUGE.map(([name, value], i) => [name, i, value] as const))(
    '%s #%d',
    async (name, _i, value) => {
      let started = false;
      const { runner: io, recorded } = fakeRunner({ [name]: value });
      const fs: ActionFS = {
        readText: async () => null,
        exists: async () => false,
        writeText: async () => {},
        makeTempDir: async () => '/tmp/bxg-hardening',
        remove: async () => {},
      };
      const buildx: Buildx = {
        run: async () => {
          started = true;
          return { exitCode: 0, signal: null, cancelled: false, spawnErrorCode: null };
        },
      };
      await runBuildAction({ io, fs, buildx, env: {}, cwd: '/w', now: () => 0, randomToken: () => 't' });
      tried++;
      refused++;
      expect(recorded.failed[0]).toMatch(new RegExp(`^Input '${name}': `));
      if (name === 'secret-envs') expect(recorded.failed[0]).toContain('BXG_HARDENING_UNSET_VARIABLE');
      expect(started).toBe(false);
    },
  );
});

describe('every verify action input, with wrong values', () => {
  const names = inputsOf('verify/action.yml');
  it('every input has a declared type, and the action and the code list the same inputs', () => {
    expect(names.filter((n) => !(n in VERIFY_TYPES))).toEqual([]);
    expect([...names].sort()).toEqual([...INPUT_NAMES].sort());
    tally('inputs covered', names.length);
  });

  it.each(names.flatMap((name) => ALL.map((wrong) => [name, wrong] as const)))(
    '%s = %s',
    async (name, wrong) => {
      let queried = false;
      const values: Record<string, string> = { ...BASE_VERIFY, ...COMPANIONS[name], [name]: WRONG[wrong] };
      const fake = depsFor(BURST);
      const { log: _log, ...verifyDeps } = fake;
      const { runner, recorded } = fakeRunner(values);
      await runAction({
        ...verifyDeps,
        connect: async (connection, secrets) => {
          queried = true;
          return fake.connect(connection, secrets);
        },
        runner,
        writeFile: async () => {},
        env: { GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: 'acme/app' },
        defaultReportPath: '/tmp/bxg-hardening-report.json',
      });
      const failed = recorded.failed[0] ?? null;
      const type = VERIFY_TYPES[name]!;
      // An action input left empty is not given: only a required one is refused.
      const mustRefuse = TYPES[type].includes(wrong) || (wrong === 'empty' && name === 'elasticsearch-url');
      judge(name, wrong, mustRefuse, failed, queried);
    },
  );
});

// Node fires a timer longer than 2^31-1 ms after 1 ms: such a timeout must be refused, not run.
const TIMER_OVERFLOW = '600h';

describe('every verify timer input, past what a timer holds', () => {
  const timers = Object.keys(VERIFY_TYPES).filter((n) => VERIFY_TYPES[n] === 'timer');
  it.each(timers)('%s = 600h', async (name) => {
    let queried = false;
    const values: Record<string, string> = { ...BASE_VERIFY, [name]: TIMER_OVERFLOW };
    const fake = depsFor(BURST);
    const { log: _log, ...verifyDeps } = fake;
    const { runner, recorded } = fakeRunner(values);
    await runAction({
      ...verifyDeps,
      connect: async (connection, secrets) => {
        queried = true;
        return fake.connect(connection, secrets);
      },
      runner,
      writeFile: async () => {},
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: 'acme/app' },
      defaultReportPath: '/tmp/bxg-hardening-report.json',
    });
    judge(name, 'overflow', true, recorded.failed[0] ?? null, queried);
    expect(recorded.failed[0]).toMatch(/longest timer \(596h31m23s\)/);
  });
});

describe('every CLI flag, with wrong values', () => {
  // --report-path takes the wrong values as file names: keep them out of the checkout.
  const cwd = process.cwd();
  beforeAll(() => process.chdir(mkdtempSync(path.join(tmpdir(), 'bxg-hardening-cli-'))));
  afterAll(() => process.chdir(cwd));

  it('every verify flag is a verify input', () => {
    expect(INPUT_NAMES.filter((n) => !(n in VERIFY_TYPES))).toEqual([]);
    tally('inputs covered', INPUT_NAMES.length + ANALYZE_USAGE.match(/^ {2}(-\S+|FILE)/gm)!.length);
  });

  it.each(INPUT_NAMES.flatMap((name) => ALL.map((wrong) => [name, wrong] as const)))(
    'verify --%s %s',
    async (name, wrong) => {
      let queried = false;
      let stderr = '';
      const values: Record<string, string> = { ...BASE_VERIFY, ...COMPANIONS[name], [name]: WRONG[wrong] };
      const args = Object.entries(values)
        .filter(([n, v]) => v !== '' || n === name)
        .flatMap(([n, v]) => [`--${n}`, v]);
      const fake = depsFor(BURST);
      const code = await runVerify(
        args,
        {
          stdout: () => {},
          stderr: (t) => void (stderr += t),
          stdin: new PassThrough(),
          env: { GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: 'acme/app' },
          cwd: '/',
        },
        {
          ...fake,
          connect: async (connection, secrets) => {
            queried = true;
            return fake.connect(connection, secrets);
          },
        },
      );
      const type = VERIFY_TYPES[name]!;
      // A flag is given on purpose: empty and blank are refused for every flag.
      const mustRefuse = TYPES[type].includes(wrong) || wrong === 'empty' || wrong === 'spaces';
      judge(name, wrong, mustRefuse, code === 2 ? stderr : null, queried);
    },
  );

  it.each(ALL)('analyze with FILE %s, and unknown flags', (wrong) => {
    tried++;
    const value = WRONG[wrong];
    if (value.trim() === '' || value.startsWith('-')) {
      refused++;
      expect(() => parseAnalyzeArgs([value])).toThrow(value.startsWith('-') ? value : /FILE/);
    } else {
      expect(parseAnalyzeArgs([value]).file).toBe(value);
    }
    tried++;
    refused++;
    expect(() => parseAnalyzeArgs([`--${wrong}`])).toThrow(new RegExp(`--${wrong}`));
  });

  it('counts', () => {
    tally('wrong values tried', tried);
    expect(refused).toBeGreaterThan(500);
  });
});

// Every input of the build action, read and validated in one place. The
// build-push-action inputs keep its names and list semantics (see input-list.ts);
// ours (summary, annotations, gates) are parsed into typed values here so the
// rest of the action never sees raw strings. A bad value stops the action
// before buildx runs, with an error that names the input and what it expects.
import { ListSyntaxError, parseList, type ListOptions } from './input-list.js';
import { booleanExpected, parseBooleanWord } from '../shared/boolean-input.js';
import { InputError } from '../shared/input-error.js';
import { parseByteSize, parseDuration } from '../shared/units.js';
import {
  MAX_GROWTH_PERCENT,
  parseCacheExportLimit,
  parseContextGrowth,
  parseDurationIncrease,
  parseRatioDrop,
} from '../shared/growth-limits.js';
import type { RegressionSettings } from './history/index.js';

/** Every input name, in the order of action.yml (a test compares the two). */
export const INPUT_NAMES = [
  'add-hosts',
  'allow',
  'annotations',
  'attests',
  'build-args',
  'build-contexts',
  'builder',
  'cache-from',
  'cache-to',
  'call',
  'cgroup-parent',
  'context',
  'file',
  'labels',
  'load',
  'network',
  'no-cache',
  'no-cache-filters',
  'outputs',
  'platforms',
  'provenance',
  'pull',
  'push',
  'sbom',
  'secrets',
  'secret-envs',
  'secret-files',
  'shm-size',
  'ssh',
  'tags',
  'target',
  'ulimit',
  'github-token',
  'summary',
  'pr-annotations',
  'min-cache-hit-ratio',
  'max-duration',
  'max-context-size',
  'fail-on-warnings',
  'history',
  'max-duration-increase',
  'max-cache-ratio-drop',
  'max-context-growth',
  'max-cache-export',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** The outputs the action sets, in the order of action.yml. */
export const OUTPUT_NAMES = [
  'imageid',
  'digest',
  'metadata',
  'report',
  'cache-hit-ratio',
  'duration',
  'failed-step',
  'history-record',
  'error-category',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];
import { blankListProblem, itemsWithContent } from '../shared/blank-input.js';

/** Reads one raw input value as the runner passes it (`INPUT_<NAME>`), untrimmed, '' when unset. */
export type InputSource = (name: InputName) => string;

export interface Inputs {
  addHosts: string[];
  allow: string[];
  /** OCI annotations for the image (`--annotation`). */
  annotations: string[];
  attests: string[];
  buildArgs: string[];
  buildContexts: string[];
  builder: string;
  cacheFrom: string[];
  cacheTo: string[];
  call: string;
  cgroupParent: string;
  /** As written; `{{defaultContext}}` is resolved with the run's facts in buildx/argv.ts. */
  context: string;
  file: string;
  githubToken: string;
  labels: string[];
  load: boolean;
  network: string;
  noCache: boolean;
  noCacheFilters: string[];
  outputs: string[];
  platforms: string[];
  /** As written: '' (unset), a boolean word, or attributes like `mode=max`. */
  provenance: string;
  pull: boolean;
  push: boolean;
  sbom: string;
  /** `KEY=VALUE` items; values are secret and never printed. */
  secrets: string[];
  secretEnvs: string[];
  secretFiles: string[];
  shmSize: string;
  ssh: string[];
  tags: string[];
  target: string;
  ulimit: string[];

  /** Write the job summary. */
  summary: boolean;
  /** Write PR annotations (error, warnings, cache-bust findings). */
  prAnnotations: boolean;
  minCacheHitRatio: number | null;
  maxDurationMs: number | null;
  maxContextBytes: number | null;
  failOnWarnings: boolean;

  /** Keep a build record in the Actions cache: cache-miss blame and regression gates. */
  history: boolean;
  regression: RegressionSettings;
}

export function readInputs(getInput: InputSource): Inputs {
  const text = (name: InputName) => getInput(name).trim();
  const list = (name: InputName, options?: ListOptions) => {
    try {
      const items = parseList(getInput(name), options);
      const blank = blankListProblem(getInput(name), itemsWithContent(items));
      if (blank !== null) throw new InputError(name, blank);
      return items;
    } catch (error) {
      if (error instanceof ListSyntaxError) {
        throw new InputError(
          name,
          `is not a valid list (one item per line or comma-separated, CSV quoting): ${error.message}`,
        );
      }
      throw error;
    }
  };
  const bool = (name: InputName, fallback: boolean) => {
    const value = text(name);
    if (value === '') return fallback;
    const parsed = parseBooleanWord(value);
    if (parsed === null) throw new InputError(name, booleanExpected(value));
    return parsed;
  };

  const annotationsInput = getInput('annotations');
  // `annotations` is two things: build-push-action's list of OCI annotations for
  // the image, and the switch for PR annotations this action writes. A boolean
  // word can never be an image annotation (those are KEY=VALUE), so a lone
  // true/false is the switch; `pr-annotations` is there to switch PR annotations
  // off while also setting image annotations.
  const annotationsSwitch = parseBooleanWord(annotationsInput.trim());
  const prAnnotationsInput = text('pr-annotations');

  const secrets = list('secrets', { ignoreComma: true });
  secrets.forEach((item, index) =>
    requireKeyValue('secrets', item, index, 'KEY=VALUE, e.g. NPM_TOKEN=${{ secrets.NPM_TOKEN }}'),
  );
  const secretEnvs = list('secret-envs');
  secretEnvs.forEach((item, index) =>
    requireKeyValue('secret-envs', item, index, 'KEY=ENV_VAR_NAME, e.g. NPM_TOKEN=NPM_TOKEN'),
  );
  const secretFiles = list('secret-files', { ignoreComma: true });
  secretFiles.forEach((item, index) =>
    requireKeyValue('secret-files', item, index, 'KEY=PATH, e.g. NPMRC=./.npmrc'),
  );

  return {
    addHosts: list('add-hosts'),
    allow: list('allow'),
    annotations: annotationsSwitch === null ? list('annotations', { ignoreComma: true }) : [],
    attests: list('attests', { ignoreComma: true }),
    buildArgs: list('build-args', { ignoreComma: true }),
    buildContexts: list('build-contexts', { ignoreComma: true }),
    builder: text('builder'),
    cacheFrom: list('cache-from', { ignoreComma: true }),
    cacheTo: list('cache-to', { ignoreComma: true }),
    call: text('call'),
    cgroupParent: text('cgroup-parent'),
    context: text('context'),
    file: text('file'),
    githubToken: text('github-token'),
    labels: list('labels', { ignoreComma: true }),
    load: bool('load', false),
    network: text('network'),
    noCache: bool('no-cache', false),
    noCacheFilters: list('no-cache-filters'),
    outputs: list('outputs', { ignoreComma: true, quote: false }),
    platforms: list('platforms'),
    provenance: text('provenance'),
    pull: bool('pull', false),
    push: bool('push', false),
    sbom: text('sbom'),
    secrets,
    secretEnvs,
    secretFiles,
    shmSize: text('shm-size'),
    ssh: list('ssh'),
    tags: list('tags'),
    target: text('target'),
    ulimit: list('ulimit', { ignoreComma: true }),

    summary: bool('summary', true),
    prAnnotations: prAnnotationsInput !== '' ? bool('pr-annotations', true) : (annotationsSwitch ?? true),
    minCacheHitRatio: readRatio(text('min-cache-hit-ratio')),
    maxDurationMs: readPositive(
      'max-duration',
      text('max-duration'),
      parseDuration,
      'a duration like 90s, 10m or 1h30m',
    ),
    maxContextBytes: readPositive(
      'max-context-size',
      text('max-context-size'),
      parseByteSize,
      'a size like 500kB, 200MB or 1.5GiB',
    ),
    failOnWarnings: bool('fail-on-warnings', false),

    history: bool('history', true),
    regression: {
      maxDurationIncrease: readLimit(
        'max-duration-increase',
        text('max-duration-increase'),
        parseDurationIncrease,
        'a growth like +20% or +60s',
      ),
      maxCacheRatioDrop: readLimit(
        'max-cache-ratio-drop',
        text('max-cache-ratio-drop'),
        parseRatioDrop,
        'percentage points between 0 and 100, e.g. 10 (90% -> 80%)',
      ),
      maxContextGrowth: readLimit(
        'max-context-growth',
        text('max-context-growth'),
        parseContextGrowth,
        'a growth like +10% or +50MB',
      ),
      maxCacheExport: readLimit(
        'max-cache-export',
        text('max-cache-export'),
        parseCacheExportLimit,
        'a maximum like 2m, or a growth like +30s or +50%',
      ),
    },
  };
}

function requireKeyValue(input: InputName, item: string, index: number, expected: string): void {
  const eq = item.indexOf('=');
  if (eq <= 0 || eq === item.length - 1) {
    // The item may be a secret value: name its position and key only, never its text.
    const key = eq > 0 ? ` (key '${item.slice(0, eq)}')` : '';
    throw new InputError(input, `item ${index + 1}${key} is not ${expected}`);
  }
}

function readRatio(value: string): number | null {
  if (value === '') return null;
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  const ratio = percent ? Number(percent[1]) / 100 : /^(?:\d*\.\d+|\d+)$/.test(value) ? Number(value) : NaN;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new InputError(
      'min-cache-hit-ratio',
      `expected a ratio between 0 and 1 (e.g. 0.8, or 80%), got '${value}'`,
    );
  }
  return ratio;
}

/** A positive duration or size; `parse` returns null for text that is not one. */
function readPositive(
  input: InputName,
  value: string,
  parse: (text: string) => number | null,
  examples: string,
): number | null {
  if (value === '') return null;
  const parsed = parse(value);
  if (parsed === null || parsed <= 0) throw new InputError(input, `expected ${examples}, got '${value}'`);
  return parsed;
}

function readLimit<T>(
  input: InputName,
  value: string,
  parse: (text: string) => T | null,
  examples: string,
): T | null {
  if (value === '') return null;
  const parsed = parse(value);
  if (parsed === null) {
    // A growth limit given as a percentage that is out of range: say the range.
    const growth = input !== 'max-cache-ratio-drop' && /%\s*$/.test(value);
    const expected = growth ? `a percentage above 0 and at most +${MAX_GROWTH_PERCENT}%` : examples;
    throw new InputError(input, `expected ${expected}, got '${value}'`);
  }
  return parsed;
}

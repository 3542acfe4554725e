// Validated inputs -> the `docker buildx build` argument vector. Pure: the
// facts of the run (temp paths, the repository's Git context, resolved secrets)
// come in as data. The flags follow build-push-action's mapping input by input,
// with two deliberate differences: the progress format is fixed to `plain`,
// which is what users read in the job log and what the engine parses; and no
// provenance attestation is added unless asked for (buildx then applies its own
// default), which spares a `buildx inspect` round-trip before every build.
import { parse } from 'csv-parse/sync';
import { parseBooleanWord } from '../../shared/boolean-input.js';
import type { InputName, Inputs } from '../inputs.js';

export interface ArgvFacts {
  /** Where buildx writes the image ID. */
  iidFile: string;
  /** Where buildx writes the build metadata (digest, image name, warnings). */
  metadataFile: string;
  /** The repository's Git context (`https://github.com/o/r.git#sha`), or '.' outside a workflow. */
  defaultContext: string;
  /** The build context, `{{defaultContext}}` resolved (see resolveContext). */
  context: string;
  /** `<server>/<repo>/actions/runs/<id>/attempts/<n>`, the builder-id of provenance attestations. */
  workflowRunUrl: string;
  /** `--secret` values in order (see secrets.ts); they reference files and env vars, never values. */
  secretSpecs: string[];
}

/** One flag of the command and the input it came from: an error buildx prints about it names the input. */
interface FlagSource {
  flag: string;
  /** The value as passed (absent for a switch such as --load). */
  value?: string;
  input: InputName;
}

export interface BuildCommand {
  /** Executable to spawn. */
  command: string;
  args: string[];
  /** The build context after `{{defaultContext}}` substitution. */
  context: string;
  /** Where each flag the inputs set came from (the context too, as the flag `context`). */
  sources?: FlagSource[];
}

const DEFAULT_CONTEXT_PLACEHOLDER = /\{\{\s*defaultContext\s*\}\}/g;

export function resolveContext(input: string, defaultContext: string): string {
  return input.replace(DEFAULT_CONTEXT_PLACEHOLDER, defaultContext) || defaultContext;
}

export function buildxArgv(inputs: Inputs, facts: ArgvFacts): BuildCommand {
  const { context } = facts;
  const args = ['buildx', 'build', '--progress=plain'];
  const sources: FlagSource[] = [];
  const push = (input: InputName, flag: string, value?: string) => {
    args.push(flag, ...(value === undefined ? [] : [value]));
    sources.push({ flag, input, ...(value === undefined ? {} : { value }) });
  };
  const each = (flag: string, values: readonly string[], input: InputName) =>
    values.forEach((v) => push(input, flag, v));
  const once = (flag: string, value: string, input: InputName) => value !== '' && push(input, flag, value);
  const toggle = (flag: string, on: boolean, input: InputName) => on && push(input, flag);

  each('--add-host', inputs.addHosts, 'add-hosts');
  each('--allow', inputs.allow, 'allow');
  each('--annotation', inputs.annotations, 'annotations');
  each('--build-arg', inputs.buildArgs, 'build-args');
  each(
    '--build-context',
    inputs.buildContexts.map((c) => c.replace(DEFAULT_CONTEXT_PLACEHOLDER, facts.defaultContext)),
    'build-contexts',
  );
  each('--cache-from', inputs.cacheFrom, 'cache-from');
  each('--cache-to', inputs.cacheTo, 'cache-to');
  once('--call', inputs.call, 'call');
  once('--cgroup-parent', inputs.cgroupParent, 'cgroup-parent');
  once('--file', inputs.file, 'file');
  // A local or tar exporter writes no image, and buildx refuses --iidfile with it.
  if (!hasExporterType('local', inputs.outputs) && !hasExporterType('tar', inputs.outputs)) {
    args.push('--iidfile', facts.iidFile);
  }
  each('--label', inputs.labels, 'labels');
  each('--no-cache-filter', inputs.noCacheFilters, 'no-cache-filters');
  each('--output', inputs.outputs, 'outputs');
  if (inputs.platforms.length > 0) push('platforms', '--platform', inputs.platforms.join(','));
  // Attestations come from provenance, sbom and attests: named by the first that is set.
  const attestInput: InputName =
    inputs.provenance !== '' ? 'provenance' : inputs.sbom !== '' ? 'sbom' : 'attests';
  each('--attest', attestArgs(inputs, facts.workflowRunUrl), attestInput);
  each('--secret', facts.secretSpecs, 'secrets');
  once('--shm-size', inputs.shmSize, 'shm-size');
  each('--ssh', inputs.ssh, 'ssh');
  each('--tag', inputs.tags, 'tags');
  once('--target', inputs.target, 'target');
  each('--ulimit', inputs.ulimit, 'ulimit');
  once('--builder', inputs.builder, 'builder');
  toggle('--load', inputs.load, 'load');
  args.push('--metadata-file', facts.metadataFile);
  once('--network', inputs.network, 'network');
  toggle('--no-cache', inputs.noCache, 'no-cache');
  toggle('--pull', inputs.pull, 'pull');
  toggle('--push', inputs.push, 'push');
  args.push(context);
  sources.push({ flag: 'context', value: context, input: 'context' });
  return { command: 'docker', args, context, sources };
}

function attrRecords(text: string): string[][] {
  try {
    return parse(text, { delimiter: ',', trim: true, columns: false, relaxColumnCount: true });
  } catch {
    return [text.split(',').map((s) => s.trim())];
  }
}

function attrKeyValues(text: string): Array<[string, string]> {
  return attrRecords(text)
    .flat()
    .map((chunk) => {
      const [key = '', value = ''] = chunk.split('=').map((s) => s.trim());
      return [key, value];
    });
}

/** True when an output list names an exporter of this type (`type=local,dest=x`, or a bare path, which is local). */
export function hasExporterType(type: string, outputs: readonly string[]): boolean {
  for (const record of attrRecords(outputs.join('\n'))) {
    if (record.length === 1 && !(record[0] ?? '').startsWith('type=')) return type === 'local';
    for (const chunk of record) {
      const [key, value] = chunk.split('=').map((s) => s.trim());
      if (key === 'type' && value === type) return true;
    }
  }
  return false;
}

function hasAttestationType(type: string, attrs: string): boolean {
  return attrKeyValues(attrs).some(([key, value]) => key === 'type' && value === type);
}

/** Go's strconv.ParseBool, which buildx applies to a bare attestation attribute (`type=sbom,false`). */
function parseGoBool(text: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return null;
}

function resolveAttestationAttrs(attrs: string): string {
  return attrRecords(attrs)
    .flat()
    .map((attr) => {
      const flag = parseGoBool(attr);
      return flag === null ? attr : `disabled=${!flag}`;
    })
    .join(',');
}

function withBuilderId(attrs: string, workflowRunUrl: string): string {
  if (attrs === '') return `builder-id=${workflowRunUrl}`;
  const hasId = attrRecords(attrs)[0]?.some((field) => keyOf(field).trim() === 'builder-id');
  return hasId ? attrs : `${attrs},builder-id=${workflowRunUrl}`;
}

/** The provenance input: a boolean word switches it, anything else is attributes. */
function provenanceAttrs(input: string, workflowRunUrl: string): string {
  if (input === '') return '';
  const flag = parseBooleanWord(input);
  if (flag === null) return withBuilderId(input, workflowRunUrl);
  return flag ? `builder-id=${workflowRunUrl}` : 'false';
}

function attestArgs(inputs: Inputs, workflowRunUrl: string): string[] {
  const result: string[] = [];
  const provenance = provenanceAttrs(inputs.provenance, workflowRunUrl);
  if (provenance !== '') result.push(resolveAttestationAttrs(`type=provenance,${provenance}`));
  if (inputs.sbom !== '') result.push(resolveAttestationAttrs(`type=sbom,${inputs.sbom}`));
  // The provenance and sbom inputs win over an attestation of the same type in `attests`.
  for (const attest of inputs.attests) {
    const isProvenance = hasAttestationType('provenance', attest);
    const isSbom = hasAttestationType('sbom', attest);
    if (!isProvenance && !isSbom) result.push(resolveAttestationAttrs(attest));
    else if (isProvenance && provenance === '') result.push(withBuilderId(attest, workflowRunUrl));
    else if (isSbom && inputs.sbom === '') result.push(attest);
  }
  return result;
}

/** The key of a `key=value` field: up to the first `=` after its first character. */
function keyOf(field: string): string {
  const eq = field.indexOf('=', 1);
  return eq === -1 ? field : field.slice(0, eq);
}

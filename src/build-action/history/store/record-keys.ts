// The keys a build's records are kept under: a prefix for what makes builds comparable (the
// workflow, the Dockerfile, the target, the platforms), a variant for their build-args, and the
// order a restore looks for them in. Never a build-arg's value: only the record's hashes of them.
import { buildArgHashes, shortHash } from '../record/record.js';

export interface RecordIdentity {
  /** The workflow (file path, or name), the Dockerfile and the target: what makes builds comparable. */
  workflow: string;
  dockerfile: string;
  target: string;
  /** Matrix legs that build other platforms keep records of their own. */
  platforms?: readonly string[];
}

/** Characters kept in key parts; `:` separates them, so no part can be a prefix of another's key. */
export function keyPart(text: string, max = 80): string {
  const slug = text.replace(/[^A-Za-z0-9._/-]+/g, '_');
  return slug.length <= max ? slug : `${slug.slice(0, max - 17)}_${shortHash(text)}`;
}

/** What a store keeps records of: one build, and its variant among builds that differ only in build-args. */
export interface StoreIdentity {
  /** recordPrefix(): the workflow, Dockerfile, target and platforms. */
  prefix: string;
  /** recordVariant(): the build-args. */
  variant: string;
}

/** A store in the Actions cache also makes each build's key unique: run id, attempt, and the step. */
export interface CacheKeys extends StoreIdentity {
  uniqueSuffix: string;
}

/**
 * `no-args`, else `args-` and a hash of the build-args' recorded hashes (never of the values
 * themselves): matrix legs that differ only in build-args (`NODE_VERSION=20` / `22`) run at the
 * same time on the same branch, and each must find its own leg's record, not the other's.
 */
export function recordVariant(buildArgs: readonly string[]): string {
  const entries = Object.entries(buildArgHashes(buildArgs)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? 'no-args' : `args-${shortHash(JSON.stringify(entries)).slice(0, 8)}`;
}

/**
 * Where a record is looked for, in order: each scope with this build's variant, then each scope
 * with any variant. A matrix leg on a new pull request finds its own leg on the default branch
 * before another leg's record on its branch; a pull request that changed a build-arg finds no
 * record of its variant and falls back to the latest of the branch, then of the default branch,
 * so blame names the build-arg.
 */
export function lookupOrder(
  scopes: readonly string[],
  variant: string,
): Array<{ scope: string; variant: string | null }> {
  return [
    ...scopes.map((scope) => ({ scope, variant })),
    ...scopes.map((scope) => ({ scope, variant: null })),
  ];
}

/** `buildx-gate-history-v1:<workflow>:<target>-<hash of Dockerfile path and platforms>` */
export function recordPrefix(id: RecordIdentity): string {
  const platforms = [...(id.platforms ?? [])].sort().join(',');
  const build = platforms === '' ? id.dockerfile : `${id.dockerfile}\n${platforms}`;
  return `buildx-gate-history-v1:${keyPart(id.workflow)}:${keyPart(id.target || 'default', 60)}-${shortHash(build).slice(0, 8)}`;
}

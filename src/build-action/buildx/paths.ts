// Where things are for a build: the repository's Git context, the Dockerfile
// that will be built and its path inside the repository (for annotations), and
// the context directory (for the .dockerignore check). Pure path arithmetic on
// the run's environment.
import path from 'node:path';
import type { RunEnvironment } from '../../github/run-environment.js';

/**
 * build-push-action's default context: the repository at the event's commit,
 * fetched by BuildKit. '.' outside Actions. A pull request's merge commit is
 * named by its ref, as build-push-action does: it is on no branch, and a
 * BuildKit that fetches branches and tags only would not find it by SHA.
 */
export function defaultGitContext(run: RunEnvironment): string {
  if (!run.serverUrl || !run.repository || !run.sha) return '.';
  const ref = run.ref?.startsWith('refs/pull/') ? run.ref : run.sha;
  return `${run.serverUrl}/${run.repository}.git#${ref}`;
}

const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

/** A build context that is a directory on this machine (not a URL, a Git repository or stdin). */
export function isLocalContext(context: string): boolean {
  return context !== '-' && !REMOTE_CONTEXT.test(context);
}

export interface DockerfileLocation {
  /** Absolute path of the Dockerfile on this machine, null when it cannot be read here (stdin, remote file). */
  dockerfilePath: string | null;
  /** Path relative to the repository, for annotations; null when outside the workspace. */
  dockerfileRepoPath: string | null;
  /** Directory of a local build context, null for remote contexts. */
  contextDir: string | null;
}

/**
 * buildx reads `--file` relative to the working directory for a local context,
 * and relative to the context (its subdirectory included) for a remote one; it
 * defaults to `Dockerfile` in the context. For the repository's own Git context
 * the files are those of the checkout in the workspace, when there is one.
 */
export function locateDockerfile(
  context: string,
  file: string,
  defaultContext: string,
  run: RunEnvironment,
): DockerfileLocation {
  let contextDir: string | null = null;
  if (context === '-') contextDir = null;
  else if (!REMOTE_CONTEXT.test(context)) contextDir = path.resolve(run.cwd, context);
  else if (defaultContext !== '.' && context.startsWith(defaultContext)) {
    const subdir = contextSubdir(context);
    contextDir = path.resolve(run.workspace, subdir);
  }
  let dockerfilePath: string | null;
  if (file === '-') dockerfilePath = null;
  else if (file !== '')
    dockerfilePath = path.resolve(
      contextDir !== null && REMOTE_CONTEXT.test(context) ? contextDir : run.cwd,
      file,
    );
  else dockerfilePath = contextDir !== null ? path.join(contextDir, 'Dockerfile') : null;
  const relative = dockerfilePath !== null ? path.relative(run.workspace, dockerfilePath) : null;
  const dockerfileRepoPath =
    relative !== null && !relative.startsWith('..') && !path.isAbsolute(relative)
      ? relative.split(path.sep).join('/')
      : null;
  return { dockerfilePath, dockerfileRepoPath, contextDir };
}

/** `sub/dir` of `https://…/repo.git#ref:sub/dir` (by hand: the regex was quadratic on `###…`). */
function contextSubdir(context: string): string {
  const hash = context.indexOf('#');
  const colon = hash === -1 ? -1 : context.indexOf(':', hash);
  const subdir = colon === -1 ? '' : context.slice(colon + 1);
  return subdir.split(/\r?\n/)[0] ?? '';
}

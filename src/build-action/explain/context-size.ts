// The build context's size, as the max-context-size gate, the summary, the report and the record
// use it. Pure. A local context is measured on disk (.dockerignore applied): BuildKit's own
// `transferring context` figure is only what the builder did not have yet, so a second build of
// the same context on the same builder says a few bytes. A remote context (a Git URL, a tarball,
// stdin) cannot be measured here, and then the transferred figure is all there is, said so.
import { formatBytes } from '../../shared/units.js';

export interface ContextSize {
  /** The figure the gate, the summary and the record use; null when nothing was measured. */
  bytes: number | null;
  /** Where `bytes` comes from: the context directory on disk, or what BuildKit says it transferred. */
  measured: 'context-directory' | 'transferred';
  /** Files in the context directory; null for a transferred figure. */
  files: number | null;
  /** The walk stopped at its file limit: bytes is a lower bound. */
  incomplete: boolean;
  /** What BuildKit transferred (the log's `transferring context`), kept as its own figure. */
  transferredBytes: number | null;
}

export function contextSize(
  transferredBytes: number | null,
  onDisk: { bytes: number; files: number; incomplete: boolean } | null,
): ContextSize {
  if (onDisk === null)
    return {
      bytes: transferredBytes,
      measured: 'transferred',
      files: null,
      incomplete: false,
      transferredBytes,
    };
  return {
    bytes: onDisk.bytes,
    measured: 'context-directory',
    files: onDisk.files,
    incomplete: onDisk.incomplete,
    transferredBytes,
  };
}

/** `3.00 MB (the context directory)`, `1.20 MB (sent to the builder: a remote context)`. */
export function contextSizeText(size: ContextSize): string {
  if (size.bytes === null) return 'n/a';
  const figure = `${size.incomplete ? 'at least ' : ''}${formatBytes(size.bytes)}`;
  return size.measured === 'context-directory'
    ? `${figure} (the context directory)`
    : `${figure} (sent to the builder: a remote context)`;
}

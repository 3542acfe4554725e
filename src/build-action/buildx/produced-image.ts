// The image facts buildx leaves behind (--iidfile, --metadata-file), read into
// the outputs build-push-action sets: imageid, digest and metadata.
export interface ImageFiles {
  iidFile: string;
  metadataFile: string;
}

export interface ProducedImage {
  imageId: string | null;
  digest: string | null;
  /** The metadata JSON, pretty-printed as build-push-action outputs it. */
  metadata: string | null;
}

export interface TextReader {
  readText(path: string): Promise<string | null>;
}

export async function readProducedImage(files: ImageFiles, fs: TextReader): Promise<ProducedImage> {
  const imageId = (await fs.readText(files.iidFile))?.trim() || null;
  const raw = (await fs.readText(files.metadataFile))?.trim() ?? '';
  let metadata: Record<string, unknown> | null = null;
  if (raw !== '' && raw !== 'null') {
    try {
      const parsed: unknown = JSON.parse(raw);
      metadata = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
    } catch {
      metadata = null;
    }
  }
  const digest =
    typeof metadata?.['containerimage.digest'] === 'string'
      ? (metadata['containerimage.digest'] as string)
      : null;
  return { imageId, digest, metadata: metadata ? JSON.stringify(metadata, null, 2) : null };
}

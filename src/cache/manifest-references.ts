import { z } from 'zod';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import type { Storage } from '../storage/storage.ts';

/**
 * Where a render's manifest is: `<folder>/manifest.json`, the folder named after its book
 * (spec.delivery.folder); a render from before delivery existed used its id as the folder.
 */
export function manifestKeyOf(folder: string): string {
  return `${folder}/manifest.json`;
}

/**
 * Whether `key` is a render's manifest: `manifest.json` in a folder at the top of the output,
 * whatever the folder is called (a book's title, an id), never one inside the segment cache
 * or another dot folder.
 */
export function isManifestKey(key: string): boolean {
  const slash = key.indexOf('/');
  return slash > 0 && !key.startsWith('.') && key.slice(slash + 1) === 'manifest.json';
}

/** Only what the cache needs; manifests written before segment keys were recorded have none. */
const manifestSegmentsSchema = z.object({
  id: z.string(),
  provider: z.string(),
  segments: z.array(z.object({ key: z.string().optional() })),
});

export interface ManifestReferences {
  renderId: string;
  provider: string;
  /** Segment audio keys the render used; null for an older manifest that does not list them. */
  keys: string[] | null;
}

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** Reads a manifest's segment keys; null when there is no manifest at `key`. */
export async function readManifestReferences(storage: Storage, key: string): Promise<ManifestReferences | null> {
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of storage.get(key)) {
      size += chunk.byteLength;
      if (size > MAX_MANIFEST_BYTES)
        throw new TtsBatchError('MANIFEST_UNREADABLE', `${key} is larger than ${MAX_MANIFEST_BYTES} bytes`, {
          retryable: false,
          value: key,
        });
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof TtsBatchError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
  let parsed;
  try {
    parsed = manifestSegmentsSchema.parse(JSON.parse(Buffer.concat(parts).toString('utf8')));
  } catch (error) {
    // A manifest we cannot read could reference anything: the caller must not guess.
    throw new TtsBatchError('MANIFEST_UNREADABLE', `${key} in ${storage.url} is not a readable manifest`, {
      retryable: false,
      value: key,
      cause: error,
    });
  }
  const keys = parsed.segments.map((segment) => segment.key);
  const complete = keys.every((k): k is string => k !== undefined);
  return { renderId: parsed.id, provider: parsed.provider, keys: complete ? keys : null };
}

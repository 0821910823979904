import { z } from 'zod';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import type { Storage } from '../storage/storage.ts';
import { readObject } from '../storage/read-object.ts';

/** A finished render's manifest: `manifest.json` in its folder (the book's name since issue 11, `<renderId>` before). */
export function manifestKeyOf(folder: string): string {
  return `${folder}/manifest.json`;
}

/**
 * A manifest's key: `manifest.json` in a folder at the top of the output, whatever script the
 * folder is named in (`三体/`, `the-sample-book-4f2a/`, or a render id); not in `.segments` or `.covers`.
 */
const MANIFEST_KEY = /^[^./][^/]*\/manifest\.json$/;

export function isManifestKey(key: string): boolean {
  return MANIFEST_KEY.test(key);
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
  let bytes: Buffer;
  try {
    bytes = await readObject(storage, key, { maxBytes: MAX_MANIFEST_BYTES, code: 'MANIFEST_UNREADABLE' });
  } catch (error) {
    if (error instanceof TtsBatchError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
  let parsed;
  try {
    parsed = manifestSegmentsSchema.parse(JSON.parse(bytes.toString('utf8')));
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

/**
 * The manifest of render `id`: in `folder` (its record's book folder) when known, else in
 * `<id>/` (renders from before book folders), else whichever manifest in the output names the
 * id (its record gone: a --local render, or one past its retention). One that cannot be read
 * is passed over while looking: it cannot be shown to be this render's. null when none is.
 */
export async function findManifestReferences(storage: Storage, id: string, folder?: string): Promise<ManifestReferences | null> {
  const tried = new Set<string>();
  const at = async (key: string, strict: boolean): Promise<ManifestReferences | null> => {
    tried.add(key);
    const found = await readManifestReferences(storage, key).catch((error: unknown) => {
      if (strict || !(error instanceof TtsBatchError) || error.code !== 'MANIFEST_UNREADABLE') throw error;
      return null;
    });
    return found?.renderId === id ? found : null;
  };
  for (const key of new Set([...(folder === undefined ? [] : [manifestKeyOf(folder)]), manifestKeyOf(id)])) {
    const found = await at(key, true);
    if (found !== null) return found;
  }
  for await (const object of storage.list('')) {
    if (!isManifestKey(object.key) || tried.has(object.key)) continue;
    const found = await at(object.key, false);
    if (found !== null) return found;
  }
  return null;
}

import type { Manifest, ManifestSentence } from './manifest.ts';

/** The timing map's own file, beside manifest.json, when the map is too long to inline. */
export const TIMINGS_FILE = 'timings.json';

/** What timings.json holds: the render it belongs to and every sentence, as the manifest would have listed them. */
export interface TimingsSidecar {
  id: string;
  sentences: ManifestSentence[];
}

/**
 * Moves a long book's sentence map out of the manifest into timings.json: the manifest is read
 * by every tool and client (status pages, the cache's pruning), and at ~150 bytes a sentence a
 * 20-hour book's map would make it megabytes. Up to `maxInline` sentences stay inline; past it the
 * manifest says where they went (`timings`) and lists the file with role `timings`.
 */
export function splitTimingMap(manifest: Manifest, maxInline: number): { manifest: Manifest; sidecar?: { name: string; text: string } } {
  const sentences = manifest.sentences;
  if (sentences === undefined || sentences.length <= maxInline) return { manifest };
  const text = `${JSON.stringify({ id: manifest.id, sentences } satisfies TimingsSidecar)}\n`;
  const { sentences: _moved, ...rest } = manifest;
  return {
    manifest: {
      ...rest,
      timings: { file: TIMINGS_FILE, sentences: sentences.length },
      files: [...manifest.files, { name: TIMINGS_FILE, role: 'timings', format: 'json', bytes: Buffer.byteLength(text) }],
    },
    sidecar: { name: TIMINGS_FILE, text },
  };
}

import { createHash } from 'node:crypto';
import { NotFoundError } from '../../errors/not-found-error.ts';
import type { Storage } from '../../storage/storage.ts';
import { readObject } from '../../storage/read-object.ts';
import { bytesBody } from '../../util/bytes-body.ts';
import { CUE_SOURCES, type CueSource } from './cue.ts';

/**
 * A segment's sentence times, stored beside its audio (`<audio key>.timings.json`) the first
 * time a delivery aligns it, so a re-render or a re-mastering of the same segment places its
 * sentences without scanning its audio again (issue 13: "computed once per segment").
 * Times are ms from the segment's first sample; the delivery shifts them to each file.
 */
export interface SegmentTimings {
  version: typeof TIMINGS_VERSION;
  /** What the times were computed for: the sentences (lengths, texts, units) and whether provider words were used. */
  digest: string;
  /** The decoded segment's length when it was aligned: a segment decoding to another length is not the same audio. */
  durationMs: number;
  /** One entry per sentence placed (`sentence`: its index among the segment's sentences). */
  cues: { sentence: number; startMs: number; endMs: number; source: CueSource }[];
}

/** Raised when the aligner or the sentence cutting changes what a stored timing means. */
export const TIMINGS_VERSION = 1;
/** How far a decode of the same audio may differ in length (resampled to another master rate): well under a 10 ms window. */
const SAME_AUDIO_MS = 2;
const PARALLEL = 16;

export function segmentTimingsKey(audioKey: string): string {
  return `${audioKey}.timings.json`;
}

/** The digest of what an alignment depends on besides the audio. */
export function timingsDigest(
  sentences: readonly { start: number; end: number; text: string; units: number }[],
  withWords: boolean,
): string {
  const what = { version: TIMINGS_VERSION, withWords, sentences: sentences.map((s) => [s.end - s.start, s.units, s.text]) };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** Whether stored timings can stand for this segment's audio now. */
export function timingsFit(stored: SegmentTimings, digest: string, durationMs: number): boolean {
  return stored.digest === digest && Math.abs(stored.durationMs - durationMs) <= SAME_AUDIO_MS;
}

/**
 * The stored timings of each segment whose digest is given (undefined: nothing to look up),
 * 16 reads at a time; a missing, unreadable or foreign object is undefined (it only saves work).
 */
export async function readSegmentTimings(
  storage: Storage,
  audioKeys: readonly string[],
  digests: readonly (string | undefined)[],
): Promise<(SegmentTimings | undefined)[]> {
  const found: (SegmentTimings | undefined)[] = [];
  for (let i = 0; i < audioKeys.length; i += PARALLEL) {
    const batch = audioKeys.slice(i, i + PARALLEL).map(async (key, offset) => {
      const digest = digests[i + offset];
      if (digest === undefined) return undefined;
      const stored = await readTimings(storage, segmentTimingsKey(key));
      return stored?.digest === digest ? stored : undefined;
    });
    found.push(...(await Promise.all(batch)));
  }
  return found;
}

/** Writes each segment's new timings, 16 at a time. Best effort: a failed write costs a later render one scan, nothing else. */
export async function writeSegmentTimings(
  storage: Storage,
  entries: readonly { audioKey: string; timings: SegmentTimings }[],
): Promise<number> {
  let written = 0;
  for (let i = 0; i < entries.length; i += PARALLEL) {
    const results = await Promise.allSettled(
      entries
        .slice(i, i + PARALLEL)
        .map(({ audioKey, timings }) =>
          storage.put(segmentTimingsKey(audioKey), bytesBody(JSON.stringify(timings)), { contentType: 'application/json' }),
        ),
    );
    written += results.filter((r) => r.status === 'fulfilled').length;
  }
  return written;
}

async function readTimings(storage: Storage, key: string): Promise<SegmentTimings | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readObject(storage, key);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  try {
    return parseTimings(JSON.parse(bytes.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

function parseTimings(value: unknown): SegmentTimings | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, digest, durationMs, cues } = value as Record<string, unknown>;
  if (version !== TIMINGS_VERSION || typeof digest !== 'string' || typeof durationMs !== 'number' || !Array.isArray(cues)) return undefined;
  const parsed: SegmentTimings['cues'] = [];
  for (const cue of cues as unknown[]) {
    if (typeof cue !== 'object' || cue === null) return undefined;
    const { sentence, startMs, endMs, source } = cue as Record<string, unknown>;
    if (!Number.isSafeInteger(sentence) || typeof startMs !== 'number' || typeof endMs !== 'number') return undefined;
    if (!CUE_SOURCES.includes(source as CueSource)) return undefined;
    parsed.push({ sentence: sentence as number, startMs, endMs, source: source as CueSource });
  }
  return { version: TIMINGS_VERSION, digest, durationMs, cues: parsed };
}

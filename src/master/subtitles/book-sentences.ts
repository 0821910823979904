import type { SentenceSpan } from '../../text/sentence-spans.ts';
import type { Storage } from '../../storage/storage.ts';
import { alignCues } from './align-cues.ts';
import type { Cue } from './cue.ts';
import type { QuietRun } from './pause-finder.ts';
import type { TimedWord } from './provider-cues.ts';
import { readSegmentTimings, timingsDigest, timingsFit, TIMINGS_VERSION, type SegmentTimings } from './segment-timings.ts';

/** What is known of each segment's sentence times before its audio is decoded. */
export interface StoredSentenceTimes {
  digests: (string | undefined)[];
  stored: (SegmentTimings | undefined)[];
  /** Per segment: find its pauses while it is decoded (it has sentences, no stored times and no provider words). */
  scanPauses: boolean[];
}

/** A segment where it landed in the master, as the assembly counted it. */
export interface PlacedForTimes {
  position: number;
  startMs: number;
  durationMs: number;
  /** Pauses found in its audio, ms from its start; null: not scanned. */
  pausesMs: readonly QuietRun[] | null;
}

export interface BookSentenceTimes {
  /** Every planned sentence in book time, spoken order. */
  cues: Cue[];
  /** Timings computed now, to store beside their segments. */
  fresh: { audioKey: string; timings: SegmentTimings }[];
  /** Segments whose times were read from storage / aligned now / only estimated (stored times no longer fit the audio). */
  reused: number;
  aligned: number;
  stale: string[];
}

/** Looks up every segment's stored times (16 reads at a time) and says which segments still need their pauses found. */
export async function storedSentenceTimes(
  storage: Storage,
  segmentKeys: readonly string[],
  sentences: readonly (readonly SentenceSpan[])[],
  words: readonly (readonly TimedWord[] | undefined)[] | undefined,
): Promise<StoredSentenceTimes> {
  const digests = segmentKeys.map((_, position) => {
    const spans = sentences[position] ?? [];
    return spans.length === 0 ? undefined : timingsDigest(spans, words?.[position] !== undefined);
  });
  const stored = await readSegmentTimings(storage, segmentKeys, digests);
  const scanPauses = segmentKeys.map(
    (_, position) => digests[position] !== undefined && stored[position] === undefined && words?.[position] === undefined,
  );
  return { digests, stored, scanPauses };
}

/**
 * Each segment's sentences in book time: from its stored times when they fit the audio decoded
 * now (same sentences, same length), else aligned now (align-cues.ts: provider words, then its
 * pauses, then shares) and returned as `fresh` for storing. A segment whose stored times no
 * longer fit was not scanned: it is estimated this once, and its stale times are named for removal.
 */
export function bookSentenceTimes(
  segments: readonly PlacedForTimes[],
  segmentKeys: readonly string[],
  sentences: readonly (readonly SentenceSpan[])[],
  words: readonly (readonly TimedWord[] | undefined)[] | undefined,
  known: StoredSentenceTimes,
): BookSentenceTimes {
  const result: BookSentenceTimes = { cues: [], fresh: [], reused: 0, aligned: 0, stale: [] };
  for (const segment of segments) {
    const spans = sentences[segment.position] ?? [];
    const digest = known.digests[segment.position];
    const audioKey = segmentKeys[segment.position] ?? '';
    if (spans.length === 0 || digest === undefined) continue;
    const stored = known.stored[segment.position];
    let relative: SegmentTimings['cues'];
    if (stored !== undefined && timingsFit(stored, digest, segment.durationMs)) {
      relative = stored.cues;
      result.reused += 1;
    } else {
      const segmentWords = words?.[segment.position];
      const placed = alignCues(
        [
          {
            startMs: 0,
            durationMs: segment.durationMs,
            sentences: spans,
            ...(segment.pausesMs === null ? {} : { pausesMs: segment.pausesMs }),
            ...(segmentWords === undefined ? {} : { words: segmentWords }),
          },
        ],
        null,
      );
      relative = placed.map((cue) => ({
        sentence: spans.findIndex((span) => span.start === cue.textStart),
        startMs: cue.startMs,
        endMs: cue.endMs,
        source: cue.source,
      }));
      if (segment.pausesMs !== null || segmentWords !== undefined) {
        result.aligned += 1;
        result.fresh.push({ audioKey, timings: { version: TIMINGS_VERSION, digest, durationMs: segment.durationMs, cues: relative } });
      } else if (stored !== undefined) result.stale.push(audioKey);
    }
    for (const cue of relative) {
      const span = spans[cue.sentence];
      if (span === undefined) continue;
      result.cues.push({
        startMs: Math.round(segment.startMs + cue.startMs),
        endMs: Math.round(segment.startMs + cue.endMs),
        text: span.text,
        source: cue.source,
        textStart: span.start,
        textEnd: span.end,
        segment: segment.position,
      });
    }
  }
  return result;
}

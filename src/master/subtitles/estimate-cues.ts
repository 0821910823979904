import type { Cue } from './cue.ts';
import { splitForReading } from './split-for-reading.ts';
import type { ReadingLimits } from './cue.ts';

/** A segment where it landed in an output file, with the sentences it says. */
export interface TimedSegment {
  startMs: number;
  durationMs: number;
  sentences: readonly { start: number; end: number; text: string; units: number }[];
}

/**
 * Cues by each sentence's share of its segment (its provider units over the segment's), marked
 * `estimated`: the fallback when neither the provider's timestamps nor the audio's pauses place a
 * sentence. Cues follow source order, touch within a segment and never overlap.
 */
export function estimateCues(segments: readonly TimedSegment[], limits?: ReadingLimits): Cue[] {
  const cues: Cue[] = [];
  for (const segment of segments) {
    const total = segment.sentences.reduce((sum, s) => sum + Math.max(s.units, 1), 0);
    let before = 0;
    for (const sentence of segment.sentences) {
      const startMs = segment.startMs + (segment.durationMs * before) / total;
      before += Math.max(sentence.units, 1);
      const endMs = segment.startMs + (segment.durationMs * before) / total;
      const cue: Cue = {
        startMs: Math.round(startMs),
        endMs: Math.round(endMs),
        text: sentence.text,
        source: 'estimated',
        textStart: sentence.start,
        textEnd: sentence.end,
      };
      if (cue.endMs > cue.startMs) cues.push(...splitForReading(cue, limits));
    }
  }
  return cues;
}

import type { AudioSettings } from '../audio/audio-settings.ts';
import type { Storage } from '../storage/storage.ts';

export interface StitchInput {
  storage: Storage;
  /** Segment objects in the order they are spoken. */
  segmentKeys: readonly string[];
  /** What every segment is expected to be; a segment that differs is an AudioFormatError. */
  audio: AudioSettings;
  outputKey: string;
  /** Optional title and chapter marks (mp3: written as ID3v2 TIT2 + CHAP/CTOC). */
  title?: string;
  chapters?: readonly { title: string; firstSegment: number }[];
  /** Silence to insert after each segment, parallel to segmentKeys; missing or 0 = no pause. */
  pausesAfterMs?: readonly number[];
}

export interface StitchedSegment {
  /** Position in segmentKeys. */
  position: number;
  /** Counted from the audio itself (frames or samples), never from provider claims. */
  startMs: number;
  durationMs: number;
  /** Audio payload bytes taken from this segment (tags and headers excluded). */
  bytes: number;
  /**
   * Silence actually inserted after it (whole frames), 0 if none. Optional only until the join
   * inserts silence (branch i10-join-silence makes it required); read as 0 when absent.
   */
  pauseAfterMs?: number;
}

export interface StitchResult {
  durationMs: number;
  /** Size of the written object. */
  bytes: number;
  sampleRate: number;
  channels: number;
  segments: StitchedSegment[];
}

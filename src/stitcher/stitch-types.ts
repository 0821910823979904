import type { AudioFormat, AudioSettings } from '../audio/audio-settings.ts';
import type { Storage } from '../storage/storage.ts';

export interface StitchInput {
  storage: Storage;
  /** Segment objects in the order they are spoken. */
  segmentKeys: readonly string[];
  /** What every segment is expected to be; a segment that differs is an AudioFormatError. */
  audio: AudioSettings;
  outputKey: string;
  /**
   * What to write; default: the segments' own format. wav segments may be written as pcm and
   * pcm as wav (the same samples, another container); anything else is an AudioFormatError.
   */
  outputFormat?: AudioFormat;
  /** Optional title and chapter marks (mp3: written as ID3v2 TIT2 + CHAP/CTOC). */
  title?: string;
  chapters?: readonly { title: string; firstSegment: number }[];
  /**
   * Silence to insert after each segment, parallel to segmentKeys (missing or 0: none): the
   * pauses a provider could not make itself (a `<break time=N>` it cannot read). Written as
   * whole silent frames of the segments' own stream (mp3) or zero samples (wav, pcm), rounded up.
   */
  pausesAfterMs?: readonly number[];
  /** Silence before the first segment (the book's head), written like pausesAfterMs; missing or 0: none. */
  pauseBeforeMs?: number;
  /**
   * Sees every byte of the object on its way to storage, in file order (a measurement fed while
   * the join is written): only for joins that write in file order (`joinsInFileOrder`); the
   * others write their header last, and refuse a tap.
   */
  tap?: (body: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
}

export interface StitchedSegment {
  /** Position in segmentKeys. */
  position: number;
  /** Counted from the audio itself (frames or samples), never from provider claims; the head and pauses before it included. */
  startMs: number;
  /** This segment's own audio, without the pause after it. */
  durationMs: number;
  /** Silence actually inserted after it, counted from the frames or samples written (not the ms asked for); 0 if none. */
  pauseAfterMs: number;
  /** Audio payload bytes taken from this segment (tags and headers excluded). */
  bytes: number;
}

export interface StitchResult {
  /** Every segment and every pause. */
  durationMs: number;
  /** Silence actually inserted before the first segment (whole frames or samples); 0 if none. */
  pauseBeforeMs: number;
  /** Size of the written object. */
  bytes: number;
  sampleRate: number;
  channels: number;
  segments: StitchedSegment[];
}

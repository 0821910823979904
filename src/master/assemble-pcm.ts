import type { AudioSettings } from '../audio/audio-settings.ts';
import { unitsCoveringMs } from '../audio/pause-length.ts';
import { passThroughOrTranscode } from '../audio/transcode.ts';
import { asSegmentDamage, SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { silenceChunks } from '../stitcher/silence-chunks.ts';
import { segmentLabel } from '../stitcher/segment-label.ts';
import type { Storage } from '../storage/storage.ts';

/** Where one segment landed in the assembled book, counted in the sample frames written. */
export interface PlacedSegment {
  position: number;
  startSample: number;
  samples: number;
  pauseAfterSamples: number;
}

export interface AssemblyPlan {
  storage: Storage;
  segmentKeys: readonly string[];
  /** What the stored segments are (their format tells ffmpeg how to read them). */
  segmentAudio: AudioSettings;
  pausesAfterMs: readonly number[];
  pauseBeforeMs: number;
  /** The master's format: every segment is decoded (and resampled) to s16le at this rate and channel count. */
  sampleRate: number;
  channels: 1 | 2;
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
}

/** Filled in while the assembly streams; complete once it has ended. */
export interface AssemblyTally {
  headSamples: number;
  segments: PlacedSegment[];
  totalSamples: number;
}

/**
 * The book as one s16le stream: the head pause, then each segment decoded in order (one ffmpeg
 * per segment, stdin → stdout, so only a pipe's worth is in memory; a segment already s16le at
 * the master's rate and channels passes through untouched), each followed by its pause as zero
 * samples. Segment starts are counted in the sample frames yielded, so they are exact in the
 * master whatever the segment's codec did (issue 11 item 7).
 */
export function assemblePcm(plan: AssemblyPlan): { stream: AsyncGenerator<Uint8Array, void, undefined>; tally: AssemblyTally } {
  const tally: AssemblyTally = { headSamples: 0, segments: [], totalSamples: 0 };
  const frameBytes = 2 * plan.channels;
  const target: AudioSettings = { format: 'pcm', sampleRate: plan.sampleRate, channels: plan.channels };
  async function* stream(): AsyncGenerator<Uint8Array, void, undefined> {
    tally.headSamples = unitsCoveringMs(plan.pauseBeforeMs, plan.sampleRate);
    yield* silenceChunks(tally.headSamples * frameBytes);
    let written = tally.headSamples;
    for (const [position, key] of plan.segmentKeys.entries()) {
      plan.signal?.throwIfAborted();
      let bytes = 0;
      const decoded = passThroughOrTranscode(plan.storage.get(key), target, {
        inputFormat: plan.segmentAudio.format,
        inputSampleRate: plan.segmentAudio.sampleRate,
        inputChannels: plan.segmentAudio.channels,
        ...(plan.signal === undefined ? {} : { signal: plan.signal }),
        ...(plan.ffmpegPath === undefined ? {} : { ffmpegPath: plan.ffmpegPath }),
      });
      try {
        for await (const chunk of decoded) {
          bytes += chunk.length;
          yield chunk;
        }
      } catch (error) {
        plan.signal?.throwIfAborted();
        asSegmentDamage(position, key)(error);
      }
      if (bytes % frameBytes !== 0) {
        throw new SegmentDamagedError(
          position,
          key,
          `${segmentLabel(position, key)} decoded to ${bytes} bytes, not whole ${frameBytes}-byte sample frames`,
        );
      }
      const samples = bytes / frameBytes;
      if (samples === 0) throw new SegmentDamagedError(position, key, `${segmentLabel(position, key)} holds no audio samples`);
      const pauseAfterSamples = unitsCoveringMs(plan.pausesAfterMs[position] ?? 0, plan.sampleRate);
      tally.segments.push({ position, startSample: written, samples, pauseAfterSamples });
      written += samples;
      yield* silenceChunks(pauseAfterSamples * frameBytes);
      written += pauseAfterSamples;
      tally.totalSamples = written;
    }
    tally.totalSamples = written;
  }
  return { stream: stream(), tally };
}

import type { AudioSettings } from '../audio/audio-settings.ts';
import { DECODE_READ_BYTES } from './decode-file.ts';
import { decodeSegment } from './decode-segment.ts';
import { unitsCoveringMs } from '../audio/pause-length.ts';
import { asSegmentDamage, SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { silenceChunks } from '../stitcher/silence-chunks.ts';
import { segmentLabel } from '../stitcher/segment-label.ts';
import type { Storage } from '../storage/storage.ts';
import { createPauseFinder, type QuietRun } from './subtitles/pause-finder.ts';

/** Where one segment landed in the assembled book, counted in the sample frames written. */
export interface PlacedSegment {
  position: number;
  startSample: number;
  samples: number;
  pauseAfterSamples: number;
  /** The quiet runs inside the segment's own audio (frames from its start): where the aligner puts sentence boundaries; null: not scanned. */
  quiet: QuietRun[] | null;
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
  /** The mastering's temp folder: compressed segments are decoded from a copy there. */
  tempDir: string;
  /** Per segment, whether to find its pauses (default: every one); false where its sentence times are stored already. */
  scanPauses?: readonly boolean[] | undefined;
}

/** Filled in while the assembly streams; complete once it has ended. */
export interface AssemblyTally {
  headSamples: number;
  segments: PlacedSegment[];
  totalSamples: number;
}

/**
 * The book as one s16le stream: the head pause, then each segment decoded in order
 * (decode-segment.ts: a read's worth in memory at a time, the next one's decode started ahead),
 * each followed by its pause as zero samples. Segment starts are counted in the sample frames yielded, so they are exact in the
 * master whatever the segment's codec did (issue 11 item 7).
 */
interface Opened {
  decoded: AsyncGenerator<Uint8Array, void, undefined>;
  first: Promise<IteratorResult<Uint8Array, void>>;
}

/**
 * Two read buffers, one for the segment streaming and one for the next, prefetched: segment i
 * reads into buffers[i % 2]. The one it shares with segment i + 2 is free by the time that one
 * opens: segment i has been returned and each of its chunks written to the measuring ffmpeg
 * before the assembly pulled on (run-tool.ts writes a chunk before it pulls the next). Without
 * them each read made a Buffer of its own: ~1.7 GB of garbage for a 10-hour book at 24 kHz mono
 * (issue 11, master.memory; decode-file.ts).
 */
type ReadBuffers = readonly [Uint8Array, Uint8Array];

function openSegment(plan: AssemblyPlan, position: number, buffers: ReadBuffers): Opened {
  const key = plan.segmentKeys[position] ?? '';
  const decoded = decodeSegment({ ...plan, key, position, buffer: buffers[position % 2] });
  const first = decoded.next();
  // Awaited where it is used, or settled in the assembly's finally.
  first.catch(() => undefined);
  return { decoded, first };
}

export function assemblePcm(plan: AssemblyPlan): { stream: AsyncGenerator<Uint8Array, void, undefined>; tally: AssemblyTally } {
  const tally: AssemblyTally = { headSamples: 0, segments: [], totalSamples: 0 };
  const frameBytes = 2 * plan.channels;
  async function* stream(): AsyncGenerator<Uint8Array, void, undefined> {
    tally.headSamples = unitsCoveringMs(plan.pauseBeforeMs, plan.sampleRate);
    yield* silenceChunks(tally.headSamples * frameBytes);
    let written = tally.headSamples;
    const buffers: ReadBuffers = [new Uint8Array(DECODE_READ_BYTES), new Uint8Array(DECODE_READ_BYTES)];
    // The next segment's decode starts while this one streams (decoded and its first read
    // fetched), so ffmpeg's start-up and decode overlap the copy instead of adding to it.
    let upcoming: Opened | null = openSegment(plan, 0, buffers);
    try {
      for (const [position, key] of plan.segmentKeys.entries()) {
        plan.signal?.throwIfAborted();
        const current: Opened = upcoming ?? openSegment(plan, position, buffers);
        upcoming = position + 1 < plan.segmentKeys.length ? openSegment(plan, position + 1, buffers) : null;
        let bytes = 0;
        // Found on the decoded stream as it passes: no second decode for the subtitles' alignment.
        const pauses =
          plan.scanPauses?.[position] === false ? null : createPauseFinder({ sampleRate: plan.sampleRate, channels: plan.channels });
        try {
          for (let step = await current.first; step.done !== true; step = await current.decoded.next()) {
            bytes += step.value.length;
            pauses?.push(step.value);
            yield step.value;
          }
        } catch (error) {
          plan.signal?.throwIfAborted();
          asSegmentDamage(position, key)(error);
        } finally {
          await current.decoded.return();
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
        tally.segments.push({ position, startSample: written, samples, pauseAfterSamples, quiet: pauses?.end() ?? null });
        written += samples;
        yield* silenceChunks(pauseAfterSamples * frameBytes);
        written += pauseAfterSamples;
        tally.totalSamples = written;
      }
    } finally {
      // Stopped early (abort, a failed segment, ffmpeg gone): the prefetched decode ends too.
      if (upcoming !== null) {
        await upcoming.first.catch(() => undefined);
        await upcoming.decoded.return();
      }
    }
    tally.totalSamples = written;
  }
  return { stream: stream(), tally };
}

import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AudioFormat, AudioSettings } from '../audio/audio-settings.ts';
import { buildWavHeader, pcm16FmtChunk } from '../audio/wav/build-wav-header.ts';
import { joinsInFileOrder, stitch } from '../stitcher/stitch.ts';
import type { StitchInput, StitchResult } from '../stitcher/stitch-types.ts';
import type { Storage } from '../storage/storage.ts';
import { trackFolder } from '../audio/ffmpeg/live-processes.ts';
import { measureLoudness, type FileMeasurement } from './measure-loudness.ts';
import { measureWhileWriting, type WrittenMeasurement } from './measure-while-writing.ts';

export interface DeliverRawInput {
  storage: Storage;
  segmentKeys: readonly string[];
  segmentAudio: AudioSettings;
  /** wav or pcm segments may be written as the other (same samples, another container); otherwise the segments' own. */
  format: AudioFormat;
  outputKey: string;
  title?: string;
  chapters: readonly { title: string; firstSegment: number }[];
  pausesAfterMs?: readonly number[];
  pauseBeforeMs?: number;
  signal?: AbortSignal;
  tempRoot?: string;
  /** Started by startRawMeasurement for this delivery (its ffmpeg already up); otherwise started here when the join allows it. */
  measuring?: WrittenMeasurement | undefined;
}

export interface DeliveredRaw {
  stitched: StitchResult;
  /** Measured by decoding the written object: its bytes as they were written, or a temp copy read back. */
  measurement: FileMeasurement;
}

/**
 * The raw profile: the stitcher's frame-exact join (nothing re-encoded; pauses as silent frames
 * or zero samples), then the written object measured like any other delivery. A join written
 * front to back (pcm, WAV from WAV) is measured from its bytes as they go to storage, the decode
 * keeping pace with the join; the others (a header written last) from a temp copy read back. The
 * object is removed again if the measuring fails or is aborted, so a failed delivery leaves nothing.
 */
export async function deliverRaw(input: DeliverRawInput): Promise<DeliveredRaw> {
  input.signal?.throwIfAborted();
  const join = (tap?: StitchInput['tap']): Promise<StitchResult> =>
    stitch({
      storage: input.storage,
      segmentKeys: input.segmentKeys,
      audio: input.segmentAudio,
      outputFormat: input.format,
      outputKey: input.outputKey,
      ...(input.title === undefined ? {} : { title: input.title }),
      chapters: input.chapters,
      ...(input.pausesAfterMs === undefined ? {} : { pausesAfterMs: input.pausesAfterMs }),
      ...(input.pauseBeforeMs === undefined ? {} : { pauseBeforeMs: input.pauseBeforeMs }),
      ...(tap === undefined ? {} : { tap }),
    });
  const measuring = input.measuring ?? startRawMeasurement(input.segmentAudio, input.format, input.outputKey, input.signal);
  if (measuring !== undefined) return measuredAsWritten(input, join, measuring);
  const stitched = await join();
  return { stitched, measurement: await measureReadBack(input, stitched) };
}

/**
 * The measurement a raw delivery of `segmentAudio` segments into `format` feeds as it writes,
 * started now, or undefined for a join that writes its header last (measured from a read-back).
 * Started before the stitch's own reads (its results, the size checks), its ffmpeg's start (tens
 * of ms) overlaps them. Its `result()` must be awaited on every path: deliverRaw does, and a
 * caller that never gets there must.
 */
export function startRawMeasurement(
  segmentAudio: AudioSettings,
  format: AudioFormat,
  outputKey: string,
  signal?: AbortSignal,
): WrittenMeasurement | undefined {
  if (!joinsInFileOrder(segmentAudio.format, format)) return undefined;
  return measureWhileWriting(
    format === 'pcm' ? { container: 'pcm', sampleRate: segmentAudio.sampleRate, channels: segmentAudio.channels } : { container: 'wav' },
    { what: outputKey, ...(signal === undefined ? {} : { signal }) },
  );
}

/** The join tapped by a measurement: both end together, or the object is removed again. */
async function measuredAsWritten(
  input: DeliverRawInput,
  join: (tap: StitchInput['tap']) => Promise<StitchResult>,
  measuring: WrittenMeasurement,
): Promise<DeliveredRaw> {
  let stitched: StitchResult;
  try {
    stitched = await join((body) => measuring.tap(body));
  } catch (error) {
    // The processes end before this returns; the join's own failure is the one reported.
    await measuring.result().catch(() => undefined);
    throw error;
  }
  try {
    const measurement = await measuring.result();
    return { stitched, measurement };
  } catch (error) {
    await input.storage.delete(input.outputKey).catch(() => undefined);
    throw error;
  }
}

/** Measures a temp copy of the written object (for a join whose header went in last). */
async function measureReadBack(input: DeliverRawInput, stitched: StitchResult): Promise<FileMeasurement> {
  const temp = await mkdtemp(join(input.tempRoot ?? tmpdir(), 'tts-batch-raw-'));
  const untrack = trackFolder(temp);
  try {
    // Headerless pcm is measured as the WAV it would be: the same samples, a header ffmpeg can read.
    const copy = join(temp, input.format === 'pcm' ? 'book.wav' : `book.${input.format}`);
    const header =
      input.format === 'pcm'
        ? [
            buildWavHeader({
              fmt: pcm16FmtChunk(stitched.sampleRate, stitched.channels),
              dataBytes: stitched.bytes,
              blockAlign: 2 * stitched.channels,
            }),
          ]
        : [];
    async function* withHeader(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      yield* header;
      yield* body;
    }
    await pipeline(
      Readable.from(withHeader(input.storage.get(input.outputKey))),
      createWriteStream(copy),
      input.signal === undefined ? {} : { signal: input.signal },
    );
    return await measureLoudness(copy, input.signal === undefined ? {} : { signal: input.signal });
  } catch (error) {
    await input.storage.delete(input.outputKey).catch(() => undefined);
    throw error;
  } finally {
    await rm(temp, { recursive: true, force: true });
    untrack();
  }
}

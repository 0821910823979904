import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { asSegmentDamage, SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { ByteReader } from '../util/byte-reader.ts';
import { prefetchedHeads, prefetchedReads } from '../storage/prefetched-reads.ts';
import { unitsCoveringMs } from '../audio/pause-length.ts';
import { pauseAskedAfter, pauseAskedBefore } from './pauses.ts';
import { putStream } from './put-stream.ts';
import { segmentLabel } from './segment-label.ts';
import type { StitchedSegment, StitchInput, StitchResult } from './stitch-types.ts';
import { buildWavHeader, wavTrailer } from '../audio/wav/build-wav-header.ts';
import { clampDataBytes, describeWavFormat, readWavLayout } from '../audio/wav-layout.ts';
import type { WavLayout } from '../audio/wav-layout.ts';
import { silentSampleByte } from '../audio/wav/wav-silence.ts';
import { silenceChunks } from './silence-chunks.ts';

export interface WavStitchOptions {
  /** Passed to buildWavHeader: lets tests check RF64 output without writing 4 GiB. */
  rf64AboveRiffSize?: number;
}

interface WavSegmentSurvey {
  dataBytes: number;
  /** Silent bytes written after the segment's data: whole sample frames of its own fmt. */
  pauseBytes: number;
}

const READ_SIZE = 256 * 1024;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** First pass: headers only. Object sizes from storage.head tell how much data is really there. */
async function surveyWav(input: StitchInput): Promise<{ first: WavLayout; segments: WavSegmentSurvey[] }> {
  let first: WavLayout | null = null;
  const segments: WavSegmentSurvey[] = [];
  // Heads and header reads start a few segments ahead (prefetched-reads.ts).
  const heads = prefetchedHeads(input.storage, input.segmentKeys);
  const reads = prefetchedReads(input.storage, input.segmentKeys);
  try {
    for (const [position, key] of input.segmentKeys.entries()) {
      const label = segmentLabel(position, key);
      const info = (await heads.next()).value;
      const source = (await reads.next()).value;
      if (info === null || info === undefined || source === undefined)
        throw new TtsBatchError('NOT_FOUND', `${label} is not in storage`, { value: key, retryable: false });
      const reader = new ByteReader(source);
      let layout: WavLayout;
      try {
        layout = await readWavLayout(reader, label).catch(asSegmentDamage(position, key));
      } finally {
        await reader.close();
      }
      if (first === null) {
        if (layout.sampleRate !== input.audio.sampleRate || layout.channels !== input.audio.channels) {
          const wanted = `${input.audio.sampleRate} Hz, ${input.audio.channels === 1 ? '1 channel' : '2 channels'}`;
          throw new SegmentDamagedError(position, key, `${label} is ${describeWavFormat(layout)}, but the render asks for ${wanted}`, {
            actual: describeWavFormat(layout),
            expected: wanted,
          });
        }
        first = layout;
      } else if (!sameBytes(layout.fmt, first.fmt)) {
        const actual = describeWavFormat(layout);
        const expected = describeWavFormat(first);
        const detail = actual === expected ? ' (same rate and depth, different fmt chunk bytes)' : '';
        throw new SegmentDamagedError(
          position,
          key,
          `${label} is ${actual}, but segment 0 is ${expected}${detail}; segments must share one fmt chunk`,
          {
            actual,
            expected,
          },
        );
      }
      const dataBytes = clampDataBytes(layout, info.size);
      if (dataBytes === 0) throw new SegmentDamagedError(position, key, `${label} holds no audio samples`);
      const pauseSamples = unitsCoveringMs(pauseAskedAfter(input, position), layout.sampleRate);
      segments.push({ dataBytes, pauseBytes: pauseSamples * layout.blockAlign });
    }
  } finally {
    await Promise.all([heads.return(), reads.return()]);
  }
  if (first === null) throw new AudioFormatError('no segments to stitch', input.segmentKeys);
  return { first, segments };
}

/** Second pass: one header with the real sizes, then each segment's data payload only, and its pause. */
async function* writeWav(
  input: StitchInput,
  segments: readonly WavSegmentSurvey[],
  header: Uint8Array,
  totalBytes: number,
  fmt: Uint8Array,
  headBytes: number,
): AsyncGenerator<Uint8Array> {
  yield header;
  const silence = silentSampleByte(fmt);
  yield* silenceChunks(headBytes, silence);
  let position = 0;
  for await (const source of prefetchedReads(input.storage, input.segmentKeys)) {
    const key = input.segmentKeys[position] as string;
    const expected = segments[position]?.dataBytes ?? 0;
    const pauseBytes = segments[position]?.pauseBytes ?? 0;
    const reader = new ByteReader(source);
    let copied = 0;
    try {
      await readWavLayout(reader, segmentLabel(position, key));
      while (copied < expected) {
        const chunk = await reader.read(Math.min(READ_SIZE, expected - copied));
        if (chunk === null) break;
        copied += chunk.length;
        yield chunk;
      }
    } finally {
      await reader.close();
    }
    if (copied !== expected) {
      throw new TtsBatchError(
        'STITCH_SOURCE_CHANGED',
        `${segmentLabel(position, key)} changed while being stitched: ${expected} data bytes at first, ${copied} now`,
        {
          retryable: true, // a rewrite under way: the next stitch reads the finished object
          value: { position, key },
        },
      );
    }
    yield* silenceChunks(pauseBytes, silence);
    position += 1;
  }
  const trailer = wavTrailer(totalBytes);
  if (trailer.length > 0) yield trailer;
}

export async function stitchWav(input: StitchInput, options: WavStitchOptions = {}): Promise<StitchResult> {
  const { first, segments } = await surveyWav(input);
  const bytesPerMs = (first.sampleRate * first.blockAlign) / 1000;
  const headBytes = unitsCoveringMs(pauseAskedBefore(input), first.sampleRate) * first.blockAlign;
  let start = headBytes;
  const stitched: StitchedSegment[] = segments.map((segment, position) => {
    const result = {
      position,
      startMs: start / bytesPerMs,
      durationMs: segment.dataBytes / bytesPerMs,
      pauseAfterMs: segment.pauseBytes / bytesPerMs,
      bytes: segment.dataBytes,
    };
    start += segment.dataBytes + segment.pauseBytes;
    return result;
  });
  const header = buildWavHeader({
    fmt: first.fmt,
    dataBytes: start,
    blockAlign: first.blockAlign,
    ...(options.rf64AboveRiffSize === undefined ? {} : { rf64AboveRiffSize: options.rf64AboveRiffSize }),
  });
  const body = writeWav(input, segments, header, start, first.fmt, headBytes);
  const written = await putStream(input.storage, input.outputKey, input.tap?.(body) ?? body, CONTENT_TYPES.wav);
  return {
    durationMs: start / bytesPerMs,
    pauseBeforeMs: headBytes / bytesPerMs,
    bytes: written.size,
    sampleRate: first.sampleRate,
    channels: first.channels,
    segments: stitched,
  };
}

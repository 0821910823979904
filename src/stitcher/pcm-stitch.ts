import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { asSegmentDamage, SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { ByteReader } from '../util/byte-reader.ts';
import { prefetchedReads } from '../storage/prefetched-reads.ts';
import { unitsCoveringMs } from '../audio/pause-length.ts';
import { pauseAskedAfter, pauseAskedBefore } from './pauses.ts';
import { putStream } from './put-stream.ts';
import { segmentLabel } from './segment-label.ts';
import type { StitchedSegment, StitchInput, StitchResult } from './stitch-types.ts';
import { looksLikeWav } from '../audio/wav/parse-wav-header.ts';
import { describeWavFormat, readWavLayout } from '../audio/wav-layout.ts';
import { silenceChunks } from './silence-chunks.ts';

const READ_SIZE = 256 * 1024;
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Where a segment's samples start and how many bytes it may hold at most. Some providers'
 * "pcm" is a whole WAV file: its header must not end up in the middle of the audio.
 */
async function openSamples(reader: ByteReader, input: StitchInput, position: number, key: string): Promise<number> {
  await reader.ensure(12);
  if (!looksLikeWav(reader.view())) return Number.POSITIVE_INFINITY;
  const label = segmentLabel(position, key);
  const layout = await readWavLayout(reader, label).catch(asSegmentDamage(position, key));
  const isPcm = layout.formatTag === WAVE_FORMAT_PCM || layout.formatTag === WAVE_FORMAT_EXTENSIBLE;
  if (!isPcm || layout.bitsPerSample !== 16 || layout.sampleRate !== input.audio.sampleRate || layout.channels !== input.audio.channels) {
    const wanted = `${input.audio.sampleRate} Hz, ${input.audio.channels === 1 ? '1 channel' : '2 channels'}, 16-bit, format 0x1`;
    throw new SegmentDamagedError(
      position,
      key,
      `${label} carries a WAV header saying ${describeWavFormat(layout)}, but the render asks for ${wanted}`,
      {
        actual: describeWavFormat(layout),
        expected: wanted,
      },
    );
  }
  return layout.declaredDataBytes;
}

/** Filled in while `pcmBook` streams; complete once its body has ended. */
export interface PcmTally {
  headBytes: number;
  segments: { bytes: number; pauseBytes: number }[];
}

/**
 * The book as one s16le stream: the head's zero samples, then each segment's samples and its
 * pause. A trailing partial sample frame is dropped so that channels never swap after a join.
 * Shared by the pcm and the WAV writers: the same samples, another container.
 */
export function pcmBook(input: StitchInput): { body: AsyncGenerator<Uint8Array>; tally: PcmTally } {
  const blockAlign = 2 * input.audio.channels;
  const tally: PcmTally = { headBytes: unitsCoveringMs(pauseAskedBefore(input), input.audio.sampleRate) * blockAlign, segments: [] };
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* silenceChunks(tally.headBytes);
    let position = 0;
    // Each segment's read starts a few segments ahead: a thousand small reads one after another
    // were most of a thousand-segment join (prefetched-reads.ts).
    for await (const source of prefetchedReads(input.storage, input.segmentKeys)) {
      const key = input.segmentKeys[position] as string;
      const reader = new ByteReader(source);
      let written = 0;
      try {
        const limit = await openSamples(reader, input, position, key);
        let taken = 0;
        let carry: Uint8Array | null = null;
        while (taken < limit) {
          const chunk = await reader.read(Math.min(READ_SIZE, limit - taken));
          if (chunk === null) break;
          taken += chunk.length;
          let piece = chunk;
          if (carry !== null) {
            piece = new Uint8Array(carry.length + chunk.length);
            piece.set(carry, 0);
            piece.set(chunk, carry.length);
          }
          const aligned = piece.length - (piece.length % blockAlign);
          if (aligned > 0) {
            written += aligned;
            yield piece.subarray(0, aligned);
          }
          carry = aligned < piece.length ? piece.slice(aligned) : null;
        }
      } finally {
        await reader.close();
      }
      if (written === 0) throw new SegmentDamagedError(position, key, `${segmentLabel(position, key)} holds no audio samples`);
      const pauseBytes = pauseBytesAfter(input, position);
      tally.segments.push({ bytes: written, pauseBytes });
      yield* silenceChunks(pauseBytes);
      position += 1;
    }
  }
  return { body: body(), tally };
}

/** The zero bytes of the pause after segment `position`: whole sample frames, rounded up. */
export function pauseBytesAfter(input: StitchInput, position: number): number {
  return unitsCoveringMs(pauseAskedAfter(input, position), input.audio.sampleRate) * 2 * input.audio.channels;
}

/** Where every segment landed, counted from the bytes `pcmBook` wrote; `objectBytes` is the written object's size. */
export function pcmStitchResult(input: StitchInput, tally: PcmTally, objectBytes: number): StitchResult {
  const bytesPerMs = (input.audio.sampleRate * 2 * input.audio.channels) / 1000;
  let start = tally.headBytes;
  const segments: StitchedSegment[] = tally.segments.map(({ bytes, pauseBytes }, position) => {
    const result = { position, startMs: start / bytesPerMs, durationMs: bytes / bytesPerMs, pauseAfterMs: pauseBytes / bytesPerMs, bytes };
    start += bytes + pauseBytes;
    return result;
  });
  return {
    durationMs: start / bytesPerMs,
    pauseBeforeMs: tally.headBytes / bytesPerMs,
    bytes: objectBytes,
    sampleRate: input.audio.sampleRate,
    channels: input.audio.channels,
    segments,
  };
}

/** Bytes of samples `pcmBook` wrote: the head, every segment and every pause. */
export function pcmTallyBytes(tally: PcmTally): number {
  return tally.segments.reduce((sum, segment) => sum + segment.bytes + segment.pauseBytes, tally.headBytes);
}

/** Joins raw signed 16-bit little-endian segments into headerless pcm: no header, so one pass; a pause is zero samples. */
export async function stitchPcm(input: StitchInput): Promise<StitchResult> {
  const { body, tally } = pcmBook(input);
  const info = await putStream(input.storage, input.outputKey, input.tap?.(body) ?? body, CONTENT_TYPES.pcm);
  return pcmStitchResult(input, tally, info.size);
}

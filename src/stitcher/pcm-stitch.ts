import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { asSegmentDamage, SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { ByteReader } from '../util/byte-reader.ts';
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

/**
 * Joins raw signed 16-bit little-endian segments: no header, so one pass. A trailing partial
 * sample frame is dropped so that channels never swap after a join; a pause is zero samples.
 */
export async function stitchPcm(input: StitchInput): Promise<StitchResult> {
  const blockAlign = 2 * input.audio.channels;
  const segmentBytes: { bytes: number; pauseBytes: number }[] = [];
  const headBytes = unitsCoveringMs(pauseAskedBefore(input), input.audio.sampleRate) * blockAlign;
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* silenceChunks(headBytes);
    for (const [position, key] of input.segmentKeys.entries()) {
      const reader = new ByteReader(input.storage.get(key));
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
      const pauseBytes = unitsCoveringMs(pauseAskedAfter(input, position), input.audio.sampleRate) * blockAlign;
      segmentBytes.push({ bytes: written, pauseBytes });
      yield* silenceChunks(pauseBytes);
    }
  }
  const info = await putStream(input.storage, input.outputKey, body(), CONTENT_TYPES.pcm);
  const bytesPerMs = (input.audio.sampleRate * blockAlign) / 1000;
  let start = headBytes;
  const segments: StitchedSegment[] = segmentBytes.map(({ bytes, pauseBytes }, position) => {
    const result = { position, startMs: start / bytesPerMs, durationMs: bytes / bytesPerMs, pauseAfterMs: pauseBytes / bytesPerMs, bytes };
    start += bytes + pauseBytes;
    return result;
  });
  return {
    durationMs: start / bytesPerMs,
    pauseBeforeMs: headBytes / bytesPerMs,
    bytes: info.size,
    sampleRate: input.audio.sampleRate,
    channels: input.audio.channels,
    segments,
  };
}

import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { buildWavHeader, MAX_RIFF_SIZE, pcm16FmtChunk } from '../audio/wav/build-wav-header.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { prefetchedHeads } from '../storage/prefetched-reads.ts';
import { pauseAskedBefore } from './pauses.ts';
import { pauseBytesAfter, pcmBook, pcmStitchResult, pcmTallyBytes } from './pcm-stitch.ts';
import { putStreamWithHeader } from './put-stream.ts';
import { segmentLabel } from './segment-label.ts';
import type { StitchInput, StitchResult } from './stitch-types.ts';
import { unitsCoveringMs } from '../audio/pause-length.ts';

export interface PcmToWavOptions {
  /** Passed to buildWavHeader: lets tests check RF64 output without writing 4 GiB. */
  rf64AboveRiffSize?: number;
}

/**
 * The most sample bytes the book can hold: every segment object whole (a WAV header some
 * providers put on their "pcm" counts as samples here, so this only ever overshoots) plus the
 * head and every pause. Decides RIFF or RF64 before a byte is read.
 */
async function dataBytesBound(input: StitchInput): Promise<number> {
  const blockAlign = 2 * input.audio.channels;
  let bound = unitsCoveringMs(pauseAskedBefore(input), input.audio.sampleRate) * blockAlign;
  let position = 0;
  for await (const info of prefetchedHeads(input.storage, input.segmentKeys)) {
    if (info === null) {
      const key = input.segmentKeys[position] as string;
      throw new TtsBatchError('NOT_FOUND', `${segmentLabel(position, key)} is not in storage`, { value: key, retryable: false });
    }
    bound += info.size + pauseBytesAfter(input, position);
    position += 1;
  }
  return bound;
}

/**
 * PCM segments joined into a WAV file in one pass: the same samples and pauses as stitchPcm,
 * behind a header whose sizes are only known once the body is through, so the storage writes
 * it last (putWithDeferredHeader). Its length must be fixed up front: RIFF (44 bytes) unless
 * the bound on the data could pass the 32-bit sizes, then RF64 (with ds64) even if the real
 * data turns out to fit.
 */
export async function stitchPcmAsWav(input: StitchInput, options: PcmToWavOptions = {}): Promise<StitchResult> {
  const fmt = pcm16FmtChunk(input.audio.sampleRate, input.audio.channels);
  const blockAlign = 2 * input.audio.channels;
  const limit = options.rf64AboveRiffSize ?? MAX_RIFF_SIZE;
  const bound = await dataBytesBound(input);
  const planned = buildWavHeader({ fmt, dataBytes: bound, blockAlign, rf64AboveRiffSize: limit });
  const rf64 = String.fromCharCode(...planned.subarray(0, 4)) === 'RF64';
  const { body, tally } = pcmBook(input);
  // The data is whole sample frames (even), so no pad byte follows it.
  const finalHeader = (): Uint8Array =>
    buildWavHeader({ fmt, dataBytes: pcmTallyBytes(tally), blockAlign, rf64AboveRiffSize: rf64 ? 0 : limit });
  const info = await putStreamWithHeader(input.storage, input.outputKey, planned.length, body, finalHeader, CONTENT_TYPES.wav);
  return pcmStitchResult(input, tally, info.size);
}

import type { AudioFormat } from '../audio/audio-settings.ts';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { InputError } from '../errors/input-error.ts';
import { validateChapters } from './chapter-marks.ts';
import { stitchMp3 } from './mp3-stitch.ts';
import { validatePauses } from './pauses.ts';
import { stitchPcm } from './pcm-stitch.ts';
import { stitchPcmAsWav } from './pcm-to-wav.ts';
import type { StitchInput, StitchResult } from './stitch-types.ts';
import { stitchWav } from './wav-stitch.ts';

/**
 * Joins the segments into one finished object at `outputKey`, streaming: memory does not grow
 * with the book. Durations are counted from the audio itself. A segment in another format
 * than the first (or than `input.audio`) is an AudioFormatError, never a garbled file. Pauses
 * (`pausesAfterMs`) are written as silence after their segments and counted in every time.
 */
export async function stitch(input: StitchInput): Promise<StitchResult> {
  if (input.segmentKeys.length === 0) throw new InputError('segmentKeys', 'at least one segment is needed to stitch', input.segmentKeys);
  validateChapters(input.chapters ?? [], input.segmentKeys.length);
  validatePauses(input);
  const outputFormat = input.outputFormat ?? input.audio.format;
  if (input.tap !== undefined && !joinsInFileOrder(input.audio.format, outputFormat)) {
    throw new InputError(
      'tap',
      `a ${input.audio.format} → ${outputFormat} join writes its header last: its bytes cannot be tapped in file order`,
      outputFormat,
    );
  }
  if (outputFormat !== input.audio.format) {
    // The same samples in another container: stitchPcm reads WAV-headed segments already (wav →
    // pcm), and stitchPcmAsWav puts a header on its samples (pcm → wav).
    if (input.audio.format === 'wav' && outputFormat === 'pcm') return stitchPcm(input);
    if (input.audio.format === 'pcm' && outputFormat === 'wav') return stitchPcmAsWav(input);
    throw new AudioFormatError(`${input.audio.format} segments cannot be joined into ${outputFormat} without re-encoding`, outputFormat);
  }
  switch (input.audio.format) {
    case 'mp3':
      return stitchMp3(input);
    case 'wav':
      return stitchWav(input);
    case 'pcm':
      return stitchPcm(input);
    case 'flac':
      throw new AudioFormatError('flac stitching is not supported yet', input.audio.format);
  }
}

/**
 * Whether the join of `segments` into `output` writes its object front to back: headerless pcm,
 * and WAV from WAV (its sizes read first). pcm → WAV and MP3 write their header last
 * (putWithDeferredHeader), once the body has gone by.
 */
export function joinsInFileOrder(segments: AudioFormat, output: AudioFormat): boolean {
  return output === 'pcm' ? segments === 'pcm' || segments === 'wav' : output === 'wav' && segments === 'wav';
}

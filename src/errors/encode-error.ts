import { TtsBatchError } from './tts-batch-error.ts';

/**
 * ffmpeg wrote an output file that does not measure as it should: no audio stream ffprobe can
 * read, or another length than the audio it was made from. Not retryable: the same input and
 * command write the same file. A failed ffmpeg or ffprobe run itself is an FfmpegError.
 */
export class EncodeError extends TtsBatchError {
  /** The output ("the m4b output", "the mp3 file of chapter 3"). */
  readonly what: string;

  constructor(message: string, what: string, found?: unknown) {
    super('ENCODE_FAILED', message, { value: { what, found }, retryable: false });
    this.what = what;
  }
}

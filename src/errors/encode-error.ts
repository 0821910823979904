import { TtsBatchError } from './tts-batch-error.ts';

/** What a failed ffmpeg or ffprobe run left behind: enough to tell why without running it again. */
export interface EncodeFailure {
  /** `ffmpeg` or `ffprobe`. */
  tool: string;
  /** The output being written or measured ("mp3 output", "chapter 3 file"). */
  what: string;
  exitCode: number | null;
  signal: string | null;
  /** The end of the tool's stderr on one line, where ffmpeg puts the cause. */
  stderr: string;
}

/**
 * ffmpeg could not write an output file, or the file it wrote does not measure as audio. Not
 * retryable: the same input and command fail the same way (a full disk is reported in `stderr`).
 */
export class EncodeError extends TtsBatchError {
  readonly failure: EncodeFailure;

  constructor(message: string, failure: EncodeFailure) {
    super('ENCODE_FAILED', message, { value: failure, retryable: false });
    this.failure = failure;
  }
}

import { TtsBatchError } from './tts-batch-error.ts';

/** What one ffmpeg run did when it failed: which step, how it ended, and its last words. */
export interface FfmpegFailure {
  /** The mastering step ('decode', 'measure', 'master', 'encode', …), for the message and logs. */
  step: string;
  exitCode: number | null;
  signal: string | null;
  /** The end of ffmpeg's stderr, on one line. */
  stderrTail: string;
}

/**
 * An ffmpeg run that did not finish cleanly. Retryable: ffmpeg failing on audio it had already
 * decoded once (a killed process, a full temp disk) is a passing fault; a damaged segment is an
 * AudioFormatError, found when the segment is decoded.
 */
export class FfmpegError extends TtsBatchError {
  constructor(failure: FfmpegFailure) {
    const how = failure.exitCode === null ? `was killed by ${failure.signal ?? 'a signal'}` : `exited with code ${failure.exitCode}`;
    super('FFMPEG_FAILED', `ffmpeg (${failure.step}) ${how}: ${failure.stderrTail}`, { value: failure, retryable: true });
  }
}

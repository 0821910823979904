import { TtsBatchError } from './tts-batch-error.ts';

/** What a failed ffmpeg or ffprobe run left behind: enough to tell why without running it again. */
export interface FfmpegFailure {
  /** `ffmpeg` or `ffprobe`. */
  tool: string;
  /** The work it was doing ("the m4b output", "the measuring pass"), for the message and logs. */
  what: string;
  exitCode: number | null;
  signal: string | null;
  /** The end of the tool's stderr on one line, where ffmpeg puts the cause. */
  stderrTail: string;
}

/** "exited with code 1", "was killed by SIGKILL": how a run ended, for messages. */
export function describeExit(failure: Pick<FfmpegFailure, 'exitCode' | 'signal'>): string {
  return failure.exitCode === null ? `was killed by ${failure.signal ?? 'a signal'}` : `exited with code ${failure.exitCode}`;
}

/** ffmpeg's words for a full disk or quota (strerror of ENOSPC, EDQUOT). */
const DISK_FULL = /No space left on device|Disk quota exceeded/i;

/**
 * An ffmpeg or ffprobe run that ended with an error code or a signal. Retryable only when the
 * cause passes: a process killed from outside (a shutdown's killLiveFfmpeg, the OOM killer) or
 * a full disk. Any other exit is the same command failing on the same files, which fails the
 * same way again. (An abort is not an FfmpegError: the run throws the signal's reason.)
 */
export class FfmpegError extends TtsBatchError {
  readonly failure: FfmpegFailure;

  constructor(failure: FfmpegFailure) {
    super('FFMPEG_FAILED', `${failure.tool} failed on ${failure.what}: it ${describeExit(failure)}: ${failure.stderrTail}`, {
      value: failure,
      retryable: failure.exitCode === null || DISK_FULL.test(failure.stderrTail),
    });
    this.failure = failure;
  }
}

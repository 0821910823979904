import { AudioFormatError } from '../../errors/audio-format-error.ts';
import { describeExit, FfmpegError } from '../../errors/ffmpeg-error.ts';

/**
 * For runs whose input comes from outside (a provider's audio, a stored segment): ffmpeg
 * exiting with an error code means that audio is damaged, an AudioFormatError (not retryable;
 * the stitcher names the segment). `doing` ends "ffmpeg …: it exited with code 1: <stderr>".
 * A process killed by a signal (a shutdown) is not the audio's fault and passes on unchanged,
 * as does every other error.
 */
export function blameInput(error: unknown, doing: string): unknown {
  if (!(error instanceof FfmpegError) || error.failure.exitCode === null) return error;
  const { tool, exitCode, signal, stderrTail } = error.failure;
  return new AudioFormatError(`${tool} ${doing}: it ${describeExit(error.failure)}: ${stderrTail}`, { exitCode, signal });
}

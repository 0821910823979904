import { blameInput } from '../audio/ffmpeg/blame-input.ts';
import { streamTool } from '../audio/ffmpeg/run-tool.ts';

/**
 * Decodes an audio file to s16le at `sampleRate` and `channels`, streaming ffmpeg's stdout (read
 * only as fast as the caller pulls). From a file, not a pipe: only then does ffmpeg apply an
 * MP3's LAME delay and padding (gapless), which over a pipe it keeps (measured: 198 extra
 * samples of padding per espeak segment at 22.05 kHz, a silence at every seam). A decode error
 * is an AudioFormatError with ffmpeg's words; aborting or returning early kills the process.
 */
export async function* decodeFileToPcm(
  path: string,
  target: { sampleRate: number; channels: 1 | 2 },
  options: { signal?: AbortSignal | undefined; ffmpegPath?: string | undefined } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const args = ['-v', 'error', '-xerror', '-i', path, '-map', '0:a:0', '-ar', String(target.sampleRate)];
  args.push('-ac', String(target.channels), '-f', 's16le', 'pipe:1');
  try {
    yield* streamTool({ tool: 'ffmpeg', what: 'the segment', args, signal: options.signal, binary: options.ffmpegPath });
  } catch (error) {
    throw blameInput(error, 'could not decode the segment');
  }
}

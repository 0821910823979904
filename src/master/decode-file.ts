import { open, rm } from 'node:fs/promises';
import { blameInput } from '../audio/ffmpeg/blame-input.ts';
import { runTool } from '../audio/ffmpeg/run-tool.ts';

/** Read size of the decoded file: a few reads per second of audio, not one per MP3 frame. */
export const DECODE_READ_BYTES = 256 * 1024;

export interface DecodeFileOptions {
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
  /**
   * Read into this buffer and yield views of it, each valid only until the next chunk is pulled
   * (the assembly's: a chunk is written to the measuring ffmpeg before the next is pulled,
   * run-tool.ts). Without it, every chunk is a Buffer of its own.
   */
  buffer?: Uint8Array | undefined;
}

/**
 * Decodes an audio file to s16le at `sampleRate` and `channels`. From a file, not a pipe: only
 * then does ffmpeg apply an MP3's LAME delay and padding (gapless), which over a pipe it keeps
 * (measured: 198 extra samples of padding per espeak segment at 22.05 kHz, a silence at every
 * seam). A decode error is an AudioFormatError with ffmpeg's words; aborting kills the process.
 *
 * The PCM goes to a file beside `path` (`<path>.s16le`, removed on every way out) and is read
 * back in DECODE_READ_BYTES reads, not streamed from ffmpeg's stdout: on a pipe ffmpeg writes
 * each MP3 frame by itself (1,152 bytes at 24 kHz mono: 1,541 writes for a 37 s segment, ~220
 * reads in Node) and Node allocates a fresh Buffer for every read, so a 10-hour book went through
 * some 200,000 short-lived Buffers (1.7 GB), and the garbage waiting between collections set the
 * process's peak RSS, higher the longer the book (issue 11, master.memory: 94 MB for 1 hour,
 * 136 MB for 10). Read into `options.buffer`, the decode allocates nothing per chunk.
 */
export async function* decodeFileToPcm(
  path: string,
  target: { sampleRate: number; channels: 1 | 2 },
  options: DecodeFileOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const pcmPath = `${path}.s16le`;
  const args = ['-v', 'error', '-xerror', '-i', path, '-map', '0:a:0', '-ar', String(target.sampleRate)];
  args.push('-ac', String(target.channels), '-f', 's16le', '-y', pcmPath);
  try {
    try {
      await runTool({ tool: 'ffmpeg', what: 'the segment', args, signal: options.signal, binary: options.ffmpegPath });
    } catch (error) {
      throw blameInput(error, 'could not decode the segment');
    }
    const handle = await open(pcmPath, 'r');
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        const into = options.buffer ?? Buffer.allocUnsafe(DECODE_READ_BYTES);
        const { bytesRead } = await handle.read(into, 0, into.length, null);
        if (bytesRead === 0) return;
        yield into.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  } finally {
    await rm(pcmPath, { force: true });
  }
}

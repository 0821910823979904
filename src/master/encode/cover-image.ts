import { readFile } from 'node:fs/promises';
import { runTool } from '../../audio/ffmpeg/run-tool.ts';
import { FfmpegError } from '../../errors/ffmpeg-error.ts';
import { InputError } from '../../errors/input-error.ts';

export interface CoverImage {
  path: string;
  mime: 'image/jpeg' | 'image/png';
  bytes: Buffer;
  width: number;
  height: number;
}

/**
 * A FLAC metadata block (the picture block, and the Vorbis comment holding an Opus cover) has a
 * 24-bit length: 16 MiB. Half that leaves room for the base64 an Opus comment needs; covers
 * are rarely over 1 MiB (retailers ask for 2400 × 2400 JPEG).
 */
export const MAX_COVER_BYTES = 8 * 1024 * 1024;

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** Reads and checks the cover (JPEG or PNG by content, not name); ffprobe decodes it for its size. */
export async function readCover(path: string, signal: AbortSignal | undefined): Promise<CoverImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path, signal === undefined ? {} : { signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw new InputError('coverPath', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
  }
  if (bytes.length > MAX_COVER_BYTES) {
    throw new InputError('coverPath', `${path} has ${bytes.length} bytes; a cover may have at most ${MAX_COVER_BYTES} (8 MiB)`, path);
  }
  const mime = startsWith(bytes, JPEG_MAGIC) ? 'image/jpeg' : startsWith(bytes, PNG_MAGIC) ? 'image/png' : undefined;
  if (mime === undefined) throw new InputError('coverPath', `${path} is neither a JPEG nor a PNG image`, path);
  let probed: { streams?: { width?: number; height?: number }[] };
  try {
    const { stdout } = await runTool({
      tool: 'ffprobe',
      what: 'the cover',
      args: ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', path],
      signal,
    });
    probed = JSON.parse(stdout.toString('utf8')) as typeof probed;
  } catch (error) {
    if (!(error instanceof FfmpegError)) throw error;
    throw new InputError('coverPath', `${path} does not decode as an image: ${error.failure.stderrTail}`, path);
  }
  const { width = 0, height = 0 } = probed.streams?.[0] ?? {};
  if (width <= 0 || height <= 0)
    throw new InputError('coverPath', `${path} does not decode as an image: ffprobe reads no width and height`, path);
  return { path, mime, bytes, width, height };
}

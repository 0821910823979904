import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AudioSettings } from '../audio/audio-settings.ts';
import { decodeFileToPcm } from './decode-file.ts';
import { passThroughOrTranscode } from '../audio/transcode.ts';
import { clampDataBytes, readWavLayout } from '../audio/wav-layout.ts';
import { NotFoundError } from '../errors/not-found-error.ts';
import { segmentLabel } from '../stitcher/segment-label.ts';
import type { Storage } from '../storage/storage.ts';
import { ByteReader } from '../util/byte-reader.ts';

export interface SegmentDecode {
  storage: Storage;
  key: string;
  position: number;
  segmentAudio: AudioSettings;
  /** s16le at this rate and channel count comes out. */
  sampleRate: number;
  channels: 1 | 2;
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
  /** Where a compressed segment is copied to be decoded from a file (see decode-file.ts). */
  tempDir: string;
  /**
   * An MP3 or FLAC segment's decode is read into this buffer: its chunks are views of it, each
   * valid only until the next is pulled (decode-file.ts). Without it, each chunk is its own.
   */
  buffer?: Uint8Array | undefined;
}

const READ_SIZE = 256 * 1024;

/**
 * One segment as s16le at the master's rate and channels. A WAV already in that shape (16-bit
 * PCM) has its data payload copied without ffmpeg, as raw pcm passes through: a book of a
 * thousand WAV segments must not start a thousand processes. MP3 and FLAC are copied to a temp
 * file and decoded from it to another (gapless, see decode-file.ts); WAV or PCM at another rate goes
 * through ffmpeg stdin → stdout. One process per such segment.
 */
export async function* decodeSegment(decode: SegmentDecode): AsyncGenerator<Uint8Array, void, undefined> {
  const { storage, key, segmentAudio } = decode;
  if (segmentAudio.format === 'wav') {
    const info = await storage.head(key);
    if (info === null) throw new NotFoundError(`${segmentLabel(decode.position, key)} is not in storage`, key);
    const reader = new ByteReader(storage.get(key));
    try {
      const layout = await readWavLayout(reader, segmentLabel(decode.position, key));
      if (
        layout.formatTag === 1 &&
        layout.bitsPerSample === 16 &&
        layout.sampleRate === decode.sampleRate &&
        layout.channels === decode.channels
      ) {
        let left = clampDataBytes(layout, info.size);
        while (left > 0) {
          decode.signal?.throwIfAborted();
          const chunk = await reader.read(Math.min(READ_SIZE, left));
          if (chunk === null) break;
          left -= chunk.length;
          yield chunk;
        }
        return;
      }
    } finally {
      await reader.close();
    }
  }
  if (segmentAudio.format === 'mp3' || segmentAudio.format === 'flac') {
    // Copied to a file first: ffmpeg honours an MP3's gapless delay and padding only from a file.
    const copy = join(decode.tempDir, `segment-${decode.position}.${segmentAudio.format}`);
    try {
      await pipeline(
        Readable.from(storage.get(key)),
        createWriteStream(copy),
        decode.signal === undefined ? {} : { signal: decode.signal },
      );
      yield* decodeFileToPcm(copy, decode, { signal: decode.signal, ffmpegPath: decode.ffmpegPath, buffer: decode.buffer });
    } finally {
      await rm(copy, { force: true });
    }
    return;
  }
  yield* passThroughOrTranscode(
    storage.get(key),
    { format: 'pcm', sampleRate: decode.sampleRate, channels: decode.channels },
    {
      inputFormat: segmentAudio.format,
      inputSampleRate: segmentAudio.sampleRate,
      inputChannels: segmentAudio.channels,
      ...(decode.signal === undefined ? {} : { signal: decode.signal }),
      ...(decode.ffmpegPath === undefined ? {} : { ffmpegPath: decode.ffmpegPath }),
    },
  );
}

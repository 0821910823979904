import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { walkMp3Frames } from '../../src/audio/mp3-frame-walker.ts';

/** sha256 of every audio frame of an mp3 file, in order (tags and Xing/Info frame excluded), and the count. */
export async function mp3FrameDigest(paths: readonly string[]): Promise<{ sha256: string; frames: number }> {
  const hash = createHash('sha256');
  let frames = 0;
  for (const path of paths) {
    for await (const frame of walkMp3Frames(createReadStream(path) as AsyncIterable<Uint8Array>)) {
      hash.update(frame.bytes);
      frames += 1;
    }
  }
  return { sha256: hash.digest('hex'), frames };
}

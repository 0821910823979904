import { describe, expect, it } from 'vitest';
import { streamTool } from '../../src/audio/ffmpeg/run-tool.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';

const CHUNK = 4096;
const CHUNKS = 512;

/** Chunk i is CHUNK bytes of the value i % 251, always in the same buffer, refilled as soon as the next is pulled. */
async function* oneBuffer(): AsyncGenerator<Uint8Array, void, undefined> {
  const buffer = new Uint8Array(CHUNK);
  for (let index = 0; index < CHUNKS; index += 1) {
    await Promise.resolve();
    buffer.fill(index % 251);
    yield buffer;
  }
}

/**
 * The assembly's decode hands out views of one buffer it refills (issue 11's master.memory): no
 * Buffer per chunk. That is only sound if run-tool writes each chunk to the pipe before it pulls
 * the next. With a 'drain'-only writer, a 4 KiB write returned true while still queued behind a
 * full pipe and was overwritten before ffmpeg read it: ~half the chunks came out as later ones.
 */
describe('streamTool stdin', () => {
  it('writes each chunk before pulling the next: a source may refill one buffer', async () => {
    await requireFfmpeg();
    const output: Buffer[] = [];
    // u8 in, u8 out: ffmpeg hands the bytes back unchanged.
    const args = ['-v', 'error', '-f', 'u8', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-c:a', 'pcm_u8', '-f', 'u8', 'pipe:1'];
    for await (const chunk of streamTool({ tool: 'ffmpeg', what: 'the echo', args, stdin: oneBuffer() })) output.push(chunk);
    const echoed = Buffer.concat(output);

    expect(echoed.length).toBe(CHUNK * CHUNKS);
    const wrong: number[] = [];
    for (let index = 0; index < CHUNKS; index += 1) {
      const chunk = echoed.subarray(index * CHUNK, (index + 1) * CHUNK);
      if (!chunk.every((byte) => byte === index % 251)) wrong.push(index);
    }
    expect(wrong).toEqual([]);
  });
});

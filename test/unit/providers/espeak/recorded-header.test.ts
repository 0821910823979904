import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readAudioHead } from '../../../../src/audio/audio-head.ts';
import { wavSamples } from '../../../../src/audio/wav-samples.ts';
import { espeakArguments } from '../../../../src/providers/espeak/arguments.ts';
import { realEspeakBinary } from '../../../support/harnesses/espeak.ts';

const FIXTURE = new URL('../../../fixtures/providers/espeak/header.bin', import.meta.url);

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield await Promise.resolve(bytes.subarray(at, at + size));
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

/** The first `count` bytes the installed espeak-ng writes to a pipe for `text`, run with the client's arguments. */
function espeakHead(text: string, count: number): Promise<Buffer> {
  const args = espeakArguments({ voice: 'en-us', voiceSettings: {} }, false);
  return new Promise((resolve, reject) => {
    const child = spawn(realEspeakBinary(), args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const parts: Buffer[] = [];
    child.stdout.on('data', (part: Buffer) => parts.push(part));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(parts).subarray(0, count)));
    child.stdin.end(text);
  });
}

describe("espeak-ng's recorded wav header", () => {
  it('is parsed by the client: 22,050 Hz mono, and every byte after it is a sample, whatever size the header claims', async () => {
    const header = new Uint8Array(await readFile(FIXTURE));
    expect(header.length).toBe(44);
    const samples = Uint8Array.from({ length: 441 * 2 }, (_, i) => (i * 7) % 256);
    const wav = Buffer.concat([header, samples]);
    for (const size of [1, 13, wav.length]) {
      const pcm = await wavSamples(inChunks(wav, size));
      expect(pcm?.sampleRate, `chunks of ${size}`).toBe(22_050);
      expect(pcm?.channels).toBe(1);
      expect((await collect(pcm!.samples)).equals(samples)).toBe(true);
    }
    // The answer check reads the same header and trusts no length from it: the sizes are placeholders.
    expect(readAudioHead(wav, false)).toEqual({
      container: 'wav',
      formatTag: 1,
      channels: 1,
      sampleRate: 22_050,
      blockAlign: 2,
      bitsPerSample: 16,
      dataOffset: 44,
    });
  });

  it('is what the installed espeak-ng writes to a pipe today', async () => {
    const header = await readFile(FIXTURE);
    expect((await espeakHead('Hello.', 44)).equals(header)).toBe(true);
  });
});

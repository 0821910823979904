import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors/provider-error.ts';
import { wavSamples } from '../../../src/audio/wav-samples.ts';

/** A wav header as espeak-ng writes it to a pipe: sizes claim 0x7FFFF000 bytes. */
function espeakHeader(sampleRate = 22050, channels = 1, bits = 16, tag = 1): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(0x7ffff024, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(tag, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  header.writeUInt16LE((channels * bits) / 8, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(0x7ffff000, 40);
  return header;
}

async function* chunks(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    yield await Promise.resolve(bytes.subarray(at, at + size));
    at += size;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('wav samples from espeak', () => {
  const samples = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  it('hands back exactly the samples after the header, whatever size the header claims', async () => {
    const pcm = await wavSamples(chunks(Buffer.concat([espeakHeader(), samples]), [100]));
    expect(pcm?.sampleRate).toBe(22050);
    expect(pcm?.channels).toBe(1);
    expect((await collect(pcm!.samples)).equals(samples)).toBe(true);
  });

  it('waits for a header split across reads, and reads other chunks before data', async () => {
    const list = Buffer.alloc(8 + 6);
    list.write('LIST', 0, 'latin1');
    list.writeUInt32LE(6, 4);
    const header = espeakHeader(16000, 2);
    const withList = Buffer.concat([header.subarray(0, 36), list, header.subarray(36), samples]);
    const pcm = await wavSamples(chunks(withList, [3, 10, 7, 25, 1, 1]));
    expect(pcm?.sampleRate).toBe(16000);
    expect(pcm?.channels).toBe(2);
    expect((await collect(pcm!.samples)).equals(samples)).toBe(true);
  });

  it('resolves undefined when the output ends inside the header (the exit says why)', async () => {
    expect(await wavSamples(chunks(espeakHeader().subarray(0, 30), []))).toBeUndefined();
    expect(await wavSamples(chunks(Buffer.alloc(0), []))).toBeUndefined();
  });

  it('refuses output that is not 16-bit PCM wav, as fatal', async () => {
    for (const bytes of [
      Buffer.from('Usage: espeak-ng [options]'),
      espeakHeader(22050, 1, 8),
      espeakHeader(22050, 1, 16, 3),
      espeakHeader(22050, 3),
    ]) {
      const failure = await wavSamples(chunks(bytes, [])).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure, bytes.subarray(0, 12).toString('latin1')).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).kind).toBe('fatal');
      expect((failure as ProviderError).providerCode).toBe('NOT_WAV');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { joinsInFileOrder, stitch } from '../../../src/stitcher/stitch.ts';
import { synthMp3, synthPcm, synthWav } from '../../support/audio-synth.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

describe('stitch', () => {
  it('refuses flac for now', async () => {
    const storage = new MemoryStorage();
    storage.set('a.flac', Uint8Array.of(0x66, 0x4c, 0x61, 0x43));
    const failure = stitch({
      storage,
      segmentKeys: ['a.flac'],
      audio: { format: 'flac', sampleRate: 24000, channels: 1 },
      outputKey: 'out.flac',
    });
    await expect(failure).rejects.toBeInstanceOf(AudioFormatError);
    await expect(failure).rejects.toThrow('flac stitching is not supported yet');
  });

  it('needs at least one segment', async () => {
    const failure = stitch({
      storage: new MemoryStorage(),
      segmentKeys: [],
      audio: { format: 'mp3', sampleRate: 24000, channels: 1 },
      outputKey: 'out.mp3',
    });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(/segmentKeys: at least one segment/);
  });

  it.each([
    [[{ title: 'A', firstSegment: 2 }], /chapters\[0\]\.firstSegment: must be a segment position from 0 to 1/],
    [
      [
        { title: 'A', firstSegment: 1 },
        { title: 'B', firstSegment: 1 },
      ],
      /chapters\[1\]\.firstSegment: must be greater than the previous chapter's \(1\)/,
    ],
    [[{ title: 'A', firstSegment: 0.5 }], /chapters\[0\]\.firstSegment/],
  ])('refuses chapters %j before reading any audio', async (chapters, message) => {
    const storage = new MemoryStorage();
    const mp3 = synthMp3({ durationMs: 100, sampleRate: 24000, channels: 1 });
    storage.set('a', mp3);
    storage.set('b', mp3);
    const failure = stitch({
      storage,
      segmentKeys: ['a', 'b'],
      audio: { format: 'mp3', sampleRate: 24000, channels: 1 },
      outputKey: 'out.mp3',
      chapters,
    });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(message);
  });

  it('reports a missing segment and leaves no output behind', async () => {
    const storage = new MemoryStorage();
    storage.set('a', synthMp3({ durationMs: 100, sampleRate: 24000, channels: 1 }));
    await expect(
      stitch({ storage, segmentKeys: ['a', 'gone'], audio: { format: 'mp3', sampleRate: 24000, channels: 1 }, outputKey: 'out.mp3' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(storage.objects.has('out.mp3')).toBe(false);
  });
});

describe('MemoryStorage (test support)', () => {
  it('puts atomically: a body that throws leaves nothing at the key', async () => {
    const storage = new MemoryStorage();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(Uint8Array.of(1, 2, 3));
      throw new Error('source broke');
    }
    await expect(storage.put('k', failing())).rejects.toThrow('source broke');
    expect(await storage.head('k')).toBeNull();
  });

  it('serves ranges in chunks of the configured size', async () => {
    const storage = new MemoryStorage({ chunkSize: 3 });
    storage.set('k', Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    const chunks: number[][] = [];
    for await (const chunk of storage.get('k', { start: 2, end: 9 })) chunks.push(Array.from(chunk));
    expect(chunks).toEqual([[2, 3, 4], [5, 6, 7], [8]]);
  });

  it.each([
    ['pcm', 'pcm', true],
    ['wav', 'pcm', true],
    ['wav', 'wav', true],
    ['pcm', 'wav', false],
    ['mp3', 'mp3', false],
  ] as const)('%s segments into %s: written in file order is %s', (segments, output, inOrder) => {
    expect(joinsInFileOrder(segments, output)).toBe(inOrder);
  });

  it.each([
    ['pcm', 'pcm'],
    ['wav', 'pcm'],
    ['wav', 'wav'],
  ] as const)('a tap on a %s → %s join sees the written object, byte for byte and in order', async (segments, output) => {
    const storage = new MemoryStorage();
    const audio = { format: segments, sampleRate: 8000, channels: 1 } as const;
    const make = segments === 'wav' ? synthWav : synthPcm;
    storage.set('a', make({ durationMs: 300, sampleRate: 8000, channels: 1 }));
    storage.set('b', make({ durationMs: 200, sampleRate: 8000, channels: 1, frequencyHz: 660 }));
    const seen: Uint8Array[] = [];
    async function* tap(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        seen.push(Uint8Array.from(chunk));
        yield chunk;
      }
    }
    await stitch({ storage, segmentKeys: ['a', 'b'], audio, outputFormat: output, outputKey: 'out', pausesAfterMs: [100, 0], tap });
    expect(Buffer.concat(seen)).toEqual(Buffer.from(storage.objects.get('out') as Uint8Array));
  });

  it.each([
    ['pcm', 'wav'],
    ['mp3', 'mp3'],
  ] as const)('refuses a tap on a %s → %s join, whose header is written last', async (segments, output) => {
    const storage = new MemoryStorage();
    storage.set(
      'a',
      segments === 'mp3'
        ? synthMp3({ durationMs: 200, sampleRate: 24000, channels: 1 })
        : synthPcm({ durationMs: 200, sampleRate: 8000, channels: 1 }),
    );
    const failure = stitch({
      storage,
      segmentKeys: ['a'],
      audio: { format: segments, sampleRate: segments === 'mp3' ? 24000 : 8000, channels: 1 },
      outputFormat: output,
      outputKey: 'out',
      tap: (body) => body,
    });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(/^tap: a .* join writes its header last/);
    expect(storage.objects.has('out')).toBe(false);
  });
});

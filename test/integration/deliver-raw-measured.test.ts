import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWavHeader, pcm16FmtChunk } from '../../src/audio/wav/build-wav-header.ts';
import { deliverRaw } from '../../src/master/deliver-raw.ts';
import { measureLoudness } from '../../src/master/measure-loudness.ts';
import { LocalStorage } from '../../src/storage/local-storage.ts';
import { bytesBody } from '../../src/util/bytes-body.ts';
import { synthPcm, synthWav } from '../support/audio-synth.ts';
import { childProcesses } from '../support/child-processes.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';

let scratch: string;

beforeAll(async () => {
  await requireFfmpeg();
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-deliver-raw-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const SAMPLE_RATE = 16_000;

/** Three segments of tone, the second with a pause inside, in `format`, under a fresh storage root. */
async function storageWithSegments(format: 'pcm' | 'wav'): Promise<{ storage: LocalStorage; root: string; keys: string[] }> {
  const root = await mkdtemp(join(scratch, `${format}-`));
  const storage = new LocalStorage(root);
  const make = format === 'wav' ? synthWav : synthPcm;
  const keys = ['segments/a', 'segments/b', 'segments/c'].map((key) => `${key}.${format}`);
  const lengths = [900, 1400, 700];
  await Promise.all(
    keys.map((key, i) =>
      storage.put(
        key,
        bytesBody(
          make({
            durationMs: lengths[i] as number,
            sampleRate: SAMPLE_RATE,
            channels: 1,
            frequencyHz: 300 + 100 * i,
            ...(i === 1 ? { silences: [{ atMs: 300, durationMs: 500 }] } : {}),
          }),
        ),
      ),
    ),
  );
  return { storage, root, keys };
}

describe('deliverRaw, measured as it is written', () => {
  it.each(['pcm', 'wav'] as const)('%s: the figures are those of the written object, measured from a file', async (format) => {
    const { storage, root, keys } = await storageWithSegments(format);
    const delivered = await deliverRaw({
      storage,
      segmentKeys: keys,
      segmentAudio: { format, sampleRate: SAMPLE_RATE, channels: 1 },
      format,
      outputKey: `book/book.${format}`,
      chapters: [{ title: 'One', firstSegment: 0 }],
      pausesAfterMs: [250, 400, 0],
      pauseBeforeMs: 300,
    });
    // The reference: the object as stored, measured by measureLoudness from a file (headerless pcm given the WAV header it would have).
    const written = await readFile(join(root, 'book', `book.${format}`));
    const reference = join(scratch, `reference-${format}.wav`);
    await writeFile(
      reference,
      format === 'pcm'
        ? Buffer.concat([buildWavHeader({ fmt: pcm16FmtChunk(SAMPLE_RATE, 1), dataBytes: written.length, blockAlign: 2 }), written])
        : written,
    );
    expect(delivered.measurement).toEqual(await measureLoudness(reference));
    expect(delivered.measurement.durationMs).toBeCloseTo(delivered.stitched.durationMs, 3);
    // The head pause (over silencedetect's 0.2 s) is found where it was written, and the pause inside segment b.
    expect(delivered.measurement.headSilenceMs).toBeGreaterThanOrEqual(300);
    expect(delivered.measurement.headSilenceMs).toBeLessThan(330);
    expect(delivered.measurement.silences.length).toBeGreaterThanOrEqual(3);
    expect(await childProcesses()).toEqual([]);
  });

  it('a segment gone from storage fails the delivery, with nothing left at the key and no ffmpeg running', async () => {
    const { storage, root, keys } = await storageWithSegments('pcm');
    await rm(join(root, keys[2] as string));
    const failure = deliverRaw({
      storage,
      segmentKeys: keys,
      segmentAudio: { format: 'pcm', sampleRate: SAMPLE_RATE, channels: 1 },
      format: 'pcm',
      outputKey: 'book/book.pcm',
      chapters: [],
    });
    await expect(failure).rejects.toThrow(/no object at .*segments\/c\.pcm/);
    expect(await storage.head('book/book.pcm')).toBeNull();
    expect(await childProcesses()).toEqual([]);
  });
});

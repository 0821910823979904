import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../src/errors/audio-format-error.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { encodeOutput, type EncodeRequest } from '../../src/master/encode/encode-output.ts';
import { lavfiWav } from '../support/lavfi.ts';

let scratch: string;
let wav: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-encode-errors-'));
  wav = join(scratch, 'book.wav');
  await lavfiWav(wav, { seconds: 1, sampleRate: 16_000, channels: 1 });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const request = (overrides: Partial<EncodeRequest>): EncodeRequest => ({
  input: wav,
  outputPath: join(scratch, 'out', 'book.m4b'),
  format: 'm4b',
  chapters: [],
  tags: {},
  ...overrides,
});

describe('encode failures', () => {
  it('refuses an input that is not PCM in WAV, naming what it found', async () => {
    const mp3 = join(scratch, 'book.mp3');
    await encodeOutput(request({ outputPath: mp3, format: 'mp3' }));
    const error = await encodeOutput(request({ input: mp3 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as Error).message).toBe(`input: ${mp3} must be PCM in WAV; found mp3 in mp3`);
  });

  it('refuses a missing input as bad input', async () => {
    const error = await encodeOutput(request({ input: join(scratch, 'nope.wav') })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('input');
  });

  it('refuses a cover that is not a JPEG or PNG, or does not decode', async () => {
    const text = join(scratch, 'cover.txt');
    await writeFile(text, 'not a picture');
    const fake = join(scratch, 'fake.png');
    await writeFile(fake, Buffer.concat([Buffer.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), Buffer.alloc(64, 7)]));
    await expect(encodeOutput(request({ coverPath: text }))).rejects.toThrow(`coverPath: ${text} is neither a JPEG nor a PNG image`);
    await expect(encodeOutput(request({ coverPath: fake }))).rejects.toThrow(`coverPath: ${fake} does not decode as an image`);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../src/errors/audio-format-error.ts';
import { ConfigError } from '../../src/errors/config-error.ts';
import { EncodeError } from '../../src/errors/encode-error.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { encodeOutput, type EncodeRequest } from '../../src/master/encode/encode-output.ts';
import { runTool } from '../../src/master/encode/run-tool.ts';
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

  it('turns a failed ffmpeg run into an EncodeError carrying the end of its stderr', async () => {
    const missing = join(scratch, 'missing.wav');
    const error = await runTool('ffmpeg', ['-v', 'error', '-i', missing, '-f', 'null', '-'], { what: 'the test output' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(EncodeError);
    const failure = (error as EncodeError).failure;
    expect(failure).toMatchObject({ tool: 'ffmpeg', what: 'the test output', exitCode: 1, signal: null });
    expect(failure.stderr).toContain('No such file or directory');
    expect((error as EncodeError).message).toBe(`ffmpeg failed on the test output: it exited with code 1: ${failure.stderr}`);
    expect((error as EncodeError).retryable).toBe(false);
  });

  it('says how to install ffmpeg when it is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(scratch, 'empty-bin');
    try {
      const error = await runTool('ffmpeg', ['-version'], { what: 'nothing' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe('ffmpeg was not found on PATH: install ffmpeg (apt-get install ffmpeg)');
    } finally {
      process.env.PATH = path;
    }
  });
});

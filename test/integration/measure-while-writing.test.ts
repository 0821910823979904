import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoudness } from '../../src/master/measure-loudness.ts';
import { measureWhileWriting, type WrittenMeasurement } from '../../src/master/measure-while-writing.ts';
import { childProcesses } from '../support/child-processes.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';

let scratch: string;
/** 3 s of a 440 Hz tone, then 1 s of digital silence: 24 kHz mono s16 WAV (a 44-byte header). */
let wavPath: string;
let wav: Buffer;

beforeAll(async () => {
  await requireFfmpeg();
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-measure-written-'));
  wavPath = join(scratch, 'book.wav');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=3:sample_rate=24000,apad=pad_dur=1',
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    '-bitexact',
    wavPath,
  ]);
  wav = await readFile(wavPath);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** `bytes` in chunks of `size`, each a fresh copy (as storage reads hand them out). */
function chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(Uint8Array.from(bytes.subarray(at, at + size)));
  return Readable.from(chunks);
}

/** Drains the tapped body as storage.put would; what it threw, or undefined. */
async function drain(measuring: WrittenMeasurement, body: AsyncIterable<Uint8Array>): Promise<unknown> {
  try {
    for await (const _ of measuring.tap(body)) {
      // a storage writing the chunk
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The 44-byte header the ffmpeg above writes with -bitexact (checked, not assumed). */
function samplesOf(file: Buffer): Buffer {
  expect(file.toString('latin1', 36, 40), 'the data chunk right after fmt').toBe('data');
  return file.subarray(44);
}

describe('measureWhileWriting', () => {
  it('measures a WAV fed as it is written exactly as measureLoudness measures the file', async () => {
    const fromFile = await measureLoudness(wavPath);
    const measuring = measureWhileWriting({ container: 'wav' }, { what: 'book.wav' });
    expect(await drain(measuring, chunked(wav, 7000))).toBeUndefined();
    expect(await measuring.result()).toEqual(fromFile);
    expect(fromFile.durationMs).toBeCloseTo(4000, 0);
    expect(fromFile.tailSilenceMs).toBeGreaterThan(900);
  });

  it('measures headerless samples as the WAV they would be: the same figures, the same stream facts', async () => {
    const fromFile = await measureLoudness(wavPath);
    const measuring = measureWhileWriting({ container: 'pcm', sampleRate: 24_000, channels: 1 }, { what: 'book.pcm' });
    expect(await drain(measuring, chunked(samplesOf(wav), 4096))).toBeUndefined();
    expect(await measuring.result()).toEqual(fromFile);
  });

  it('stops at the body’s failure: the tap rethrows it, the result rejects, and no ffmpeg is left', async () => {
    const measuring = measureWhileWriting({ container: 'wav' }, { what: 'book.wav' });
    const broken = new Error('segment 3 vanished');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield* chunked(wav.subarray(0, 20_000), 5000);
      throw broken;
    }
    expect(await drain(measuring, failing())).toBe(broken);
    await expect(measuring.result()).rejects.toThrow(/not written to its end/);
    expect(await childProcesses(), 'ffmpeg killed and reaped').toEqual([]);
  });

  it('a body failing after ffprobe has started (64 KiB in) stops both, with no rejection left unhandled', async () => {
    const measuring = measureWhileWriting({ container: 'wav' }, { what: 'book.wav' });
    const broken = new Error('the put failed');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield* chunked(wav.subarray(0, 100_000), 10_000);
      throw broken;
    }
    expect(await drain(measuring, failing())).toBe(broken);
    // The probe is killed while nobody waits on it yet: once it is reaped, its rejection has
    // happened, and one more turn lets an unhandled one surface (vitest fails the run on it).
    await pollUntil('ffprobe and ffmpeg reaped', childProcesses, (children) => children.length === 0, 10_000, 5);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(measuring.result()).rejects.toThrow(/not written to its end/);
    expect(await childProcesses()).toEqual([]);
  });

  it('gives headerless samples the bit rate ffprobe would, rounded to kbps (22,050 Hz: 353)', async () => {
    const measuring = measureWhileWriting({ container: 'pcm', sampleRate: 22_050, channels: 1 }, { what: 'book.pcm' });
    expect(await drain(measuring, chunked(samplesOf(wav), 4096))).toBeUndefined();
    expect((await measuring.result()).bitrateKbps).toBe(353);
  });

  it('rejects a file ffprobe cannot read, and the writer learns of it instead of writing on', async () => {
    const measuring = measureWhileWriting({ container: 'wav' }, { what: 'notes.wav' });
    const text = Buffer.from('this is not audio at all\n'.repeat(20_000));
    const drained = await drain(measuring, chunked(text, 16 * 1024));
    const error = await measuring.result().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(String(error)).toMatch(/^FfmpegError: ffprobe failed on probing notes\.wav/);
    // The writer either finished first (the failure came after its last chunk) or got the same error.
    if (drained !== undefined) expect(drained).toBe(error);
    expect(await childProcesses()).toEqual([]);
  });

  it('an abort ends the writer’s wait on a pipe the killed ffmpeg no longer reads, with the reason', async () => {
    const controller = new AbortController();
    const measuring = measureWhileWriting(
      { container: 'pcm', sampleRate: 8000, channels: 1 },
      { what: 'endless.pcm', signal: controller.signal },
    );
    let written = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        await Promise.resolve(); // a storage read's turn
        const chunk = new Uint8Array(64 * 1024);
        written += chunk.length;
        // Well past what the pipe and ffmpeg hold: the writer is waiting for room when this fires.
        if (written === 64 * 1024 * 64) controller.abort(new Error('render cancelled'));
        yield chunk;
      }
    }
    const drained = await drain(measuring, endless());
    expect(String(drained)).toBe('Error: render cancelled');
    await expect(measuring.result()).rejects.toThrow('render cancelled');
    expect(await childProcesses()).toEqual([]);
  });
});

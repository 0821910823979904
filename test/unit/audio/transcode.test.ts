import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMp3WalkReport, walkMp3Frames } from '../../../src/audio/mp3-frame-walker.ts';
import { passThroughOrTranscode, transcode } from '../../../src/audio/transcode.ts';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { AudioFormatError } from '../../../src/errors/audio-format-error.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { synthMp3, synthPcm, synthWav } from '../../support/audio-synth.ts';
import { ffmpegDecodeSamples, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';
import { probeAudio } from './probe-audio.ts';

async function* chunksOf(bytes: Uint8Array, size = 8 * 1024): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    await Promise.resolve(); // arrives like network reads, one per turn
    yield bytes.subarray(offset, offset + size);
  }
}

/** Like a download whose socket is destroyed midway: some bytes, then an error. */
async function* cutAfter(bytes: Uint8Array, cutAt: number, error: Error): AsyncGenerator<Uint8Array, void, undefined> {
  yield* chunksOf(bytes.subarray(0, cutAt));
  throw error;
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const WAV_24K_MONO = synthWav({ durationMs: 2_000, sampleRate: 24_000, channels: 1 });

let scratch: string;
/** An ffmpeg wrapper that records each process id it runs as, so tests can check it died. */
let recordingFfmpeg: string;
let pidFile: string;
/** The tempDir given to mp3 conversions, to see that they leave nothing behind. */
let mp3Temp: string;

beforeAll(async () => {
  await requireFfmpeg();
  scratch = await mkdtemp(join(tmpdir(), 'tts-batch-transcode-'));
  pidFile = join(scratch, 'pids');
  recordingFfmpeg = join(scratch, 'ffmpeg');
  await writeFile(recordingFfmpeg, `#!/bin/sh\necho $$ >> '${pidFile}'\nexec ffmpeg "$@"\n`);
  await chmod(recordingFfmpeg, 0o755);
  mp3Temp = join(scratch, 'mp3-temp');
  await mkdir(mp3Temp);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function lastPid(): Promise<number> {
  const pids = (await readFile(pidFile, 'utf8')).trim().split('\n');
  return Number(pids.at(-1));
}

describe('transcode', () => {
  it('turns a 24 kHz mono wav into a 32 kHz stereo CBR mp3 led by a LAME Info frame, decoding to exactly its length', async () => {
    const target: AudioSettings = { format: 'mp3', sampleRate: 32_000, channels: 2, bitrate: 64_000 };
    const mp3 = await collect(transcode(chunksOf(WAV_24K_MONO), target, { tempDir: mp3Temp }));
    expect(Array.from(mp3.subarray(0, 2)), 'output must start with a frame sync (no ID3)').toEqual([0xff, 0xfb]);
    const probed = await probeAudio(mp3, 'mp3');
    expect(probed).toMatchObject({ formatName: 'mp3', codec: 'mp3', sampleRate: 32_000, channels: 2, bitRate: 64_000 });
    // The Info frame says how many frames follow and what of them is the encoder's delay and padding.
    const report = createMp3WalkReport();
    let frames = 0;
    for await (const _frame of walkMp3Frames(chunksOf(mp3), report)) frames += 1;
    expect(report.vbrHeader?.kind).toBe('Info');
    expect(report.vbrHeader?.frames).toBe(frames);
    expect(report.vbrHeader?.lame?.encoderDelay, "libmp3lame's delay").toBe(576);
    expect(report.vbrHeader?.lame?.padding).toBeGreaterThan(0);
    // Gapless: with them cut, a decode gives the input's 2 s to the sample (64,000 at 32 kHz).
    const decoded = await withTempFile(mp3, 'mp3', (path) => ffmpegDecodeSamples(path));
    expect(decoded.errors).toBe('');
    expect(decoded.samples.length / 2).toBe(64_000);
    expect(await readdir(mp3Temp), 'the encoded temp file is removed').toEqual([]);
  });

  it('turns an mp3 into a 16 kHz mono wav, probing the input when its format is not given', async () => {
    const mp3 = synthMp3({ durationMs: 1_500, sampleRate: 44_100, channels: 2, bitrate: 128_000, id3: true });
    const wav = await collect(transcode(chunksOf(mp3), { format: 'wav', sampleRate: 16_000, channels: 1 }));
    const probed = await probeAudio(wav, 'wav');
    expect(probed).toMatchObject({ formatName: 'wav', codec: 'pcm_s16le', sampleRate: 16_000, channels: 1 });
    expect(Math.abs(probed.durationSeconds - 1.5)).toBeLessThan(0.1);
  });

  it('keeps samples bit-exact when only the container changes (wav → raw pcm)', async () => {
    const pcm = await collect(
      transcode(chunksOf(WAV_24K_MONO), { format: 'pcm', sampleRate: 24_000, channels: 1 }, { inputFormat: 'wav' }),
    );
    expect(Buffer.from(pcm).equals(Buffer.from(WAV_24K_MONO.subarray(44)))).toBe(true);
  });

  it('reads a piped wav whose header sizes are the 0xFFFFFFFF placeholder (what ffmpeg itself writes)', async () => {
    const piped = await collect(transcode(chunksOf(WAV_24K_MONO), { format: 'wav', sampleRate: 22_050, channels: 1 }));
    expect(new DataView(piped.buffer, piped.byteOffset).getUint32(4, true)).toBe(0xffffffff);
    const mp3 = await collect(transcode(chunksOf(piped), { format: 'mp3', sampleRate: 22_050, channels: 1, bitrate: 64_000 }));
    expect(Math.abs((await probeAudio(mp3, 'mp3')).durationSeconds - 2)).toBeLessThan(0.1);
  });

  it("reads a wav with espeak-ng's 0x7FFFF000 placeholder sizes", async () => {
    const streamed = WAV_24K_MONO.slice();
    new DataView(streamed.buffer).setUint32(4, 0x7ffff024, true);
    new DataView(streamed.buffer).setUint32(40, 0x7ffff000, true);
    const pcm = await collect(transcode(chunksOf(streamed), { format: 'pcm', sampleRate: 24_000, channels: 1 }));
    expect(pcm.length).toBe(WAV_24K_MONO.length - 44);
  });

  it('fails on a streamed wav (no length in its header) that ends inside a sample frame', async () => {
    const streamed = WAV_24K_MONO.slice(0, 44 + 10_001);
    new DataView(streamed.buffer).setUint32(40, 0xffffffff, true);
    const error = await collect(transcode(chunksOf(streamed), { format: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 64_000 })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as Error).message).toContain('ended inside a sample frame (1 of 2 bytes');
  });

  it('reads raw pcm when told its rate and channels', async () => {
    const pcm = synthPcm({ durationMs: 1_000, sampleRate: 22_050, channels: 2 });
    const wav = await collect(
      transcode(
        chunksOf(pcm),
        { format: 'wav', sampleRate: 24_000, channels: 1 },
        { inputFormat: 'pcm', inputSampleRate: 22_050, inputChannels: 2 },
      ),
    );
    const probed = await probeAudio(wav, 'wav');
    expect(probed).toMatchObject({ sampleRate: 24_000, channels: 1 });
    expect(Math.abs(probed.durationSeconds - 1)).toBeLessThan(0.05);
  });

  it('rethrows the error of an input cut midway instead of returning shorter audio', async () => {
    const cut = new Error('socket hang up');
    const converting = collect(
      transcode(
        cutAfter(WAV_24K_MONO, WAV_24K_MONO.length / 2, cut),
        { format: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 64_000 },
        { tempDir: mp3Temp },
      ),
    );
    await expect(converting).rejects.toBe(cut);
    expect(await readdir(mp3Temp), 'the half-encoded temp file is removed').toEqual([]);
  });

  it('fails on a wav that simply ends early (even on a sample boundary), naming both lengths', async () => {
    const short = WAV_24K_MONO.subarray(0, 44 + 24_000); // header + half a second
    const error = await collect(transcode(chunksOf(short), { format: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 64_000 })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as Error).message).toContain(`ended after ${short.length} of the ${WAV_24K_MONO.length} bytes`);
  });

  it("fails with ffmpeg's own words on input that is not audio", async () => {
    const error = await collect(
      transcode(chunksOf(new TextEncoder().encode('<html>403 Forbidden</html>'.repeat(50))), {
        format: 'wav',
        sampleRate: 24_000,
        channels: 1,
      }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as Error).message).toMatch(/ffmpeg could not convert the audio to wav 24000 Hz mono: it exited with code \d+: \S/);
  });

  it('says how to install ffmpeg when it is missing', async () => {
    const error = await collect(
      transcode(
        chunksOf(WAV_24K_MONO),
        { format: 'wav', sampleRate: 16_000, channels: 1 },
        { ffmpegPath: join(scratch, 'no-such-ffmpeg') },
      ),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('install ffmpeg (apt-get install ffmpeg)');
  });

  it('reads its input only as fast as its output is taken, and kills ffmpeg on an early return', async () => {
    // Ten minutes of raw 24 kHz audio (28.8 MB), made lazily so the test sees how much was pulled.
    const total = 10 * 60 * 24_000 * 2;
    const block = new Uint8Array(64 * 1024);
    let pulled = 0;
    async function* lazyPcm(): AsyncGenerator<Uint8Array, void, undefined> {
      while (pulled < total) {
        await Promise.resolve();
        pulled += block.length;
        yield block;
      }
    }
    const output = transcode(
      lazyPcm(),
      { format: 'pcm', sampleRate: 24_000, channels: 1 },
      { inputFormat: 'pcm', inputSampleRate: 24_000, inputChannels: 1, ffmpegPath: recordingFfmpeg },
    );
    let taken = 0;
    for await (const chunk of output) {
      taken += chunk.length;
      // A slow consumer (think: a throttled upload). Without backpressure the whole input is
      // pulled into memory meanwhile; with it, only what the pipes between us and ffmpeg hold.
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (taken >= 1024 * 1024) break;
    }
    expect(pulled, `pulled ${pulled} bytes of input for ${taken} bytes of output`).toBeLessThan(taken + 4 * 1024 * 1024);
    const pid = await lastPid();
    expect(isAlive(pid), `ffmpeg ${pid} still runs after the caller stopped reading`).toBe(false);
  });

  it('kills ffmpeg, removes its temp file and throws the reason when aborted while encoding mp3', async () => {
    const controller = new AbortController();
    const reason = new Error('render cancelled');
    // mp3 comes out only once encoded, so the abort comes while ffmpeg still reads: after 1 MiB
    // (22 s of audio) has gone in, and never an end.
    async function* endless(): AsyncGenerator<Uint8Array, void, undefined> {
      for (let pulled = 0; ; pulled += 1) {
        await Promise.resolve();
        if (pulled === 64) controller.abort(reason);
        yield new Uint8Array(16 * 1024);
      }
    }
    const output = transcode(
      endless(),
      { format: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 64_000 },
      {
        inputFormat: 'pcm',
        inputSampleRate: 24_000,
        inputChannels: 1,
        signal: controller.signal,
        ffmpegPath: recordingFfmpeg,
        tempDir: mp3Temp,
      },
    );
    const error = await collect(output).catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    const pid = await lastPid();
    expect(isAlive(pid), `ffmpeg ${pid} still runs after the abort`).toBe(false);
    expect(await readdir(mp3Temp), 'the temp file is removed').toEqual([]);
  });

  it('kills ffmpeg and throws the reason when aborted while streaming its output', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<Uint8Array, void, undefined> {
      for (;;) {
        await Promise.resolve();
        yield new Uint8Array(16 * 1024);
      }
    }
    const output = transcode(
      endless(),
      { format: 'wav', sampleRate: 16_000, channels: 1 },
      {
        inputFormat: 'pcm',
        inputSampleRate: 24_000,
        inputChannels: 1,
        signal: controller.signal,
        ffmpegPath: recordingFfmpeg,
      },
    );
    const reason = new Error('render cancelled');
    const error = await (async () => {
      for await (const _chunk of output) controller.abort(reason);
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    const pid = await lastPid();
    expect(isAlive(pid), `ffmpeg ${pid} still runs after the abort`).toBe(false);
  });
});

describe('passThroughOrTranscode', () => {
  it('passes a wav that already matches through byte for byte', async () => {
    const out = await collect(
      passThroughOrTranscode(
        chunksOf(WAV_24K_MONO),
        { format: 'wav', sampleRate: 24_000, channels: 1 },
        { ffmpegPath: join(scratch, 'no-such-ffmpeg') },
      ),
    );
    expect(Buffer.from(out).equals(Buffer.from(WAV_24K_MONO))).toBe(true);
  });

  it('passes a matching mp3 through untouched, ID3 tag and all', async () => {
    const mp3 = synthMp3({ durationMs: 500, sampleRate: 24_000, channels: 1, bitrate: 64_000, id3: true });
    const out = await collect(
      passThroughOrTranscode(
        chunksOf(mp3, 100),
        { format: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 64_000 },
        { ffmpegPath: join(scratch, 'no-such-ffmpeg') },
      ),
    );
    expect(Buffer.from(out).equals(Buffer.from(mp3))).toBe(true);
  });

  it('passes raw pcm through when told it already matches, even when its first samples look like an mp3 sync', async () => {
    const pcm = synthPcm({ durationMs: 200, sampleRate: 24_000, channels: 1 });
    pcm.set([0xff, 0xfb, 0x90, 0x64], 0);
    const out = await collect(
      passThroughOrTranscode(
        chunksOf(pcm),
        { format: 'pcm', sampleRate: 24_000, channels: 1 },
        { inputFormat: 'pcm', inputSampleRate: 24_000, inputChannels: 1, ffmpegPath: join(scratch, 'no-such-ffmpeg') },
      ),
    );
    expect(Buffer.from(out).equals(Buffer.from(pcm))).toBe(true);
  });

  it('converts when the rate, the channels or the container differ', async () => {
    const stereo = await collect(passThroughOrTranscode(chunksOf(WAV_24K_MONO), { format: 'wav', sampleRate: 24_000, channels: 2 }));
    expect(await probeAudio(stereo, 'wav')).toMatchObject({ sampleRate: 24_000, channels: 2 });
    const mp3 = await collect(
      passThroughOrTranscode(chunksOf(WAV_24K_MONO), { format: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 48_000 }),
    );
    expect(await probeAudio(mp3, 'mp3')).toMatchObject({ codec: 'mp3', sampleRate: 24_000, channels: 1, bitRate: 48_000 });
  });

  it('fails on a matching wav that ends before its declared length instead of passing it on', async () => {
    const short = WAV_24K_MONO.subarray(0, 10_044);
    const error = await collect(passThroughOrTranscode(chunksOf(short), { format: 'wav', sampleRate: 24_000, channels: 1 })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AudioFormatError);
    expect((error as Error).message).toContain('ended after 10044');
  });
});

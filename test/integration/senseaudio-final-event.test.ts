import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { SenseAudioClient } from '../../src/providers/senseaudio/client.ts';
import { ffmpegDecode, withTempFile } from '../support/ffmpeg.ts';
import { generateSenseAudioAudio, usageCharacters } from '../simulators/senseaudio/audio.ts';
import type { FinalEventVariant } from '../simulators/senseaudio/final-event.ts';
import { startSenseAudioSimulator, type SenseAudioSimulatorOptions } from '../simulators/senseaudio/server.ts';

/**
 * Issue #8 item 8: whatever the status-2 event carries (the whole audio again, the last piece,
 * nothing), the client yields the simulator's audio exactly once: its decoded duration is the
 * 3.1 s meant, not 6.2 s (a repeat spoken twice) nor 2.x s (a tail dropped), and it is billed
 * once at the provider's usage figure.
 */
const KEY = 'sk-final-event-2b7c41';
const MS_PER_CHAR = 60;
/** 52 code points at 60 ms: 3.12 s of speech. */
const TEXT = '天地玄黄，宇宙洪荒。The quick brown fox jumps over a lazy dog.';
const MP3 = { format: 'mp3', sampleRate: 16000, channels: 1, bitrate: 32000 } satisfies AudioSettings;
const EXPECTED = generateSenseAudioAudio(TEXT, MP3, { msPerChar: MS_PER_CHAR, mp3Tags: true });
/** Four status-1 pieces or so, so a tail is a quarter of the audio. */
const CHUNK_HEX = Math.ceil((EXPECTED.bytes.length * 2) / 4);

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

function request(): SynthesisRequest {
  return { text: TEXT, voice: 'male_0004_a', model: 'SenseAudio-TTS-1.0', audio: MP3, voiceSettings: { speed: 1, vol: 1 } };
}

async function synthesize(baseUrl: string): Promise<{ audio: Buffer; meta: SynthesisMeta }> {
  const client = new SenseAudioClient({ apiKey: KEY, baseUrl });
  opened.push(client);
  const chunks: Uint8Array[] = [];
  const stream = client.synthesize(request());
  for (;;) {
    const step = await stream.next();
    if (step.done) return { audio: Buffer.concat(chunks), meta: step.value };
    chunks.push(step.value);
  }
}

/** Seconds of audio ffmpeg decodes from every frame of the bytes (not what a header claims). */
async function decodedSeconds(audio: Uint8Array): Promise<number> {
  const decoded = await withTempFile(audio, 'mp3', (path) => ffmpegDecode(path));
  expect(decoded.errors).toBe('');
  return decoded.pcmBytes / (MP3.sampleRate * MP3.channels * 2);
}

async function run(options: SenseAudioSimulatorOptions) {
  const simulator = await startSenseAudioSimulator({ apiKey: KEY, msPerChar: MS_PER_CHAR, chunkHexChars: CHUNK_HEX, ...options });
  opened.push(simulator);
  const result = await synthesize(simulator.url);
  return { ...result, record: simulator.requests[0] };
}

describe('SenseAudio final (status-2) event', () => {
  it('the simulated speech is about 3.1 s long', () => {
    expect(EXPECTED.durationMs).toBe(3120);
  });

  it.each(['repeat', 'tail', 'empty'] as const)(
    '%s: the client yields the audio once, 3.1 s decoded, billed once',
    async (variant: FinalEventVariant) => {
      const { audio, meta, record } = await run({ finalEvent: variant });
      expect(record?.finalEvent).toBe(variant);
      expect(record?.outcome).toBe('completed');
      expect(createHash('sha256').update(audio).digest('hex')).toBe(record?.audioSha256);
      expect(Math.abs((await decodedSeconds(audio)) - 3.12)).toBeLessThan(0.1);
      expect(meta).toEqual({ billedCharacters: usageCharacters(TEXT), traceId: record?.traceId });
    },
  );

  it('a repeat without extra_info is not spoken twice (3.1 s, not 6.2 s)', async () => {
    const { audio, meta, record } = await run({ finalEvent: 'repeat', finalExtraInfo: false });
    expect(audio.length).toBe(record?.audioBytes);
    expect(Math.abs((await decodedSeconds(audio)) - 3.12)).toBeLessThan(0.1);
    expect(meta.billedCharacters, 'no usage figure came').toBeUndefined();
  });

  it('a tail without extra_info is kept', async () => {
    const { audio, record } = await run({ finalEvent: 'tail', finalExtraInfo: false });
    expect(audio.length).toBe(record?.audioBytes);
  });

  it('random draws every variant, per request, and the client is right in each', async () => {
    const simulator = await startSenseAudioSimulator({
      apiKey: KEY,
      msPerChar: MS_PER_CHAR,
      chunkHexChars: CHUNK_HEX,
      finalEvent: 'random',
      seed: 7,
    });
    opened.push(simulator);
    for (let i = 0; i < 9; i += 1) {
      const { audio } = await synthesize(simulator.url);
      expect(audio.length).toBe(simulator.requests[i]?.audioBytes);
    }
    expect(new Set(simulator.requests.map((record) => record.finalEvent))).toEqual(new Set(['repeat', 'tail', 'empty']));
  });

  it('the simulator command takes --final-event tail', async () => {
    const args = [
      '--import',
      'tsx',
      'test/simulators/cli.ts',
      'senseaudio',
      '--port',
      '0',
      '--key',
      KEY,
      '--quiet',
      '--final-event',
      'tail',
      '--chunk-hex-chars',
      String(CHUNK_HEX),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const baseUrl = /^SENSEAUDIO_BASE_URL=(\S+)$/.exec(line)?.[1];
      expect(baseUrl, line).toBeDefined();
      const { audio } = await synthesize(baseUrl ?? '');
      expect(audio.equals(EXPECTED.bytes)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(((await exited) as [number | null])[0]).toBe(0);
  });
});

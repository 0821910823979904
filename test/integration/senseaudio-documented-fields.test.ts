import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { SenseAudioClient, type SenseAudioClientOptions } from '../../src/providers/senseaudio/client.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator, type SenseAudioSimulatorOptions } from '../simulators/senseaudio/server.ts';

/**
 * Issue 10 defect 2: the client sends only the body fields seed 001's tables document, so a
 * strict server (the simulator's default, refusing an unknown field with 2013 as providers.md's
 * rule for bad parameters says) takes every request. MiniMax's
 * stream_options.exclude_aggregated_audio stays reachable behind SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO.
 */
const KEY = 'sk-documented-fields-3e91a0';
const TEXT = '道可道，非常道。The way that can be told is not the eternal way.';
const MP3: AudioSettings = { format: 'mp3', sampleRate: 16000, channels: 1, bitrate: 32000 };
const DOCUMENTED_FIELDS = ['model', 'text', 'stream', 'voice_setting', 'audio_setting', 'dictionary'];

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

async function setup(
  simulatorOptions: SenseAudioSimulatorOptions = {},
  clientOptions: Partial<SenseAudioClientOptions> = {},
): Promise<{ simulator: SenseAudioSimulator; client: SenseAudioClient }> {
  const simulator = await startSenseAudioSimulator({ apiKey: KEY, msPerChar: 3, chunkHexChars: 1001, ...simulatorOptions });
  const client = new SenseAudioClient({ apiKey: KEY, baseUrl: simulator.url, ...clientOptions });
  opened.push(client, simulator);
  return { simulator, client };
}

function request(overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { text: TEXT, voice: 'male_0004_a', model: 'SenseAudio-TTS-1.0', audio: MP3, voiceSettings: {}, ...overrides };
}

async function collect(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function failure(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>): Promise<unknown> {
  try {
    await collect(stream);
  } catch (error) {
    return error;
  }
  return undefined;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('SenseAudio: only documented fields (issue 10 defect 2)', () => {
  it('a strict server takes the default request: every field is documented, the repeated final audio is yielded once', async () => {
    const { simulator, client } = await setup();
    const audio = await collect(client.synthesize(request()));
    const [record] = simulator.requests;
    expect(record?.outcome, `business code ${record?.businessCode}`).toBe('completed');
    expect(
      record?.fields?.every((field) => DOCUMENTED_FIELDS.includes(field)),
      String(record?.fields),
    ).toBe(true);
    expect(record?.excludeAggregatedAudio).toBe(false);
    // Not excluded, the server's default is to repeat the whole audio in the status-2 event.
    expect(record?.finalEvent).toBe('repeat');
    expect(audio.length).toBe(record?.audioBytes);
    expect(sha256(audio)).toBe(record?.audioSha256);
  });

  it('the strict simulator refuses an undocumented field with 2013 naming it, and the client reports it as fatal', async () => {
    const { simulator, client } = await setup({}, { excludeAggregatedAudio: true });
    const error = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 2013, httpStatus: 200 });
    expect((error as Error).message).toContain('stream_options is not a parameter');
    expect(simulator.requests[0]?.outcome).toBe('rejected');
  });

  it('the opt-in field reaches a lenient server, which then sends an empty final event', async () => {
    const { simulator, client } = await setup({ unknownFields: 'accept' }, { excludeAggregatedAudio: true });
    const audio = await collect(client.synthesize(request()));
    const [record] = simulator.requests;
    expect(record?.excludeAggregatedAudio).toBe(true);
    expect(record?.finalEvent).toBe('empty');
    expect(sha256(audio)).toBe(record?.audioSha256);
  });

  it.each(['repeat', 'tail', 'empty'] as const)('without the field, a %s final event still gives the audio once', async (finalEvent) => {
    const { simulator, client } = await setup({ finalEvent });
    const audio = await collect(client.synthesize(request()));
    expect(simulator.requests[0]?.finalEvent).toBe(finalEvent);
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
  });
});

describe('SenseAudio: a repeated final event as large as a one-shot answer', () => {
  it('takes the repeat of 34 MB of pcm (68 M hex characters, past the shared 64 Mi event bound) and yields the audio once', async () => {
    // 44.1 kHz stereo 16-bit is 176,400 bytes/s: 1,600 characters at 120 ms are 192 s, 33.9 MB.
    const pcm: AudioSettings = { format: 'pcm', sampleRate: 44100, channels: 2 };
    const { simulator, client } = await setup({ msPerChar: 120, chunkHexChars: 1 << 20 });
    let bytes = 0;
    const hash = createHash('sha256');
    for await (const chunk of client.synthesize(request({ text: 'x'.repeat(1600), audio: pcm }))) {
      bytes += chunk.length;
      hash.update(chunk);
    }
    const [record] = simulator.requests;
    expect(record?.finalEvent).toBe('repeat');
    expect((record?.audioBytes ?? 0) * 2).toBeGreaterThan(64 * 1024 * 1024);
    expect(bytes).toBe(record?.audioBytes);
    expect(hash.digest('hex')).toBe(record?.audioSha256);
  }, 60_000);
});

describe('SenseAudio: a repeated final event past the client bound', () => {
  // 2,000 characters at 3 ms: 6 s of 16 kHz mono pcm, 192,000 bytes, 384,000 hex characters.
  const long = request({ text: 'x'.repeat(2000), audio: { format: 'pcm', sampleRate: 16000, channels: 1 } });

  it('is fatal (one billed attempt, not one per retry) and says what avoids it', async () => {
    const { simulator, client } = await setup({ finalEvent: 'repeat', chunkHexChars: 8000 }, { maxEventChars: 100_000 });
    const error = await failure(client.synthesize(long));
    expect(simulator.requests[0]?.audioBytes).toBe(192_000);
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 'EVENT_TOO_LARGE', retryable: false });
    expect((error as Error).message).toMatch(
      /likely a final event repeating the whole segment: .*SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO=true/,
    );
  });

  it('an oversized event before any audio stays a retryable malformed answer', async () => {
    const { client } = await setup({ chunkHexChars: 1 << 20 }, { maxEventChars: 100_000 });
    const error = await failure(client.synthesize(long));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'MALFORMED_RESPONSE' });
  });
});

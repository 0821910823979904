import { afterEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { SenseAudioClient } from '../../src/providers/senseaudio/client.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';

/**
 * SenseAudio pauses natively (seed 001: `<break time=500>`, ms, at least 100): the client sends
 * the tag, the simulator makes that much silence at that place, and refuses a shorter one (2013,
 * providers.md's rule for a value out of range), which the client never sends.
 */
const KEY = 'sk-pause-tag-7d02c4';
const PCM: AudioSettings = { format: 'pcm', sampleRate: 16000, channels: 1 };
const MS_PER_CHAR = 100;

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

async function setup(): Promise<{ simulator: SenseAudioSimulator; client: SenseAudioClient }> {
  const simulator = await startSenseAudioSimulator({ apiKey: KEY, msPerChar: MS_PER_CHAR });
  const client = new SenseAudioClient({ apiKey: KEY, baseUrl: simulator.url });
  opened.push(client, simulator);
  return { simulator, client };
}

function request(text: string): SynthesisRequest {
  return { text, voice: 'male_0004_a', model: 'SenseAudio-TTS-1.0', audio: PCM, voiceSettings: {} };
}

async function collect(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The loudest sample of [fromMs, toMs) of 16 kHz mono 16-bit pcm. */
function peak(pcm: Buffer, fromMs: number, toMs: number): number {
  let loudest = 0;
  for (let sample = (fromMs * 16) | 0; sample < ((toMs * 16) | 0); sample += 1) {
    loudest = Math.max(loudest, Math.abs(pcm.readInt16LE(sample * 2)));
  }
  return loudest;
}

describe('SenseAudio <break> tag', () => {
  it('is sent as written and heard as that much silence at its place', async () => {
    const { simulator, client } = await setup();
    const pcm = await collect(client.synthesize(request('你好<break time=500>欢迎')));
    expect(simulator.requests[0]?.text).toBe('你好<break time=500>欢迎');
    // 2 characters (200 ms), 500 ms of silence, 2 characters (200 ms).
    expect(pcm.length).toBe(0.9 * 16000 * 2);
    expect(peak(pcm, 20, 180), 'speech before the pause').toBeGreaterThan(5000);
    expect(peak(pcm, 215, 685), 'the pause').toBe(0);
    expect(peak(pcm, 720, 880), 'speech after the pause').toBeGreaterThan(5000);
  });

  it('a pause under 100 ms is refused by the simulator (2013) and raised to 100 ms by the client', async () => {
    const { simulator, client } = await setup();
    const raw = await fetch(`${simulator.url}/v1/t2a_v2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'SenseAudio-TTS-1.0',
        text: '你好<break time=50>欢迎',
        stream: false,
        voice_setting: { voice_id: 'male_0004_a' },
      }),
    });
    expect(raw.status).toBe(200);
    const answer = (await raw.json()) as { base_resp?: { status_code?: number; status_msg?: string } };
    expect(answer.base_resp?.status_code).toBe(2013);
    expect(answer.base_resp?.status_msg).toContain('100 ms minimum');
    const pcm = await collect(client.synthesize(request('你好<break time=50>欢迎')));
    expect(simulator.requests[1]?.text).toBe('你好<break time=100>欢迎');
    expect(pcm.length).toBe(0.5 * 16000 * 2);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SynthesisMeta } from '../../src/providers/provider.ts';
import { SenseAudioClient } from '../../src/providers/senseaudio/client.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { runCli } from '../support/run-cli.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** Issue 10 item 8, SenseAudio: `--set dictionary=…` reaches the request and the simulator reads by it. */
const KEY = 'sk-dictionary-51be07';
const DICTIONARY = [{ original: '好干净', replacement: '[hao4]干净' }];
const TTS_15 = 'senseaudio-tts-1.5-260319';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

async function drain(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>): Promise<void> {
  for await (const chunk of stream) void chunk;
}

describe('SenseAudio dictionary, client and simulator', () => {
  it('is sent and applied: the simulator speaks the replacement', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: KEY, msPerChar: 3 });
    const client = new SenseAudioClient({ apiKey: KEY, baseUrl: simulator.url });
    opened.push(client, simulator);
    const audio = { format: 'pcm', sampleRate: 16000, channels: 1 } as const;
    await drain(
      client.synthesize({ text: '这里好干净。', voice: 'my_clone_01', model: TTS_15, audio, voiceSettings: { dictionary: DICTIONARY } }),
    );
    const [record] = simulator.requests;
    expect(record?.outcome).toBe('completed');
    expect(record?.dictionary).toEqual(DICTIONARY);
    expect(record?.spokenText).toBe('这里[hao4]干净。');
  });

  it('the simulator refuses it for a system voice or another model (2013), as the document restricts it', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: KEY, msPerChar: 3 });
    const client = new SenseAudioClient({ apiKey: KEY, baseUrl: simulator.url });
    opened.push(client, simulator);
    const audio = { format: 'pcm', sampleRate: 16000, channels: 1 } as const;
    const request = { text: '好干净', audio, voiceSettings: { dictionary: DICTIONARY } };
    await expect(drain(client.synthesize({ ...request, voice: 'male_0004_a', model: TTS_15 }))).rejects.toMatchObject({
      providerCode: 2013,
    });
    await expect(drain(client.synthesize({ ...request, voice: 'my_clone_01', model: 'SenseAudio-TTS-1.0' }))).rejects.toMatchObject({
      providerCode: 2013,
    });
  });
});

describe('tts-batch render --set dictionary=…', () => {
  const redisUrl = inject('redisUrl');
  let dir: string;
  let book: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ttsb-dictionary-'));
    book = join(dir, 'book.txt');
    await writeFile(book, 'Chapter 1\n\n这里好干净。\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on the default (1.0) model: one line naming dictionary, exit 2, nothing enqueued', async () => {
    const prefix = uniquePrefix('dict');
    const result = await runCli(['render', book, '--provider', 'senseaudio', '--set', `dictionary=${JSON.stringify(DICTIONARY)}`], {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SENSEAUDIO_API_KEY: 'k',
    });
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^tts-batch: dictionary: SenseAudio takes it for cloned voices on the TTS-1.5 models only/);
    expect(await countKeys(redisUrl, prefix)).toBe(0);
  });

  it('with a cloned voice on a 1.5 model: enqueued with the dictionary in its settings', async () => {
    const prefix = uniquePrefix('dict');
    const redis = new Redis(redisUrl);
    try {
      const args = ['render', book, '--provider', 'senseaudio', '--model', TTS_15, '--voice', 'my_clone_01'];
      const result = await runCli([...args, '--set', `dictionary=${JSON.stringify(DICTIONARY)}`, '--out', join(dir, 'out')], {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        SENSEAUDIO_API_KEY: 'k',
      });
      expect(result.code, result.stderr).toBe(0);
      const id = result.stdout.trim().split('\n')[0] ?? '';
      const state = await new RenderStore(redis, prefix).get(id);
      expect(state?.spec.voiceSettings).toEqual({ dictionary: DICTIONARY });
    } finally {
      redis.disconnect();
      await deletePrefix(redisUrl, prefix);
    }
  });
});

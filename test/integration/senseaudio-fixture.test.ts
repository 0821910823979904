import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SynthesisMeta } from '../../src/providers/provider.ts';
import { SenseAudioClient } from '../../src/providers/senseaudio/client.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';

/**
 * Issue 10 item 11: the recorded SenseAudio answers (test/fixtures/providers/senseaudio: seed
 * 001's examples, audio and trace id synthetic, see its README) are what the simulator answers
 * in shape, and what the client reads.
 */
const FIXTURES = new URL('../fixtures/providers/senseaudio/', import.meta.url);
const KEY = 'sk-fixture-6a13f2';
const MP3 = { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 } as const;

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

const fixture = (name: string) => readFile(new URL(name, FIXTURES), 'utf8');

/** Keys in order and leaf types: the shape two answers must share. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]);
  return typeof value;
}

/** The `data:` payloads of an SSE body framed `data: {json}\n\n`, failing on any other framing. */
function sseEvents(text: string): unknown[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      expect(block).toMatch(/^data: \{.*\}$/);
      return JSON.parse(block.slice('data: '.length)) as unknown;
    });
}

/** Serves one fixed body at any path, as a recorded answer. */
async function replay(body: string, contentType: string): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function synthesize(baseUrl: string): Promise<{ audio: Buffer; meta: SynthesisMeta }> {
  const client = new SenseAudioClient({ apiKey: KEY, baseUrl });
  opened.push(client);
  const chunks: Uint8Array[] = [];
  const stream = client.synthesize({
    text: '道可道,非常道。',
    voice: 'male_0004_a',
    model: 'SenseAudio-TTS-1.0',
    audio: MP3,
    voiceSettings: {},
  });
  for (;;) {
    const step = await stream.next();
    if (step.done) return { audio: Buffer.concat(chunks), meta: step.value };
    chunks.push(step.value);
  }
}

async function simulatorAnswer(stream: boolean): Promise<string> {
  const simulator = await startSenseAudioSimulator({ apiKey: KEY, finalEvent: 'tail', chunkHexChars: 6000 });
  opened.push(simulator);
  const response = await fetch(`${simulator.url}/v1/t2a_v2`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'SenseAudio-TTS-1.0',
      text: '道可道,非常道。',
      stream,
      voice_setting: { voice_id: 'male_0004_a' },
      audio_setting: { format: 'mp3', sample_rate: 32000, bitrate: 128000, channel: 1 },
    }),
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('SenseAudio recorded answers', () => {
  it('the simulator answers stream:false in the shape of one-shot.json', async () => {
    const recorded = JSON.parse(await fixture('one-shot.json')) as unknown;
    const simulated = JSON.parse(await simulatorAnswer(false)) as unknown;
    expect(shapeOf(simulated)).toEqual(shapeOf(recorded));
  });

  it('the simulator answers stream:true in the framing and event shapes of stream.sse', async () => {
    const recorded = sseEvents(await fixture('stream.sse'));
    const simulated = sseEvents(await simulatorAnswer(true));
    expect(simulated.length).toBeGreaterThanOrEqual(2);
    const [firstRecorded, lastRecorded] = [recorded[0], recorded.at(-1)];
    for (const event of simulated.slice(0, -1)) expect(shapeOf(event)).toEqual(shapeOf(firstRecorded));
    expect(shapeOf(simulated.at(-1))).toEqual(shapeOf(lastRecorded));
  });

  it('the client reads one-shot.json: the audio, and the 30 billed characters of the seed', async () => {
    const { audio, meta } = await synthesize(await replay(await fixture('one-shot.json'), 'application/json'));
    expect(createHash('sha256').update(audio).digest('hex')).toBe((await fixture('audio.sha256')).trim());
    expect(meta).toEqual({ billedCharacters: 30, traceId: '0b6f1e2a9c3d4e5f8a7b6c5d4e3f2a1b' });
  });

  it('the client reads stream.sse: all three pieces once, and the billed characters of the final event', async () => {
    const { audio, meta } = await synthesize(await replay(await fixture('stream.sse'), 'text/event-stream'));
    expect(createHash('sha256').update(audio).digest('hex')).toBe((await fixture('audio.sha256')).trim());
    expect(meta.billedCharacters).toBe(30);
  });
});

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesisMeta } from '../../src/providers/provider.ts';
import { SenseNovaClient } from '../../src/providers/sensenova/client.ts';
import { startSenseNovaSimulator, type SenseNovaSimulator } from '../simulators/sensenova/server.ts';

const FIXTURE = new URL('../fixtures/providers/sensenova/speech-fusion-stream.sse', import.meta.url);
const KEY = 'sn-fixture-key-90ab';

/** The seed's single-voice streaming request (seed 002, "流式—单音色"). */
const SEED_REQUEST = {
  model: 'SenseNova-Audio-Fusion-0603',
  input: '明月几时有,把酒问青天。',
  stream: true,
  language: 'zh',
  voice_setting: { voice: 'female_chunzhen', speed: 1.0, volume: 1.0, pitch: 0 },
  audio_setting: { sample_rate: 32000, channel: 2, bitrate: 128000, response_format: 'mp3' },
  output_format: 'hex',
};

/** The data of each SSE event, in order (a multi-line event's lines joined). */
function sseData(body: string): string[] {
  return body
    .replace(/\r\n/g, '\n')
    .split('\n\n')
    .map((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n'),
    )
    .filter((data) => data !== '');
}

/** Keys and value types, recursively: what "the same shape" means here. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  }
  return value === null ? 'null' : typeof value;
}

/** Each event's shape, the final `[DONE]` kept as the text it is. */
function eventShapes(body: string): unknown[] {
  return sseData(body).map((data) => (data === '[DONE]' ? data : shape(JSON.parse(data))));
}

describe('SenseNova recorded answer (seed 002 streaming example)', () => {
  let fixture: string;
  let simulator: SenseNovaSimulator;
  let server: Server;
  let served = 0;

  beforeAll(async () => {
    fixture = await readFile(FIXTURE, 'utf8');
    simulator = await startSenseNovaSimulator({ apiKey: KEY, msPerChar: 4 });
    // Plays the recorded answer back, whatever was asked.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        served += 1;
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.end(fixture);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await simulator?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('the simulator answers the seed request with events of the recorded shape: status 1 events, one status 2, [DONE]', async () => {
    const response = await fetch(`${simulator.url}/audio/speech_fusion`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(SEED_REQUEST),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    const recorded = eventShapes(fixture);
    const simulated = eventShapes(body);
    const [chunkShape, , finalShape] = recorded;
    expect(recorded.at(-1)).toBe('[DONE]');
    expect(simulated.at(-1)).toBe('[DONE]');
    expect(simulated.length).toBeGreaterThanOrEqual(3);
    // Every status-1 event is shaped like the recorded ones, the last event before [DONE] like the final one.
    for (const event of simulated.slice(0, -2)) expect(event).toEqual(chunkShape);
    expect(simulated.at(-2)).toEqual(finalShape);
    // And the values the seed fixes: zeroed extra_info while running, the request's settings at the end.
    const extraInfo = (data: string | undefined) => (JSON.parse(data ?? '{}') as { extra_info?: unknown }).extra_info;
    const events = sseData(body);
    expect(extraInfo(events[0])).toEqual(extraInfo(sseData(fixture)[0]));
    expect(extraInfo(events.at(-2))).toMatchObject({
      sample_rate: 32000,
      channel: 2,
      bitrate: 128000,
      response_format: 'mp3',
      usage_characters: 12,
    });
  });

  it('the client parses the recorded answer: the audio once, the billed characters and the trace id', async () => {
    const { port } = server.address() as AddressInfo;
    const client = new SenseNovaClient({ credentials: { apiKey: KEY }, baseUrl: `http://127.0.0.1:${port}/v1` });
    try {
      const stream = client.synthesize({
        text: SEED_REQUEST.input,
        model: SEED_REQUEST.model,
        voice: 'female_chunzhen',
        audio: { format: 'mp3', sampleRate: 32000, channels: 2, bitrate: 128000 },
        voiceSettings: {},
      });
      const chunks: Uint8Array[] = [];
      let meta: SynthesisMeta;
      for (;;) {
        const step = await stream.next();
        if (step.done) {
          meta = step.value;
          break;
        }
        chunks.push(step.value);
      }
      const events = sseData(fixture)
        .slice(0, -1)
        .map((data) => JSON.parse(data) as { data: { audio: string } });
      const whole = Buffer.from(events[2]?.data.audio ?? '', 'hex');
      expect(Buffer.concat(chunks).equals(whole), 'chunk 1 + chunk 2, the final aggregate not repeated').toBe(true);
      expect(Buffer.concat(chunks).equals(Buffer.from((events[0]?.data.audio ?? '') + (events[1]?.data.audio ?? ''), 'hex'))).toBe(true);
      expect(meta).toEqual({ billedCharacters: 12, traceId: 'c4a1e0f3-9d6b-4f68-8a5a-1b2c3d4e5f67' });
      expect(served).toBe(1);
    } finally {
      await client.close();
    }
  });
});

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { inspect } from 'node:util';
import { parseBuffer } from 'music-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { IncompleteStreamError } from '../../src/errors/incomplete-stream-error.ts';
import { ProviderError } from '../../src/errors/provider-error.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { SenseAudioClient, type SenseAudioClientOptions } from '../../src/providers/senseaudio/client.ts';
import { generateSenseAudioAudio, usageCharacters } from '../simulators/senseaudio/audio.ts';
import type { SenseAudioFault } from '../simulators/senseaudio/faults.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator, type SenseAudioSimulatorOptions } from '../simulators/senseaudio/server.ts';

const KEY = 'sk-test-5f2c9e0d4b7a1e63';
const MS_PER_CHAR = 3;
const TEXT = '道可道，非常道。名可名，非常名。The way that can be told is not the eternal way.';
const MP3: AudioSettings = { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 };

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

async function setup(
  simulatorOptions: SenseAudioSimulatorOptions = {},
  clientOptions: Partial<SenseAudioClientOptions> = {},
): Promise<{ simulator: SenseAudioSimulator; client: SenseAudioClient }> {
  const simulator = await startSenseAudioSimulator({ apiKey: KEY, msPerChar: MS_PER_CHAR, ...simulatorOptions });
  const client = new SenseAudioClient({ apiKey: KEY, baseUrl: simulator.url, ...clientOptions });
  opened.push(client, simulator);
  return { simulator, client };
}

function request(overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { text: TEXT, voice: 'male_0004_a', model: 'SenseAudio-TTS-1.0', audio: MP3, voiceSettings: { speed: 1, vol: 1 }, ...overrides };
}

/** Runs a synthesis to its end: every chunk, joined, and the returned meta. */
async function collect(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>) {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const step = await stream.next();
    if (step.done) return { chunks, audio: Buffer.concat(chunks), meta: step.value };
    chunks.push(step.value);
  }
}

/** Runs a synthesis expected to fail: the error, how many chunks came first, and whether it ever completed. */
async function failure(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>) {
  let chunks = 0;
  try {
    for (;;) {
      const step = await stream.next();
      if (step.done) return { error: undefined, chunks, completed: true };
      chunks += 1;
    }
  } catch (error) {
    return { error, chunks, completed: false };
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('SenseAudioClient against the simulator', () => {
  it('streams mp3 that equals, byte for byte and once, what the simulator generated', async () => {
    const { simulator, client } = await setup({ chunkHexChars: 1001 });
    const { chunks, audio, meta } = await collect(client.synthesize(request()));
    const [record] = simulator.requests;
    expect(record).toBeDefined();
    // Issue 10 defect 2: MiniMax's stream_options.exclude_aggregated_audio is no longer sent.
    expect(record).toMatchObject({
      stream: true,
      excludeAggregatedAudio: false,
      model: 'SenseAudio-TTS-1.0',
      voice: 'male_0004_a',
      outcome: 'completed',
    });
    expect(chunks.length, 'audio should arrive in several chunks, as streamed').toBeGreaterThan(2);
    expect(audio.length).toBe(record?.audioBytes);
    expect(sha256(audio)).toBe(record?.audioSha256);
    const expected = generateSenseAudioAudio(TEXT, { ...MP3, bitrate: 128000 }, { msPerChar: MS_PER_CHAR, mp3Tags: true });
    expect(audio.equals(expected.bytes)).toBe(true);
    expect(meta).toEqual({ billedCharacters: usageCharacters(TEXT), traceId: record?.traceId });
    expect(meta.billedCharacters, 'Chinese characters bill as 2').toBeGreaterThan([...TEXT].length);

    const parsed = await parseBuffer(audio, { mimeType: 'audio/mpeg' }, { duration: true });
    expect(parsed.format.sampleRate).toBe(32000);
    expect(parsed.format.numberOfChannels).toBe(1);
    expect(Math.abs((parsed.format.duration ?? 0) * 1000 - (record?.durationMs ?? 0))).toBeLessThan(80);
  });

  it('does not double the audio when the server repeats it in the final event anyway', async () => {
    const { simulator, client } = await setup({ ignoreExcludeAggregatedAudio: true, chunkHexChars: 2000 });
    const { audio } = await collect(client.synthesize(request()));
    expect(audio.length).toBe(simulator.requests[0]?.audioBytes);
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
  });

  it.each([
    { format: 'wav', sampleRate: 24000, channels: 2 },
    { format: 'pcm', sampleRate: 16000, channels: 1 },
    { format: 'flac', sampleRate: 44100, channels: 2 },
    { format: 'mp3', sampleRate: 22050, channels: 2, bitrate: 64000 },
  ] as const)('returns decodable $format at $sampleRate Hz, $channels channel(s)', async (settings) => {
    const { simulator, client } = await setup({ chunkHexChars: 777 });
    const { audio } = await collect(client.synthesize(request({ audio: settings })));
    const record = simulator.requests[0];
    expect(sha256(audio)).toBe(record?.audioSha256);
    const samples = Math.round(((record?.durationMs ?? 0) * settings.sampleRate) / 1000);
    if (settings.format === 'pcm') {
      expect(audio.length).toBe(samples * settings.channels * 2);
      return;
    }
    const mimeType = { wav: 'audio/wav', flac: 'audio/flac', mp3: 'audio/mpeg' }[settings.format];
    const parsed = await parseBuffer(audio, { mimeType }, { duration: true });
    expect(parsed.format.sampleRate).toBe(settings.sampleRate);
    expect(parsed.format.numberOfChannels).toBe(settings.channels);
    if (settings.format !== 'mp3') expect(Math.round((parsed.format.duration ?? 0) * settings.sampleRate)).toBe(samples);
  });

  it('copes with hex split at odd offsets, \\r\\n separators, multi-line data, comments and [DONE]', async () => {
    const { simulator, client } = await setup({
      chunkHexChars: 7,
      sse: { lineEnding: '\r\n', multiLineData: true, comments: true, done: true },
    });
    const { chunks, audio, meta } = await collect(client.synthesize(request()));
    expect(chunks.length).toBeGreaterThan(100);
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
    expect(meta.traceId).toBe(simulator.requests[0]?.traceId);
  });

  it('copes with events written in tiny pieces across writes', async () => {
    const { simulator, client } = await setup({ chunkHexChars: 301, faults: [{ kind: 'splitJson', pieceBytes: 3 }] });
    const { audio } = await collect(client.synthesize(request()));
    expect(simulator.requests[0]?.fault).toBe('splitJson');
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
  });

  it('accepts a one-shot JSON answer to a streaming request', async () => {
    const { simulator, client } = await setup({ answerStreamAsJson: true, faults: [{ kind: 'splitJson', pieceBytes: 11 }] });
    const { audio, meta } = await collect(client.synthesize(request()));
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
    expect(meta.billedCharacters).toBe(usageCharacters(TEXT));
  });

  it('reuses kept-alive connections: the body is drained after the final event, not dropped', async () => {
    const { simulator, client } = await setup();
    for (let i = 0; i < 4; i += 1) await collect(client.synthesize(request({ text: `segment ${i}` })));
    // undici frees a socket a tick after its response ends, so a request sent at once may open a
    // second one; a client that dropped its sockets would open four.
    const connections = new Set(simulator.requests.map((record) => record.connection));
    expect(connections.size).toBeLessThanOrEqual(2);
  });

  it('accepts 10,000 code points (20,000 UTF-16 units) and refuses 10,001 as a parameter error', async () => {
    const { client } = await setup({ msPerChar: 0.2 });
    const pcm: AudioSettings = { format: 'pcm', sampleRate: 8000, channels: 1 };
    const { meta } = await collect(client.synthesize(request({ text: '😀'.repeat(10_000), audio: pcm })));
    expect(meta.billedCharacters).toBe(10_000);
    const { error } = await failure(client.synthesize(request({ text: '😀'.repeat(10_001), audio: pcm })));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 2013 });
    expect((error as Error).message).toMatch(/10001 characters, over the 10000 limit/);
  });
});

describe('SenseAudioClient failure classification', () => {
  const cases: {
    name: string;
    fault: SenseAudioFault;
    kind: string;
    providerCode?: string | number;
    httpStatus?: number;
    retryAfterMs?: number;
  }[] = [
    {
      name: 'HTTP 429 with Retry-After',
      fault: { kind: 'http429', retryAfter: 7 },
      kind: 'rate-limited',
      httpStatus: 429,
      retryAfterMs: 7000,
    },
    { name: 'HTTP 429 without Retry-After', fault: { kind: 'http429' }, kind: 'rate-limited', httpStatus: 429 },
    { name: '200 + base_resp 1002', fault: { kind: 'code1002' }, kind: 'rate-limited', providerCode: 1002 },
    { name: 'HTTP 500', fault: { kind: 'http5xx', status: 500 }, kind: 'retryable', httpStatus: 500 },
    { name: 'HTTP 502 (HTML)', fault: { kind: 'http5xx', status: 502 }, kind: 'retryable', httpStatus: 502 },
    {
      name: 'HTTP 503 with Retry-After',
      fault: { kind: 'http5xx', status: 503, retryAfter: 2 },
      kind: 'retryable',
      httpStatus: 503,
      retryAfterMs: 2000,
    },
    { name: 'HTTP 504', fault: { kind: 'http5xx', status: 504 }, kind: 'retryable', httpStatus: 504 },
    { name: '200 + base_resp 1000', fault: { kind: 'code1000' }, kind: 'retryable', providerCode: 1000 },
    {
      name: '200 + 1008 (balance)',
      fault: { kind: 'business', code: 1008, message: 'insufficient balance' },
      kind: 'fatal',
      providerCode: 1008,
    },
    {
      name: '200 + 1026 (sensitive input)',
      fault: { kind: 'business', code: 1026, message: 'input sensitive' },
      kind: 'fatal',
      providerCode: 1026,
    },
    {
      name: '200 + 2056 (usage window)',
      fault: { kind: 'business', code: 2056, message: 'usage limit' },
      kind: 'rate-limited',
      providerCode: 2056,
    },
  ];

  it.each(cases)('$name → $kind', async ({ fault, kind, providerCode, httpStatus, retryAfterMs }) => {
    const { simulator, client } = await setup({ faults: [fault] });
    const { error, completed } = await failure(client.synthesize(request()));
    expect(completed).toBe(false);
    expect(error).toBeInstanceOf(ProviderError);
    const providerError = error as ProviderError;
    expect(providerError.kind, providerError.message).toBe(kind);
    if (providerCode !== undefined) expect(providerError.providerCode).toBe(providerCode);
    if (httpStatus !== undefined) expect(providerError.httpStatus).toBe(httpStatus);
    expect(providerError.retryAfterMs).toBe(retryAfterMs);
    const record = simulator.requests[0];
    if (httpStatus !== 502 && httpStatus !== 504) expect(providerError.traceId).toBe(record?.traceId);
  });

  it('HTTP 429 with an HTTP-date Retry-After gives the time until that date', async () => {
    const { client } = await setup({ faults: [{ kind: 'http429', retryAfter: new Date(Date.now() + 60_000).toUTCString() }] });
    const { error } = await failure(client.synthesize(request()));
    expect((error as ProviderError).retryAfterMs).toBeGreaterThan(50_000);
    expect((error as ProviderError).retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('a business error event in the middle of the stream fails it, after the audio already yielded', async () => {
    const { simulator, client } = await setup({ chunkHexChars: 501, faults: [{ kind: 'code1000', in: 'sse', afterEvents: 2 }] });
    const { error, chunks, completed } = await failure(client.synthesize(request()));
    expect(chunks).toBe(2);
    expect(completed).toBe(false);
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 1000, traceId: simulator.requests[0]?.traceId });
  });

  it('a stream cut before the final event is an IncompleteStreamError and never completes', async () => {
    const { simulator, client } = await setup({ chunkHexChars: 501, faults: [{ kind: 'cutStream', afterEvents: 3 }] });
    const { error, chunks, completed } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as IncompleteStreamError).kind).toBe('retryable');
    expect((error as Error).message).toMatch(/before the final event \(status 2\), after 3 audio events/);
    expect(chunks).toBe(3);
    expect(completed).toBe(false);
    expect(simulator.requests[0]?.outcome).toBe('faulted');
  });

  it('a stream that stalls is cut by the body idle timeout: IncompleteStreamError', async () => {
    const { client } = await setup(
      { chunkHexChars: 501, faults: [{ kind: 'stallStream', afterEvents: 1 }] },
      { timeouts: { bodyIdleMs: 300 } },
    );
    const { error, chunks, completed } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/UND_ERR_BODY_TIMEOUT/);
    expect(chunks).toBe(1);
    expect(completed).toBe(false);
  });

  it('headers that do not come in time are a retryable headers timeout', async () => {
    const { client } = await setup({ faults: [{ kind: 'slowFirstByte', delayMs: 30_000 }] }, { timeouts: { headersMs: 300 } });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'UND_ERR_HEADERS_TIMEOUT' });
  });

  it('a slow first byte within the timeout is no failure', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'slowFirstByte', delayMs: 50 }] });
    const { audio } = await collect(client.synthesize(request()));
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
  });

  it('a connection reset is retryable', async () => {
    const { client } = await setup({ faults: [{ kind: 'reset' }] });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('retryable');
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain((error as ProviderError).providerCode);
  });

  it('a refused connection is retryable', async () => {
    const { simulator, client } = await setup();
    await simulator.close();
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED' });
  });

  it('a wrong key is fatal and the key appears nowhere in the error', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: 'the-right-key', msPerChar: MS_PER_CHAR });
    const client = new SenseAudioClient({ apiKey: KEY, baseUrl: simulator.url });
    opened.push(client, simulator);
    const { error } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(ProviderError);
    const providerError = error as ProviderError;
    expect(providerError).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect(providerError.message).toMatch(/API key was rejected/);
    for (const shown of [
      providerError.message,
      providerError.stack ?? '',
      JSON.stringify(providerError),
      inspect(providerError, { depth: 5 }),
    ]) {
      expect(shown).not.toContain(KEY);
    }
    expect(simulator.requests[0]).toMatchObject({ authorized: false, outcome: 'rejected' });
  });

  it('an injected 401 is fatal too', async () => {
    const { client } = await setup({ faults: [{ kind: 'auth401' }] });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
  });

  it('a parameter error in HTTP 200 (2013) is fatal and names the parameter', async () => {
    const { client } = await setup();
    // Bypasses the schema on purpose: the server must be the one refusing.
    const { error } = await failure(client.synthesize(request({ voiceSettings: { pitch: 20 } })));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 2013, httpStatus: 200 });
    expect((error as Error).message).toMatch(
      /invalid request parameters \(code 2013: "invalid params, voice_setting\.pitch must be an integer in \[-12, 12\], got 20"\)/,
    );
  });

  it('an unknown model and an unknown voice are fatal', async () => {
    const { client } = await setup({ voices: ['male_0004_a'] });
    const model = await failure(client.synthesize(request({ model: 'no-such-model' })));
    expect(model.error).toMatchObject({ kind: 'fatal', providerCode: 2013 });
    expect((model.error as Error).message).toContain('unknown model no-such-model');
    const voice = await failure(client.synthesize(request({ voice: 'female_9999' })));
    expect(voice.error).toMatchObject({ kind: 'fatal', providerCode: 20132 });
  });
});

describe('SenseAudioClient abort', () => {
  it('stops a request still waiting for its headers', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'slowFirstByte', delayMs: 60_000 }] });
    const controller = new AbortController();
    const pending = failure(client.synthesize(request({ signal: controller.signal })));
    await simulator.whenRequest(1);
    controller.abort();
    const { error, completed } = await pending;
    expect(completed).toBe(false);
    expect((error as Error).name).toBe('AbortError');
    expect((await simulator.whenFinished(1)).outcome).toBe('client-closed');
  });

  it('stops a stream between chunks', async () => {
    const { simulator, client } = await setup({ chunkHexChars: 501, faults: [{ kind: 'stallStream', afterEvents: 1 }] });
    const controller = new AbortController();
    const stream = client.synthesize(request({ signal: controller.signal }));
    const first = await stream.next();
    expect(first.done).toBe(false);
    const next = stream.next();
    controller.abort(new Error('render cancelled'));
    await expect(next).rejects.toThrow('render cancelled');
    expect((await simulator.whenFinished(1)).outcome).toBe('client-closed');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { simulator, client } = await setup();
    const { error } = await failure(client.synthesize(request({ signal: AbortSignal.abort() })));
    expect((error as Error).name).toBe('AbortError');
    expect(simulator.requests).toHaveLength(0);
  });
});

describe('SenseAudio simulator', () => {
  it('draws the same faults for the same seed', async () => {
    const kinds: SenseAudioFault[] = [{ kind: 'http5xx', status: 503 }, { kind: 'code1002' }, { kind: 'reset' }];
    const runs: (string | undefined)[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const { simulator, client } = await setup({ faultRate: 0.5, seed: 42, faultKinds: kinds });
      for (let i = 0; i < 12; i += 1) await failure(client.synthesize(request({ text: `segment ${i}` })));
      runs.push(simulator.requests.map((record) => record.fault));
    }
    expect(runs[0]).toEqual(runs[1]);
    const faulted = runs[0]?.filter((fault) => fault !== undefined).length ?? 0;
    expect(faulted).toBeGreaterThan(0);
    expect(faulted).toBeLessThan(12);
  });

  it('answers stream:false with one JSON body carrying hex audio, extra_info and trace_id', async () => {
    const { simulator } = await setup();
    const response = await fetch(`${simulator.url}/v1/t2a_v2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'SenseAudio-TTS-1.0', text: '你好', stream: false, voice_setting: { voice_id: 'male_0004_a' } }),
    });
    const body = (await response.json()) as {
      data: { audio: string; status: number };
      extra_info: Record<string, number | string>;
      trace_id: string;
      base_resp: { status_code: number };
    };
    expect(body.data.status).toBe(2);
    expect(body.base_resp.status_code).toBe(0);
    expect(body.trace_id).toBe(simulator.requests[0]?.traceId);
    expect(body.extra_info).toMatchObject({ usage_characters: 4, audio_format: 'mp3', audio_sample_rate: 32000, audio_channel: 2 });
    expect(sha256(Buffer.from(body.data.audio, 'hex'))).toBe(simulator.requests[0]?.audioSha256);
  });

  it('runs from the command line, prints its base URL and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/simulators/cli.ts', 'senseaudio', '--port', '0', '--key', KEY, '--ms-per-char', '2', '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [firstLine] = (await once(lines, 'line')) as [string];
      const match = /^SENSEAUDIO_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(firstLine);
      expect(match, `first stdout line was ${JSON.stringify(firstLine)}`).not.toBeNull();
      const client = new SenseAudioClient({ apiKey: KEY, baseUrl: match?.[1] ?? '' });
      opened.push(client);
      const { audio } = await collect(client.synthesize(request()));
      expect(audio.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});

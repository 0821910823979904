import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseBuffer } from 'music-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { IncompleteStreamError } from '../../src/errors/incomplete-stream-error.ts';
import { ProviderError } from '../../src/errors/provider-error.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { SenseNovaClient, type SenseNovaClientOptions } from '../../src/providers/sensenova/client.ts';
import { generateSenseAudioAudio } from '../simulators/senseaudio/audio.ts';
import type { SenseNovaFault } from '../simulators/sensenova/faults.ts';
import { startSenseNovaSimulator, type SenseNovaSimulator, type SenseNovaSimulatorOptions } from '../simulators/sensenova/server.ts';
import { errorTexts } from '../support/provider-contract.ts';

const KEY = 'sn-test-key-3b8e51c0';
const ACCESS_KEY = { id: 'AK-sim-41f0', secret: 'SK-sim-secret-d9a7c2' };
const MS_PER_CHAR = 3;
const TEXT = '明月几时有，把酒问青天。不知天上宫阙，今夕是何年。Bright moon, when did you first appear?';
const MP3: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});

async function setup(
  simulatorOptions: SenseNovaSimulatorOptions = {},
  clientOptions: Partial<SenseNovaClientOptions> = {},
): Promise<{ simulator: SenseNovaSimulator; client: SenseNovaClient }> {
  const simulator = await startSenseNovaSimulator({
    apiKey: KEY,
    accessKey: ACCESS_KEY,
    msPerChar: MS_PER_CHAR,
    chunkBytes: 700,
    ...simulatorOptions,
  });
  const client = new SenseNovaClient({ credentials: { apiKey: KEY }, baseUrl: simulator.url, ...clientOptions });
  opened.push(client, simulator);
  return { simulator, client };
}

function request(overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { text: TEXT, voice: 'female_chunzhen', model: 'SenseNova-Audio-Fusion-0603', audio: MP3, voiceSettings: {}, ...overrides };
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
const codePoints = (text: string) => [...text].length;

describe('SenseNovaClient streaming against the simulator', () => {
  it('streams mp3 that equals, byte for byte and once, what the simulator generated', async () => {
    const { simulator, client } = await setup();
    const { chunks, audio, meta } = await collect(client.synthesize(request()));
    const record = simulator.requests[0];
    expect(record).toMatchObject({
      auth: 'api-key',
      stream: true,
      outputFormat: 'hex',
      model: 'SenseNova-Audio-Fusion-0603',
      voice: 'female_chunzhen',
      outcome: 'completed',
    });
    expect(record?.timbreWeights, 'one voice sends no timbre_weights').toBeUndefined();
    expect(chunks.length, 'audio should arrive in several chunks, as streamed').toBeGreaterThan(2);
    // The final event repeated the whole audio (the simulator's default): it must not be written twice.
    expect(audio.length).toBe(record?.audioBytes);
    expect(sha256(audio)).toBe(record?.audioSha256);
    const expected = generateSenseAudioAudio(TEXT, { ...MP3, bitrate: 64000 }, { msPerChar: MS_PER_CHAR, mp3Tags: true });
    expect(audio.equals(expected.bytes)).toBe(true);
    expect(meta).toEqual({ billedCharacters: codePoints(TEXT), traceId: record?.traceId });

    const parsed = await parseBuffer(audio, { mimeType: 'audio/mpeg' }, { duration: true });
    expect(parsed.format.sampleRate).toBe(24000);
    expect(parsed.format.numberOfChannels).toBe(1);
    expect(Math.abs((parsed.format.duration ?? 0) * 1000 - (record?.durationMs ?? 0))).toBeLessThan(80);
  });

  it.each(['aggregate', 'last-chunk', 'empty'] as const)(
    'gets the same audio whatever the final event carries (%s)',
    async (finalAudio) => {
      const { simulator, client } = await setup({ finalAudio });
      const { audio } = await collect(client.synthesize(request()));
      expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
    },
  );

  it('decodes base64:-prefixed chunks, \\r\\n separators, multi-line data and comments', async () => {
    const { simulator, client } = await setup({
      encoding: 'base64',
      chunkBytes: 101,
      sse: { lineEnding: '\r\n', multiLineData: true, comments: true },
    });
    const { chunks, audio } = await collect(client.synthesize(request()));
    expect(chunks.length).toBeGreaterThan(10);
    expect(sha256(audio)).toBe(simulator.requests[0]?.audioSha256);
  });

  it.each([
    { format: 'wav', sampleRate: 16000, channels: 2 },
    { format: 'pcm', sampleRate: 8000, channels: 1 },
    { format: 'mp3', sampleRate: 44100, channels: 2, bitrate: 128000 },
  ] as const)('returns decodable $format at $sampleRate Hz, $channels channel(s)', async (settings) => {
    const { simulator, client } = await setup();
    const { audio } = await collect(client.synthesize(request({ audio: settings })));
    const record = simulator.requests[0];
    expect(record?.audioSetting).toMatchObject({ format: settings.format, sampleRate: settings.sampleRate, channels: settings.channels });
    expect(sha256(audio)).toBe(record?.audioSha256);
    const samples = Math.round(((record?.durationMs ?? 0) * settings.sampleRate) / 1000);
    if (settings.format === 'pcm') {
      expect(audio.length).toBe(samples * settings.channels * 2);
      return;
    }
    const parsed = await parseBuffer(audio, { mimeType: settings.format === 'wav' ? 'audio/wav' : 'audio/mpeg' }, { duration: true });
    expect(parsed.format.sampleRate).toBe(settings.sampleRate);
    expect(parsed.format.numberOfChannels).toBe(settings.channels);
  });

  it('sends voice settings under their wire names and a blend as timbre_weights with the main voice', async () => {
    const { simulator, client } = await setup();
    const blend = [
      { voice: 'female_taimei', weight: 0.3 },
      { voice: 'guy_wenrun', weight: 0.15 },
    ];
    await collect(client.synthesize(request({ voiceSettings: { speed: 1.25, vol: 2, pitch: -3, blend } })));
    const record = simulator.requests[0];
    expect(record?.outcome).toBe('completed');
    expect(record?.voiceSetting).toEqual({ voice: 'female_chunzhen', speed: 1.25, volume: 2, pitch: -3 });
    expect(record?.timbreWeights).toEqual([{ voice: 'female_chunzhen', weight: 0.55 }, ...blend]);
  });

  it('sends language EN for an English paragraph and ZH for a Chinese one, or the language the setting forces', async () => {
    const { simulator, client } = await setup();
    const english = 'The harbour lights were out, and nobody in the town knew why. Bright moon, when did you first appear?';
    await collect(client.synthesize(request({ text: english })));
    await collect(client.synthesize(request({ text: '明月几时有，把酒问青天。' })));
    await collect(client.synthesize(request({ text: english, voiceSettings: { language: 'ZH' } })));
    expect(simulator.requests.map((r) => [r.outcome, r.language])).toEqual([
      ['completed', 'EN'],
      ['completed', 'ZH'],
      ['completed', 'ZH'],
    ]);
  });

  it('the simulator reads a pause tag as text (the page documents none): billed and spoken, no pause', async () => {
    const { simulator, client } = await setup();
    const text = 'Wait here.<break time=500>Now go.';
    const { meta } = await collect(client.synthesize(request({ text })));
    expect(meta.billedCharacters).toBe(codePoints(text));
    expect(simulator.requests[0]?.durationMs).toBe(codePoints(text) * MS_PER_CHAR);
  });

  it("the simulator takes the documented language spellings (ZH, EN, the examples' zh) and refuses others as a bad parameter", async () => {
    const { simulator } = await setup();
    const body = (language: unknown) => ({
      model: 'SenseNova-Audio-Fusion-0603',
      input: '你好',
      ...(language === undefined ? {} : { language }),
      voice_setting: { voice: 'female_chunzhen' },
    });
    const post = async (language: unknown) => {
      const response = await fetch(`${simulator.url}/audio/speech_fusion`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body(language)),
      });
      return [response.status, response.status === 200 ? '' : ((await response.json()) as { error: { message: string } }).error.message];
    };
    for (const language of [undefined, 'ZH', 'EN', 'zh', 'en']) expect(await post(language), String(language)).toEqual([200, '']);
    for (const language of ['Zh', 'english', 'zh-CN', 'FR', 1, null]) {
      expect(await post(language), String(language)).toEqual([400, `language must be ZH or EN, got ${JSON.stringify(language)}`]);
    }
    expect(simulator.requests.slice(0, 5).map((r) => r.language)).toEqual([undefined, 'ZH', 'EN', 'zh', 'en']);
  });

  it('refuses a blend that names the main voice before sending anything', async () => {
    const { simulator, client } = await setup();
    const { error } = await failure(client.synthesize(request({ voiceSettings: { blend: [{ voice: 'female_chunzhen', weight: 0.4 }] } })));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 'INVALID_SETTINGS' });
    expect(simulator.requests).toHaveLength(0);
  });

  it('reuses kept-alive connections: the body is drained after [DONE], not dropped', async () => {
    const { simulator, client } = await setup();
    for (let i = 0; i < 4; i += 1) await collect(client.synthesize(request({ text: `segment ${i}` })));
    const connections = new Set(simulator.requests.map((record) => record.connection));
    expect(connections.size).toBeLessThanOrEqual(2);
  });
});

describe('SenseNovaClient url mode', () => {
  it('asks for a link without streaming, downloads it at once without the token, and equals the audio', async () => {
    const { simulator, client } = await setup({}, { output: 'url' });
    const { audio, meta } = await collect(client.synthesize(request()));
    const record = simulator.requests[0];
    expect(record).toMatchObject({ stream: false, outputFormat: 'url', outcome: 'completed', downloads: 1, downloadsWithAuthorization: 0 });
    expect(sha256(audio)).toBe(record?.audioSha256);
    expect(meta).toEqual({ billedCharacters: codePoints(TEXT), traceId: record?.traceId });
  });

  it.each([403, 404] as const)(
    'a link answering %i is retryable the first time, fatal the second time for the same request',
    async (status) => {
      const { simulator, client } = await setup(
        {
          faults: [
            { kind: 'urlGone', status },
            { kind: 'urlGone', status },
            { kind: 'urlGone', status },
          ],
        },
        { output: 'url' },
      );
      const first = await failure(client.synthesize(request()));
      expect(first.error).toMatchObject({ kind: 'retryable', providerCode: 'AUDIO_URL_GONE', httpStatus: status });
      const shown = (first.error as Error).message;
      expect(shown).toMatch(
        new RegExp(
          `the audio link answered HTTP ${status} \\(expired or missing\\): http://127\\.0\\.0\\.1:\\d+/files/[0-9a-f]+\\.mp3 \\[trace_id`,
        ),
      );
      expect(shown, 'the signed query string stays out of messages').not.toMatch(/signature|expires=/);
      const other = await failure(client.synthesize(request({ text: 'another segment' })));
      expect(other.error, 'a different request has its own one retry').toMatchObject({ kind: 'retryable' });
      const second = await failure(client.synthesize(request()));
      expect(second.error).toMatchObject({ kind: 'fatal', providerCode: 'AUDIO_URL_GONE' });
      expect((second.error as Error).message).toMatch(/the second time for this request, so it is not retried again/);
      expect(simulator.requests.map((r) => r.downloads)).toEqual([1, 1, 1]);
    },
  );

  it('a link that expired before the download is retryable', async () => {
    // Every reading of the simulator clock moves it 10 s on: the 5 s link is stale when fetched.
    let now = 1_800_000_000_000;
    const { client } = await setup({ linkTtlMs: 5000, now: () => (now += 10_000) }, { output: 'url' });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'AUDIO_URL_GONE', httpStatus: 403 });
  });

  it('a download cut halfway is an IncompleteStreamError', async () => {
    const { client } = await setup({ faults: [{ kind: 'cutDownload' }] }, { output: 'url' });
    const { error, completed } = await failure(client.synthesize(request()));
    expect(completed).toBe(false);
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/the audio download from http:\/\/127\.0\.0\.1:\d+\/files\/\w+\.mp3 (failed|ended) after \d+/);
  });

  it('a JSON answer cut halfway is an IncompleteStreamError', async () => {
    const { client } = await setup({ faults: [{ kind: 'cutStream', afterEvents: 0 }] }, { output: 'url' });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/before the JSON answer was complete/);
  });
});

describe('SenseNovaClient failure classification', () => {
  const cases: {
    name: string;
    fault: SenseNovaFault;
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
    {
      name: 'HTTP 200 carrying an error',
      fault: { kind: 'error200', code: 13, message: 'internal' },
      kind: 'retryable',
      providerCode: 13,
      httpStatus: 200,
    },
    {
      name: 'HTTP 200 carrying a 429',
      fault: { kind: 'error200', code: 429, message: 'busy' },
      kind: 'rate-limited',
      providerCode: 429,
      httpStatus: 200,
    },
    { name: 'injected 401', fault: { kind: 'auth401' }, kind: 'fatal', httpStatus: 401 },
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
    if (httpStatus !== 502 && httpStatus !== 504) expect(providerError.traceId).toBe(simulator.requests[0]?.traceId);
  });

  it.each(['error-object', 'message', 'text'] as const)(
    'reads the server message of a 400 whatever the error body looks like (%s)',
    async (errorStyle) => {
      const { client } = await setup({ errorStyle });
      const { error } = await failure(client.synthesize(request({ voice: 'no_such_voice' })));
      expect(error).toMatchObject({ kind: 'fatal', httpStatus: 400 });
      expect((error as Error).message).toMatch(/HTTP 400: "voice_setting\.voice no_such_voice does not exist"/);
    },
  );

  it('the server refuses a parameter outside its range (a job that bypassed the schema is still caught)', async () => {
    const { client } = await setup({ maxInputChars: 10 });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 400 });
    expect((error as Error).message).toMatch(/input is \d+ characters, over the 10 limit/);
  });

  it('a wrong base path is fatal and says which setting to check', async () => {
    const { simulator } = await setup();
    const client = new SenseNovaClient({ credentials: { apiKey: KEY }, baseUrl: `${simulator.url}/v2` });
    opened.push(client);
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 404 });
    expect((error as Error).message).toMatch(/check SENSENOVA_BASE_URL/);
  });

  it('a stream cut before the final event and [DONE] is an IncompleteStreamError, after the audio already yielded', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'cutStream', afterEvents: 3 }] });
    const { error, chunks, completed } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as IncompleteStreamError).kind).toBe('retryable');
    expect((error as Error).message).toMatch(/before the final event \(status 2\) and data: \[DONE\], after 3 audio events/);
    expect(chunks).toBe(3);
    expect(completed).toBe(false);
    expect(simulator.requests[0]?.outcome).toBe('faulted');
  });

  it('a stream that ends cleanly after the final event but without [DONE] is an IncompleteStreamError', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'noDone' }] });
    const { error, completed } = await failure(client.synthesize(request()));
    expect(completed).toBe(false);
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/the stream ended after the final event \(status 2\) but before data: \[DONE\]/);
    expect(simulator.requests[0]?.eventsSent, 'every event, the final one included, went out').toBeGreaterThan(3);
  });

  it('[DONE] without a final event is an IncompleteStreamError too', async () => {
    const { client } = await setup({ faults: [{ kind: 'doneEarly', afterEvents: 2 }] });
    const { error, chunks } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/the stream ended with data: \[DONE\] but no final event \(status 2\)/);
    expect(chunks).toBe(2);
  });

  it('an unreadable audio chunk is retryable once; the same request failing so again is fatal', async () => {
    const { client } = await setup({
      faults: [
        { kind: 'badChunk', atEvent: 1 },
        { kind: 'badChunk', atEvent: 1 },
      ],
    });
    const first = await failure(client.synthesize(request()));
    expect(first.error).toMatchObject({ kind: 'retryable', providerCode: 'BAD_AUDIO_CHUNK' });
    expect(first.chunks).toBe(1);
    expect((first.error as Error).message).toMatch(/neither base64: nor hex/);
    const second = await failure(client.synthesize(request()));
    expect(second.error).toMatchObject({ kind: 'fatal', providerCode: 'BAD_AUDIO_CHUNK' });
    const third = await failure(client.synthesize(request()));
    expect(third.completed, 'with no fault left the request goes through').toBe(true);
  });

  it('a stream that stalls is cut by the body idle timeout: IncompleteStreamError', async () => {
    const { client } = await setup({ faults: [{ kind: 'stallStream', afterEvents: 1 }] }, { timeouts: { bodyIdleMs: 300 } });
    const { error, chunks } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/UND_ERR_BODY_TIMEOUT/);
    expect(chunks).toBe(1);
  });

  it('headers that do not come in time are a retryable headers timeout; a slow first byte within it is fine', async () => {
    const { client } = await setup(
      {
        faults: [
          { kind: 'slowFirstByte', delayMs: 30_000 },
          { kind: 'slowFirstByte', delayMs: 50 },
        ],
      },
      { timeouts: { headersMs: 300 } },
    );
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'UND_ERR_HEADERS_TIMEOUT' });
    const { completed } = await failure(client.synthesize(request()));
    expect(completed).toBe(true);
  });

  it('a connection reset and a refused connection are retryable', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'reset' }] });
    const reset = await failure(client.synthesize(request()));
    expect(reset.error).toMatchObject({ kind: 'retryable' });
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain((reset.error as ProviderError).providerCode);
    await simulator.close();
    const refused = await failure(client.synthesize(request()));
    expect(refused.error).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED' });
    expect(errorTexts(refused.error)).not.toContain(KEY);
  });

  it('a wrong API key is fatal and the key appears nowhere in the error', async () => {
    const { simulator } = await setup({ apiKey: 'the-right-key' });
    const client = new SenseNovaClient({ credentials: { apiKey: KEY }, baseUrl: simulator.url });
    opened.push(client);
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect((error as Error).message).toMatch(/the credentials were refused \(HTTP 401: "invalid api key"\); check SENSENOVA_API_KEY/);
    expect(errorTexts(error)).not.toContain(KEY);
    expect(simulator.requests[0]).toMatchObject({ authorized: false, outcome: 'rejected' });
  });
});

describe('SenseNovaClient with AccessKey credentials (JWT)', () => {
  function jwtSetup(now: () => number, simulatorOptions: SenseNovaSimulatorOptions = {}) {
    return setup(
      { now, ...simulatorOptions },
      { credentials: { accessKeyId: ACCESS_KEY.id, secretAccessKey: ACCESS_KEY.secret }, jwt: { now } },
    );
  }

  it('sends a JWT the service verifies: signature, iss, exp = now + 1800, nbf = now − 5', async () => {
    const now = 1_800_000_000_000;
    const { simulator, client } = await jwtSetup(() => now);
    const { audio } = await collect(client.synthesize(request()));
    expect(audio.length).toBeGreaterThan(0);
    expect(simulator.requests[0]).toMatchObject({
      auth: 'jwt',
      authorized: true,
      jwt: { iss: ACCESS_KEY.id, exp: 1_800_001_800, nbf: 1_799_999_995 },
    });
  });

  it('mints a new token before the old one expires, and never sends an expired one', async () => {
    let now = 1_800_000_000_000;
    const { simulator, client } = await jwtSetup(() => now);
    const speak = () => collect(client.synthesize(request({ text: `clock at ${now}` })));
    await speak();
    now += 20 * 60_000; // 10 minutes left: the token is kept
    await speak();
    now += 6 * 60_000; // 4 minutes left: replaced before it is sent
    await speak();
    now += 2 * 3600_000; // long past any token's exp
    await speak();
    const tokens = simulator.requests.map((record) => record.token);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[1]);
    expect(tokens[3]).not.toBe(tokens[2]);
    for (const record of simulator.requests) {
      expect(record, `request ${record.number}: ${record.authProblem ?? ''}`).toMatchObject({
        auth: 'jwt',
        authorized: true,
        outcome: 'completed',
      });
      expect(Number(record.jwt?.exp) * 1000 - record.at, 'at least 5 minutes of validity left when sent').toBeGreaterThan(5 * 60_000);
    }
  });

  it('a token the server calls expired is fatal, says to check the clock, and is never reused', async () => {
    let now = 1_800_000_000_000;
    const { simulator, client } = await jwtSetup(() => now, { faults: [{ kind: 'jwtExpired' }] });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect((error as Error).message).toMatch(
      /HTTP 401: "token expired"\); check SENSENOVA_ACCESS_KEY_ID, SENSENOVA_SECRET_ACCESS_KEY and the system clock/,
    );
    now += 1000;
    await collect(client.synthesize(request()));
    const [refused, next] = simulator.requests;
    expect(next?.token).not.toBe(refused?.token);
    for (const shown of [errorTexts(error)]) {
      expect(shown).not.toContain(ACCESS_KEY.secret);
      expect(shown).not.toContain(refused?.token ?? '');
    }
  });

  it('a JWT signed with the wrong secret is refused: fatal, and neither secret nor token is shown', async () => {
    const now = 1_800_000_000_000;
    const simulator = await startSenseNovaSimulator({
      accessKey: { id: ACCESS_KEY.id, secret: 'another-secret' },
      now: () => now,
      msPerChar: MS_PER_CHAR,
    });
    const client = new SenseNovaClient({
      credentials: { accessKeyId: ACCESS_KEY.id, secretAccessKey: ACCESS_KEY.secret },
      baseUrl: simulator.url,
      jwt: { now: () => now },
    });
    opened.push(client, simulator);
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect((error as Error).message).toMatch(/invalid token signature/);
    const shown = errorTexts(error);
    expect(shown).not.toContain(ACCESS_KEY.secret);
    expect(shown).not.toContain(simulator.requests[0]?.token ?? 'no token recorded');
  });

  it('the simulator refuses a token whose clock says expired or not yet valid', async () => {
    let serverNow = 1_800_000_000_000;
    const clientNow = 1_800_000_000_000;
    const { simulator, client } = await setup(
      { now: () => serverNow },
      { credentials: { accessKeyId: ACCESS_KEY.id, secretAccessKey: ACCESS_KEY.secret }, jwt: { now: () => clientNow } },
    );
    serverNow += 1801 * 1000; // the server's clock runs 30 minutes ahead
    const late = await failure(client.synthesize(request()));
    serverNow = clientNow - 10_000; // and now 10 s behind, before nbf
    const early = await failure(client.synthesize(request()));
    expect(late.error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect(early.error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect(simulator.requests.map((r) => r.authProblem)).toEqual(['token expired', 'token not yet valid']);
  });
});

describe('SenseNovaClient abort', () => {
  it('stops a stream between chunks', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'stallStream', afterEvents: 1 }] });
    const controller = new AbortController();
    const stream = client.synthesize(request({ signal: controller.signal }));
    expect((await stream.next()).done).toBe(false);
    const next = stream.next();
    controller.abort(new Error('render cancelled'));
    await expect(next).rejects.toThrow('render cancelled');
    expect((await simulator.whenFinished(1)).outcome).toBe('client-closed');
  });
});

describe('SenseNova simulator', () => {
  async function post(simulator: SenseNovaSimulator, body: object): Promise<{ status: number; text: string }> {
    const response = await fetch(`${simulator.url}/audio/speech_fusion`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }
  const base = { model: 'SenseNova-Audio-Fusion-0603', input: '明月几时有', stream: false, voice_setting: { voice: 'female_chunzhen' } };

  it.each([
    ['the object form of timbre_weights', { timbre_weights: { female_chunzhen: 0.7, female_taimei: 0.3 } }, 200, /"status":2/],
    [
      'weights not summing to 1',
      {
        timbre_weights: [
          { voice: 'female_chunzhen', weight: 0.7 },
          { voice: 'female_taimei', weight: 0.2 },
        ],
      },
      400,
      /must sum to 1, got 0\.9/,
    ],
    [
      'the main voice missing',
      {
        timbre_weights: [
          { voice: 'female_taimei', weight: 0.5 },
          { voice: 'guy_wenrun', weight: 0.5 },
        ],
      },
      400,
      /female_chunzhen must be included in timbre_weights/,
    ],
    [
      'five voices',
      {
        timbre_weights: ['female_chunzhen', 'female_taimei', 'guy_wenrun', 'woman_xiuse', 'man_cucao'].map((voice) => ({
          voice,
          weight: 0.2,
        })),
      },
      400,
      /at most 4 voices, got 5/,
    ],
    [
      'a voice twice',
      {
        timbre_weights: [
          { voice: 'female_chunzhen', weight: 0.5 },
          { voice: 'female_chunzhen', weight: 0.5 },
        ],
      },
      400,
      /lists female_chunzhen twice/,
    ],
    ['url with stream', { stream: true, output_format: 'url' }, 400, /output_format url requires stream to be false/],
    ['a volume of 0', { voice_setting: { voice: 'female_chunzhen', volume: 0 } }, 400, /volume must be in \(0, 10\]/],
  ])('handles %s', async (_name, extra, status, body) => {
    const { simulator } = await setup();
    const answer = await post(simulator, { ...base, ...extra });
    expect(answer.status).toBe(status);
    expect(answer.text).toMatch(body);
  });

  it('draws the same faults for the same seed', async () => {
    const runs: (string | undefined)[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const { simulator, client } = await setup({
        faultRate: 0.5,
        seed: 42,
        faultKinds: [{ kind: 'http5xx', status: 503 }, { kind: 'noDone' }, { kind: 'reset' }],
      });
      for (let i = 0; i < 12; i += 1) await failure(client.synthesize(request({ text: `segment ${i}` })));
      runs.push(simulator.requests.map((record) => record.fault));
    }
    expect(runs[0]).toEqual(runs[1]);
    const faulted = runs[0]?.filter((fault) => fault !== undefined).length ?? 0;
    expect(faulted).toBeGreaterThan(0);
    expect(faulted).toBeLessThan(12);
  });

  it('runs from the command line, prints its base URL and stops on SIGTERM', async () => {
    const args = [
      '--import',
      'tsx',
      'test/simulators/cli.ts',
      'sensenova',
      '--port',
      '0',
      '--key',
      KEY,
      '--ms-per-char',
      '2',
      '--encoding',
      'base64',
      '--quiet',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [firstLine] = (await once(lines, 'line')) as [string];
      const match = /^SENSENOVA_BASE_URL=(http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(firstLine);
      expect(match, `first stdout line was ${JSON.stringify(firstLine)}`).not.toBeNull();
      const client = new SenseNovaClient({ credentials: { apiKey: KEY }, baseUrl: match?.[1] ?? '' });
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

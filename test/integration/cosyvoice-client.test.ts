import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { IncompleteStreamError } from '../../src/errors/incomplete-stream-error.ts';
import { ProviderError } from '../../src/errors/provider-error.ts';
import { countDashScope } from '../../src/text/count-units.ts';
import { CosyVoiceClient, type CosyVoiceClientOptions } from '../../src/providers/cosyvoice/client.ts';
import { cosyVoiceLimits } from '../../src/providers/cosyvoice/limits.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { walkMp3Frames } from '../../src/audio/mp3-frame-walker.ts';
import type { CosyVoiceFault } from '../simulators/cosyvoice/faults.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulator, type CosyVoiceSimulatorOptions } from '../simulators/cosyvoice/server.ts';
import { ffmpegDecode, requireFfmpeg, withTempFile } from '../support/ffmpeg.ts';
import { errorTexts } from '../support/provider-contract.ts';

const KEY = 'sk-cosy-3f9a1c7e5b2d4806';
const TEXT =
  '道可道，非常道。名可名，非常名。The way that can be told is not the eternal way. 无名天地之始！Nameless, the origin of heaven and earth.';
const MP3: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1 };
/** Fast and cheap: a few ms of speech per character, almost no synthesis wait. */
const QUICK: CosyVoiceSimulatorOptions = { apiKey: KEY, msPerChar: 3, rtf: 0.01, firstFrameDelayMs: 2 };

interface Opened {
  simulator: CosyVoiceSimulator;
  client: CosyVoiceClient;
}
const opened: Opened[] = [];

/**
 * After every test: no socket may be left open, whatever path the test took. Checked before the
 * client is closed (closing it would hide a leak), bounded so a leak fails instead of hanging.
 */
afterEach(async () => {
  for (const { simulator, client } of opened.splice(0)) {
    try {
      const idle = await Promise.race([
        simulator.whenIdle().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 3000)),
      ]);
      expect(idle, `the client left ${simulator.openConnections()} socket(s) open`).toBe(true);
    } finally {
      await client.close();
      await simulator.close();
    }
  }
});

async function setup(
  simulatorOptions: CosyVoiceSimulatorOptions = {},
  clientOptions: Partial<CosyVoiceClientOptions> = {},
): Promise<Opened> {
  const simulator = await startCosyVoiceSimulator({ ...QUICK, ...simulatorOptions });
  const client = new CosyVoiceClient({ apiKey: KEY, url: simulator.url, ...clientOptions });
  const pair = { simulator, client };
  opened.push(pair);
  return pair;
}

/**
 * Plain-text streaming is what these tests are about: a voice the table marks without SSML
 * (loongeva_v2) takes it. An SSML voice sends one `<speak>` message instead (cosyvoice-ssml.test.ts).
 */
const PLAIN_VOICE = 'loongeva_v2';

function request(overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { text: TEXT, voice: PLAIN_VOICE, model: 'cosyvoice-v2', audio: MP3, voiceSettings: {}, ...overrides };
}

async function collect(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>) {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const step = await stream.next();
    if (step.done) return { chunks, audio: Buffer.concat(chunks), meta: step.value };
    chunks.push(step.value);
  }
}

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

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(bytes);
}

/** Han sentences of ~100 characters ending in 。: `count` of them. */
function chineseText(count: number): string {
  const sentence = `${'春眠不觉晓处处闻啼鸟夜来风雨声花落知多少'.repeat(5)}。`;
  return sentence.repeat(count);
}

describe('CosyVoiceClient against the simulator', () => {
  it('speaks a task in protocol order and streams, once and in order, every audio frame the service sent', async () => {
    const { simulator, client } = await setup();
    const { chunks, audio, meta } = await collect(client.synthesize(request()));
    const [task] = simulator.tasks;
    expect(task).toMatchObject({ authorized: true, outcome: 'completed', model: 'cosyvoice-v2', voice: PLAIN_VOICE });
    expect(task?.sequence).toEqual(['run-task', 'task-started', 'continue-task', 'finish-task', 'task-finished']);
    expect(task?.parameters).toEqual({
      text_type: 'PlainText',
      voice: PLAIN_VOICE,
      format: 'mp3',
      sample_rate: 24000,
      volume: 50,
      rate: 1,
      pitch: 1,
    });
    expect(task?.texts).toEqual([TEXT]);
    // One binary frame per sentence (five here), each yielded as it came.
    expect(chunks.length).toBe(5);
    expect(task?.audioFrames).toBe(5);
    expect(sha256(audio)).toBe(task?.audioSha256);
    expect(meta).toEqual({ billedCharacters: countDashScope(TEXT), traceId: task?.taskId });
    expect(task?.usageCharacters).toBe(countDashScope(TEXT));
    // Frames of separately spoken sentences still make one clean mp3 at the rate asked for.
    const rates = new Set<number>();
    for await (const frame of walkMp3Frames(single(audio))) rates.add(frame.header.sampleRate);
    expect(rates).toEqual(new Set([24000]));
    await requireFfmpeg();
    await withTempFile(audio, 'mp3', async (path) => expect((await ffmpegDecode(path)).errors).toBe(''));
  });

  it('maps vol, speed and pitch to volume, rate and pitch on the wire', async () => {
    const { simulator, client } = await setup();
    await collect(client.synthesize(request({ voiceSettings: { vol: 80, speed: 1.5, pitch: 0.75 } })));
    expect(simulator.tasks[0]?.parameters).toMatchObject({ volume: 80, rate: 1.5, pitch: 0.75 });
  });

  it('waits for task-started before sending any text', async () => {
    const { simulator, client } = await setup({ taskStartedDelayMs: 150 });
    await collect(client.synthesize(request()));
    // The simulator fails a task whose continue-task comes before task-started.
    expect(simulator.tasks[0]?.outcome).toBe('completed');
    expect(simulator.tasks[0]?.sequence.slice(0, 3)).toEqual(['run-task', 'task-started', 'continue-task']);
  });

  it('sends a 200,000-unit Chinese task in messages of at most 2,000 weighted characters, losing nothing', async () => {
    const { simulator, client } = await setup({ msPerChar: 0.02 });
    // 990 sentences of 201 weighted characters, and 505 Han characters more: exactly 200,000.
    const padded = chineseText(990) + '雨'.repeat(505);
    expect(countDashScope(padded)).toBe(200_000);
    const { meta } = await collect(client.synthesize(request({ text: padded, audio: { format: 'pcm', sampleRate: 8000, channels: 1 } })));
    const task = simulator.tasks[0];
    expect(task?.outcome).toBe('completed');
    expect(task?.texts.join('')).toBe(padded);
    expect(Math.max(...(task?.messageUnits ?? [])), 'no continue-task over 2,000').toBeLessThanOrEqual(2000);
    expect(simulator.maxMessageUnits).toBeLessThanOrEqual(2000);
    expect(simulator.maxTaskUnits).toBe(200_000);
    expect(task?.messageUnits.length).toBeGreaterThanOrEqual(100);
    expect(meta.billedCharacters).toBe(200_000);
  });

  it('cuts Han text with no punctuation at all within the message limit', async () => {
    const { simulator, client } = await setup({ msPerChar: 0.02 });
    const text = '风'.repeat(9000);
    await collect(client.synthesize(request({ text, audio: { format: 'pcm', sampleRate: 8000, channels: 1 } })));
    expect(simulator.tasks[0]?.texts.join('')).toBe(text);
    expect(simulator.maxMessageUnits).toBeLessThanOrEqual(2000);
  });

  it('refuses a segment over the task limit before connecting', async () => {
    const { simulator, client } = await setup({}, { limits: cosyVoiceLimits({ taskMaxUnits: 1000, targetUnits: 500 }) });
    const { error } = await failure(client.synthesize(request({ text: '雨'.repeat(501) })));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 'TEXT_TOO_LONG' });
    expect((error as Error).message).toMatch(/1002 weighted characters, over the 1000 one task may carry/);
    expect(simulator.tasks).toHaveLength(0);
  });

  it('is refused by the service when its messages are larger than the service takes', async () => {
    const { simulator, client } = await setup({ messageMaxUnits: 2000 }, { messageMaxUnits: 4000 });
    const { error } = await failure(client.synthesize(request({ text: '雨'.repeat(1800) })));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 'InvalidParameter' });
    expect(simulator.maxMessageUnits).toBe(3600);
    expect(simulator.tasks[0]?.outcome).toBe('failed');
  });

  it('removes pause tags, which plain-text streaming would read aloud', async () => {
    const { simulator, client } = await setup();
    await collect(client.synthesize(request({ text: '第一句。<break time=300>第二句。' })));
    expect(simulator.tasks[0]?.texts).toEqual(['第一句。 第二句。']);
  });

  it('returns wav with one header for the whole task, and pcm with none', async () => {
    await requireFfmpeg();
    const { simulator, client } = await setup();
    const wav = await collect(client.synthesize(request({ audio: { format: 'wav', sampleRate: 16000, channels: 1 } })));
    expect(wav.audio.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.audio.indexOf('RIFF', 4)).toBe(-1);
    await withTempFile(wav.audio, 'wav', async (path) => {
      const decoded = await ffmpegDecode(path);
      expect(decoded.errors).toBe('');
      expect(decoded.pcmBytes).toBe(wav.audio.length - 44);
    });
    const pcm = await collect(client.synthesize(request({ audio: { format: 'pcm', sampleRate: 16000, channels: 1 } })));
    expect(pcm.audio.length).toBe(wav.audio.length - 44);
    expect(simulator.tasks.map((task) => task.outcome)).toEqual(['completed', 'completed']);
  });

  it('opens one socket per task and closes it after task-finished', async () => {
    const { simulator, client } = await setup();
    for (let i = 0; i < 3; i += 1) await collect(client.synthesize(request({ text: `第${i}段。Segment ${i}.` })));
    expect(new Set(simulator.tasks.map((task) => task.connection)).size).toBe(3);
    await simulator.whenIdle();
    expect(simulator.openConnections()).toBe(0);
  });
});

describe('CosyVoiceClient failure classification', () => {
  const cases: {
    name: string;
    fault: CosyVoiceFault;
    kind: string;
    providerCode?: string | number;
    httpStatus?: number;
    retryAfterMs?: number;
    chunks?: number;
    incomplete?: boolean;
  }[] = [
    {
      name: 'task-failed Throttling.RateQuota',
      fault: { kind: 'throttling' },
      kind: 'rate-limited',
      providerCode: 'Throttling.RateQuota',
      chunks: 0,
    },
    {
      name: 'task-failed Throttling.AllocationQuota',
      fault: { kind: 'throttling', code: 'Throttling.AllocationQuota' },
      kind: 'rate-limited',
      providerCode: 'Throttling.AllocationQuota',
    },
    { name: 'upgrade 401', fault: { kind: 'upgradeRefused', status: 401 }, kind: 'fatal', httpStatus: 401, providerCode: 'InvalidApiKey' },
    { name: 'upgrade 403', fault: { kind: 'upgradeRefused', status: 403 }, kind: 'fatal', httpStatus: 403, providerCode: 'AccessDenied' },
    {
      name: 'upgrade 429 with Retry-After',
      fault: { kind: 'upgradeRefused', status: 429, retryAfter: 3 },
      kind: 'rate-limited',
      httpStatus: 429,
      retryAfterMs: 3000,
    },
    { name: 'upgrade 503', fault: { kind: 'upgradeRefused', status: 503 }, kind: 'retryable', httpStatus: 503 },
    { name: 'upgrade 404', fault: { kind: 'upgradeRefused', status: 404 }, kind: 'fatal', httpStatus: 404 },
    { name: 'reset at the upgrade', fault: { kind: 'resetAtUpgrade' }, kind: 'retryable' },
    {
      name: 'task-failed InternalError at the start',
      fault: { kind: 'taskFailed', code: 'InternalError' },
      kind: 'retryable',
      providerCode: 'InternalError',
      chunks: 0,
    },
    {
      name: 'InternalError after some audio',
      fault: { kind: 'internalErrorAfterAudio', afterFrames: 2 },
      kind: 'retryable',
      providerCode: 'InternalError',
      chunks: 2,
    },
    {
      name: 'socket cut mid-audio',
      fault: { kind: 'closeMidAudio', afterFrames: 2 },
      kind: 'retryable',
      providerCode: 'INCOMPLETE_STREAM',
      chunks: 2,
      incomplete: true,
    },
    {
      name: 'clean close before task-finished',
      fault: { kind: 'closeBeforeFinished', afterFrames: 1 },
      kind: 'retryable',
      providerCode: 'INCOMPLETE_STREAM',
      chunks: 1,
      incomplete: true,
    },
    {
      name: 'task-failed RequestTimeOut',
      fault: { kind: 'taskFailed', code: 'RequestTimeOut', afterFrames: 1 },
      kind: 'retryable',
      providerCode: 'RequestTimeOut',
    },
    { name: 'task-failed 503', fault: { kind: 'taskFailed', code: '503' }, kind: 'retryable', providerCode: '503' },
    {
      name: 'task-failed with a code nobody documented',
      fault: { kind: 'taskFailed', code: 'Brand.NewCode' },
      kind: 'retryable',
      providerCode: 'Brand.NewCode',
    },
    {
      name: 'task-failed InvalidParameter',
      fault: { kind: 'taskFailed', code: 'InvalidParameter' },
      kind: 'fatal',
      providerCode: 'InvalidParameter',
    },
    {
      name: 'task-failed InvalidApiKey',
      fault: { kind: 'taskFailed', code: 'InvalidApiKey' },
      kind: 'fatal',
      providerCode: 'InvalidApiKey',
    },
    {
      name: 'task-failed AccessDenied.Unpurchased',
      fault: { kind: 'taskFailed', code: 'AccessDenied.Unpurchased' },
      kind: 'fatal',
      providerCode: 'AccessDenied.Unpurchased',
    },
    {
      name: 'task-failed DataInspectionFailed',
      fault: { kind: 'taskFailed', code: 'DataInspectionFailed', afterFrames: 1 },
      kind: 'fatal',
      providerCode: 'DataInspectionFailed',
    },
    { name: 'task-failed Arrearage', fault: { kind: 'taskFailed', code: 'Arrearage' }, kind: 'fatal', providerCode: 'Arrearage' },
  ];

  it.each(cases)('$name → $kind', async ({ fault, kind, providerCode, httpStatus, retryAfterMs, chunks, incomplete }) => {
    const { simulator, client } = await setup({ faults: [fault] });
    const result = await failure(client.synthesize(request()));
    expect(result.completed).toBe(false);
    expect(result.error).toBeInstanceOf(ProviderError);
    const error = result.error as ProviderError;
    expect(error.kind, error.message).toBe(kind);
    if (providerCode !== undefined) expect(error.providerCode).toBe(providerCode);
    if (httpStatus !== undefined) expect(error.httpStatus).toBe(httpStatus);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    if (chunks !== undefined) expect(result.chunks, 'audio frames yielded before the failure').toBe(chunks);
    if (incomplete) expect(error).toBeInstanceOf(IncompleteStreamError);
    expect(errorTexts(error)).not.toContain(KEY);
    const task = simulator.tasks[0];
    if (task?.taskId !== undefined) expect(error.traceId ?? task.taskId).toBe(task.taskId);
    expect(task?.outcome).toBe('faulted');
  });

  it('a wrong key fails the upgrade: fatal, and the key appears nowhere in the error', async () => {
    const simulator = await startCosyVoiceSimulator({ ...QUICK, apiKey: 'the-right-key' });
    const client = new CosyVoiceClient({ apiKey: KEY, url: simulator.url });
    opened.push({ simulator, client });
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'fatal', httpStatus: 401 });
    expect((error as Error).message).toMatch(/the API key was rejected \(HTTP 401 InvalidApiKey\); check DASHSCOPE_API_KEY/);
    expect(errorTexts(error)).not.toContain(KEY);
    expect(simulator.tasks[0]).toMatchObject({ authorized: false, outcome: 'rejected' });
  });

  it('no task-started in time is retryable', async () => {
    const { simulator, client } = await setup(
      { faults: [{ kind: 'slowTaskStarted', delayMs: 60_000 }] },
      { timeouts: { taskStartedMs: 100 } },
    );
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'TASK_START_TIMEOUT' });
    expect((await simulator.whenFinished(1)).outcome).toBe('client-closed');
  });

  it('a service that goes silent mid-task is cut by the idle timeout: IncompleteStreamError', async () => {
    const { client } = await setup({ faults: [{ kind: 'stall', afterFrames: 1 }] }, { timeouts: { idleMs: 150 } });
    const { error, chunks } = await failure(client.synthesize(request()));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as Error).message).toMatch(/no message from the service for 150 ms before task-finished, after 1 audio frames/);
    expect(chunks).toBe(1);
  });

  it('an upgrade that never answers is a retryable connect timeout', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = new CosyVoiceClient({ apiKey: KEY, url: `ws://127.0.0.1:${port}/api-ws/v1/inference`, timeouts: { connectMs: 150 } });
    try {
      const { error } = await failure(client.synthesize(request()));
      expect(error).toMatchObject({ kind: 'retryable', providerCode: 'CONNECT_TIMEOUT' });
      expect(errorTexts(error)).not.toContain(KEY);
    } finally {
      await client.close();
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a refused connection is retryable', async () => {
    const { simulator, client } = await setup();
    await simulator.close();
    const { error } = await failure(client.synthesize(request()));
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'ECONNREFUSED' });
  });
});

describe('CosyVoiceClient stopping', () => {
  it('sends nothing when the signal is already aborted', async () => {
    const { simulator, client } = await setup();
    const { error } = await failure(client.synthesize(request({ signal: AbortSignal.abort() })));
    expect((error as Error).name).toBe('AbortError');
    expect(simulator.tasks).toHaveLength(0);
  });

  it('an abort while waiting for task-started closes the socket', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'slowTaskStarted', delayMs: 60_000 }] });
    const controller = new AbortController();
    const pending = failure(client.synthesize(request({ signal: controller.signal })));
    await simulator.whenTask(1);
    controller.abort();
    const { error } = await pending;
    expect((error as Error).name).toBe('AbortError');
    expect((await simulator.whenFinished(1)).outcome).toBe('client-closed');
  });

  it('an abort between frames closes the socket', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'stall', afterFrames: 1 }] });
    const controller = new AbortController();
    const stream = client.synthesize(request({ signal: controller.signal }));
    expect((await stream.next()).done).toBe(false);
    const next = stream.next();
    controller.abort(new Error('render cancelled'));
    await expect(next).rejects.toThrow('render cancelled');
    await simulator.whenIdle();
  });

  it('a consumer that stops early cancels the task (finish-task with the cancel directive) and closes the socket', async () => {
    const { simulator, client } = await setup({ rtf: 1 });
    const stream = client.synthesize(request());
    expect((await stream.next()).done).toBe(false);
    await stream.return({});
    expect((await simulator.whenFinished(1)).outcome).toBe('cancelled');
  });

  it('closing the client cuts a task in flight', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'stall', afterFrames: 1 }] });
    const stream = client.synthesize(request());
    expect((await stream.next()).done).toBe(false);
    const next = stream.next();
    await client.close();
    await expect(next).rejects.toBeInstanceOf(IncompleteStreamError);
    await simulator.whenIdle();
  });
});

describe('CosyVoiceClient and a slow consumer', () => {
  it('never lets the task go idle: all text and finish-task go out at once, whatever the consumer does', async () => {
    // The service fails a task that hears nothing for 23 s; here for 40 ms. The consumer takes
    // one frame, then waits until the whole task is over on the service side before reading on.
    const text = chineseText(12);
    const { simulator, client } = await setup({ idleTimeoutMs: 40, msPerChar: 1, rtf: 0.5 });
    const stream = client.synthesize(request({ text }));
    const first = await stream.next();
    expect(first.done).toBe(false);
    const task = await simulator.whenFinished(1);
    expect(task.outcome, task.errorMessage).toBe('completed');
    const rest = await collect(stream);
    const audio = Buffer.concat([first.value as Uint8Array, rest.audio]);
    expect(sha256(audio)).toBe(task.audioSha256);
    expect(rest.meta.billedCharacters).toBe(countDashScope(text));
  });

  it('stops reading above its high-water mark and resumes below it, losing nothing', async () => {
    const { simulator, client } = await setup({}, { highWaterBytes: 1 });
    const stream = client.synthesize(request({ text: chineseText(6) }));
    const first = await stream.next();
    await simulator.whenFinished(1);
    const rest = await collect(stream);
    expect(sha256(Buffer.concat([first.value as Uint8Array, rest.audio]))).toBe(simulator.tasks[0]?.audioSha256);
  });
});

describe('CosyVoice simulator', () => {
  /** A raw protocol client, to see what the simulator does with clients that break the rules. */
  async function rawSocket(simulator: CosyVoiceSimulator): Promise<{ ws: WebSocket; events: () => Promise<Record<string, unknown>> }> {
    const ws = new WebSocket(simulator.url, { headers: { authorization: `bearer ${KEY}` } });
    const queue: Record<string, unknown>[] = [];
    const waiting: ((event: Record<string, unknown>) => void)[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const event = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
      const wake = waiting.shift();
      if (wake) wake(event);
      else queue.push(event);
    });
    await once(ws, 'open');
    const events = (): Promise<Record<string, unknown>> => {
      const next = queue.shift();
      return next ? Promise.resolve(next) : new Promise((resolve) => waiting.push(resolve));
    };
    return { ws, events };
  }

  const TASK_ID = 'aaaaaaaabbbbccccddddeeeeeeeeeeee';
  const runTask = JSON.stringify({
    header: { action: 'run-task', task_id: TASK_ID, streaming: 'duplex' },
    payload: {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: 'cosyvoice-v2',
      parameters: { text_type: 'PlainText', voice: 'v', format: 'mp3', sample_rate: 22050 },
      input: {},
    },
  });
  const continueTask = (text: string) =>
    JSON.stringify({ header: { action: 'continue-task', task_id: TASK_ID, streaming: 'duplex' }, payload: { input: { text } } });
  const header = (event: Record<string, unknown>) => event.header as Record<string, unknown>;

  async function rawSetup(options: CosyVoiceSimulatorOptions = {}) {
    const simulator = await startCosyVoiceSimulator({ ...QUICK, ...options });
    const client = new CosyVoiceClient({ apiKey: KEY, url: simulator.url });
    opened.push({ simulator, client });
    return { simulator, ...(await rawSocket(simulator)) };
  }

  it('fails a continue-task sent before task-started', async () => {
    const { simulator, ws, events } = await rawSetup({ taskStartedDelayMs: 200 });
    ws.send(runTask);
    ws.send(continueTask('太早了。'));
    const event = await events();
    expect(header(event)).toMatchObject({
      event: 'task-failed',
      error_code: 'InvalidParameter',
      error_message: 'continue-task before task-started',
    });
    ws.terminate();
    expect(simulator.tasks[0]?.outcome).toBe('failed');
  });

  it('fails a task that hears nothing from the client for its idle timeout (23 s in the service)', async () => {
    const { simulator, ws, events } = await rawSetup({ idleTimeoutMs: 50 });
    ws.send(runTask);
    expect(header(await events()).event).toBe('task-started');
    ws.send(continueTask('只说一句就不说了。'));
    let event = await events();
    while (header(event).event === 'result-generated') event = await events();
    expect(header(event)).toMatchObject({
      event: 'task-failed',
      error_code: 'RequestTimeOut',
      error_message: 'request timeout after 0 seconds.',
    });
    ws.terminate();
    expect(simulator.tasks[0]?.sequence).toEqual(['run-task', 'task-started', 'continue-task', 'task-failed']);
  });

  it('refuses unexpected fields and a missing payload.input', async () => {
    const { ws, events } = await rawSetup();
    ws.send(JSON.stringify({ header: { action: 'run-task', task_id: TASK_ID, streaming: 'duplex', extra: 1 }, payload: { input: {} } }));
    expect(header(await events())).toMatchObject({
      event: 'task-failed',
      error_code: 'InvalidParameter',
      error_message: 'unexpected field header.extra',
    });
    ws.send(JSON.stringify({ header: { action: 'run-task', task_id: TASK_ID, streaming: 'duplex' }, payload: {} }));
    expect(header(await events())).toMatchObject({ event: 'task-failed', error_message: 'payload.input is required' });
    ws.terminate();
  });

  it('runs a second task on a socket whose first task finished, as the service allows', async () => {
    const { simulator, ws, events } = await rawSetup();
    for (let round = 0; round < 2; round += 1) {
      ws.send(runTask);
      expect(header(await events()).event).toBe('task-started');
      ws.send(continueTask('一句话。'));
      ws.send(JSON.stringify({ header: { action: 'finish-task', task_id: TASK_ID, streaming: 'duplex' }, payload: { input: {} } }));
      let event = await events();
      while (header(event).event === 'result-generated') event = await events();
      expect(header(event).event).toBe('task-finished');
    }
    ws.close();
    expect(simulator.tasks.map((task) => [task.connection, task.outcome])).toEqual([
      [1, 'completed'],
      [1, 'completed'],
    ]);
  });

  it('draws the same faults for the same seed', async () => {
    const kinds: CosyVoiceFault[] = [
      { kind: 'throttling' },
      { kind: 'upgradeRefused', status: 503 },
      { kind: 'closeMidAudio', afterFrames: 1 },
    ];
    const runs: (string | undefined)[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const { simulator, client } = await setup({ faultRate: 0.5, seed: 42, faultKinds: kinds });
      for (let i = 0; i < 10; i += 1) await failure(client.synthesize(request({ text: `第${i}句。` })));
      runs.push(simulator.tasks.map((task) => task.fault));
    }
    expect(runs[0]).toEqual(runs[1]);
    const faulted = runs[0]?.filter((fault) => fault !== undefined).length ?? 0;
    expect(faulted).toBeGreaterThan(0);
    expect(faulted).toBeLessThan(10);
  });

  it('runs from the command line, prints its URL and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/simulators/cli.ts',
        'cosyvoice',
        '--port',
        '0',
        '--key',
        KEY,
        '--ms-per-char',
        '2',
        '--rtf',
        '0',
        '--first-frame-delay-ms',
        '0',
        '--quiet',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [firstLine] = (await once(lines, 'line')) as [string];
      const match = /^DASHSCOPE_WS_URL=(ws:\/\/127\.0\.0\.1:\d+\/api-ws\/v1\/inference)$/.exec(firstLine);
      expect(match, `first stdout line was ${JSON.stringify(firstLine)}`).not.toBeNull();
      const client = new CosyVoiceClient({ apiKey: KEY, url: match?.[1] ?? '' });
      try {
        const { audio } = await collect(client.synthesize(request()));
        expect(audio.length).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});

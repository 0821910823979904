import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IncompleteStreamError } from '../../src/errors/incomplete-stream-error.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { ProviderError } from '../../src/errors/provider-error.ts';
import { Ai302Client } from '../../src/providers/ai302/client.ts';
import { ai302Limits } from '../../src/providers/ai302/limits.ts';
import type { SynthesisRequest, TaskStatus } from '../../src/providers/provider.ts';
import type { Ai302Fault } from '../simulators/ai302/faults.ts';
import { startAi302Simulator, type Ai302Simulator, type StatusWords } from '../simulators/ai302/server.ts';
import { requireFfmpeg, withTempFile, ffmpegDecode } from '../support/ffmpeg.ts';
import { errorTexts, speak } from '../support/provider-contract.ts';
import { probeAudio } from '../unit/audio/probe-audio.ts';

const KEY = 'ai302-client-test-key-51f0';
// Long enough that the first poll after a create lands inside the pending stage on two loaded cores (40 ms did not).
const STAGE_MS = 250;

const generateRequest = (text: string, extra: Partial<SynthesisRequest> = {}): SynthesisRequest => ({
  text,
  voice: 'default',
  model: 'higgs-audio-v2',
  audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
  voiceSettings: {},
  ...extra,
});

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError, but the call succeeded');
}

/** Waiting between polls of an external task is the protocol itself, not a stand-in for an event. */
function pollInterval(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, STAGE_MS / 2));
}

/** Polls until the task leaves `running`, as the worker does. */
async function settle(client: Ai302Client, taskId: string): Promise<TaskStatus> {
  for (;;) {
    const status = await client.poll(taskId);
    if (status.state !== 'running') return status;
    await pollInterval();
  }
}

async function collect(stream: AsyncGenerator<Uint8Array, unknown, undefined>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}

describe('Ai302Client against the simulator', () => {
  let simulator: Ai302Simulator;
  let client: Ai302Client;
  let next: Ai302Fault | undefined;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startAi302Simulator({ apiKey: KEY, msPerChar: 20, stageMs: STAGE_MS });
    simulator.setFaults(() => {
      const fault = next;
      next = undefined;
      return fault;
    });
    client = new Ai302Client({
      apiKey: KEY,
      baseUrl: simulator.url,
      clonePath: simulator.clonePath,
      generatePath: simulator.generatePath,
      cloneQueryPath: simulator.cloneQueryPath,
      generateQueryPath: simulator.generateQueryPath,
      limits: ai302Limits(2000),
      polling: { firstPollMs: 20, maxIntervalMs: 60, deadlineMs: 5000 },
    });
  });

  afterEach(() => {
    next = undefined;
    simulator.configure({
      shape: 'flat',
      statusWords: { pending: 'pending', processing: 'processing', success: 'success', failed: 'failed' },
      urlField: 'audio_url',
      taskIdField: 'task_id',
      resultFormat: 'wav',
      unknownTask: 'http404',
    });
  });

  afterAll(async () => {
    await client?.close();
    await simulator?.close();
  });

  it('generates a voice: the wire body carries the documented fields, the audio comes back as the asked mp3', async () => {
    const text = 'The sun rises in the east and sets in the west.';
    const { audio, meta } = await speak(
      client,
      generateRequest(text, { voiceSettings: { systemPrompt: 'Audio is recorded from a quiet room.', temperature: 0.8, topK: 40 } }),
    );
    const [task] = simulator.tasksFor(text);
    expect(task?.kind).toBe('generate');
    expect(task?.request).toEqual({
      kind: 'generate',
      text,
      multiSpeaker: false,
      systemPrompt:
        'Generate audio following instruction.\n\n<|scene_desc_start|>\nAudio is recorded from a quiet room.\n<|scene_desc_end|>',
      temperature: 0.8,
      topK: 40,
    });
    expect(meta.billedCharacters).toBe(task?.usageCharacters);
    const probed = await probeAudio(audio, 'mp3');
    expect(probed).toMatchObject({ codec: 'mp3', sampleRate: 24000, channels: 1, bitRate: 64000 });
    expect(Math.abs(probed.durationSeconds * 1000 - (task?.durationMs ?? 0))).toBeLessThan(120);
  });

  it('clones a voice: the clone path, links and transcripts in order, a task id that remembers its family', async () => {
    const text = 'Maintaining your ability to learn translates into increased marketability.';
    const links = ['https://file.302ai.cn/a.wav', 'https://file.302ai.cn/b.wav'];
    const request = generateRequest(text, { voiceSettings: { refAudio: links, refText: ['First clip.', 'Second clip.'], topP: 0.9 } });
    const { taskId } = await client.submit(request);
    expect(taskId).toMatch(/^clone:[0-9a-f-]{36}$/);
    const status = await settle(client, taskId);
    expect(status.state).toBe('succeeded');
    const [task] = simulator.tasksFor(text);
    expect(task?.request).toMatchObject({ kind: 'clone', refAudioLinks: links, refAudioText: ['First clip.', 'Second clip.'], topP: 0.9 });
    const queries = simulator.requests.filter((r) => r.call === 'query' && r.taskId === task?.id);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((r) => r.path === simulator.cloneQueryPath)).toBe(true);
  });

  const variants: { name: string; shape: 'flat' | 'wrapped'; words: StatusWords; urlField: string; taskIdField: string }[] = [
    {
      name: 'flat, 302.AI task words',
      shape: 'flat',
      words: { pending: 'pending', processing: 'processing', success: 'completed', failed: 'failed' },
      urlField: 'result_url',
      taskIdField: 'taskid',
    },
    {
      name: 'wrapped {code,msg,data}',
      shape: 'wrapped',
      words: { pending: 'queued', processing: 'running', success: 'succeeded', failed: 'error' },
      urlField: 'result.audio_url',
      taskIdField: 'task_id',
    },
    {
      name: 'wrapped, upper-case words, output.url',
      shape: 'wrapped',
      words: { pending: 'QUEUED', processing: 'IN_PROGRESS', success: 'DONE', failed: 'CANCELLED' },
      urlField: 'output.url',
      taskIdField: 'id',
    },
    {
      name: 'flat, unknown in-between word',
      shape: 'flat',
      words: { pending: 'warming_up', processing: 'thinking', success: 'success', failed: 'expired' },
      urlField: 'data.url',
      taskIdField: 'task_id',
    },
  ];
  for (const variant of variants) {
    it(`reads ${variant.name}: running while running, then the link; a failure with its message`, async () => {
      simulator.configure({
        shape: variant.shape,
        statusWords: variant.words,
        urlField: variant.urlField,
        taskIdField: variant.taskIdField,
      });
      const text = `Variant ${variant.name}: a short line to speak.`;
      const { taskId } = await client.submit(generateRequest(text));
      const first = await client.poll(taskId);
      expect(first).toEqual({ state: 'running', detail: variant.words.pending });
      const done = await settle(client, taskId);
      expect(done).toMatchObject({
        state: 'succeeded',
        audioUrl: expect.stringContaining(simulator.tasksFor(text)[0]?.id ?? '?') as unknown,
        billedCharacters: simulator.tasksFor(text)[0]?.usageCharacters,
      });

      next = { kind: 'taskFails', message: 'GPU worker lost the task' };
      const failing = await client.submit(generateRequest(`${text} (failing)`));
      expect(await settle(client, failing.taskId)).toEqual({
        state: 'failed',
        reason: `${variant.words.failed}: GPU worker lost the task`,
        retryable: true,
      });
    });
  }

  it('fails a task for good when its message blames the input', async () => {
    next = { kind: 'taskFails', message: 'input_text contains illegal characters' };
    const { taskId } = await client.submit(generateRequest('Some text the provider dislikes.'));
    expect(await settle(client, taskId)).toMatchObject({ state: 'failed', retryable: false });
  });

  // Issue 10 defect 1: this used to read as "failed, retryable", and the worker bought a new task
  // per 404. A 404 on the query cannot be told from a wrong query path: a route error instead.
  it('reads a query 404 for an unknown task as a route error, never as a failed task', async () => {
    const error = await failureOf(client.poll('generate:00000000-0000-0000-0000-000000000000'));
    expect(error).toMatchObject({ route: true, kind: 'fatal', httpStatus: 404, credentials: false });
    expect(error.message).toContain('check AI302_GENERATE_QUERY_PATH and AI302_BASE_URL');
  });

  it('reads an unknown task answered 200 with code 404 as a fatal refusal of that task, not a route error', async () => {
    simulator.configure({ unknownTask: 'business' });
    const error = await failureOf(client.poll('generate:00000000-0000-0000-0000-000000000000'));
    expect(error).toMatchObject({ route: false, kind: 'fatal', providerCode: 404 });
    expect(error.message).toContain('task 00000000-0000-0000-0000-000000000000 not found');
  });

  it('a wrong query path: the create works, the query is a route error naming the query variable', async () => {
    const astray = new Ai302Client({
      apiKey: KEY,
      baseUrl: simulator.url,
      clonePath: simulator.clonePath,
      generatePath: simulator.generatePath,
      limits: ai302Limits(2000),
      polling: { firstPollMs: 20, maxIntervalMs: 60, deadlineMs: 5000 },
    });
    try {
      const { taskId } = await astray.submit(generateRequest('Asked for on the wrong path.'));
      const error = await failureOf(astray.poll(taskId));
      expect(error).toMatchObject({ route: true, kind: 'fatal', httpStatus: 404 });
      expect(error.message).toContain('check AI302_GENERATE_QUERY_PATH');
      // The simulator told an unknown route from an unknown task: a bare 404 outside the API.
      expect(simulator.requests.at(-1)).toMatchObject({ call: 'unknown', method: 'GET', path: simulator.generatePath, httpStatus: 404 });
    } finally {
      await astray.close();
    }
  });

  it('a create whose answer is lost after the task was made: outcome unknown', async () => {
    next = { kind: 'dropAnswer' };
    const text = 'Created, but nobody hears back.';
    const error = await failureOf(client.submit(generateRequest(text)));
    expect(error).toMatchObject({ outcomeUnknown: true, kind: 'retryable' });
    expect(simulator.tasksFor(text)).toHaveLength(1);
  });

  it('a create that never reached the server (connection refused): outcome known, no task', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = new Ai302Client({
      apiKey: KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      clonePath: simulator.clonePath,
      generatePath: simulator.generatePath,
      limits: ai302Limits(2000),
      polling: { firstPollMs: 20, maxIntervalMs: 60, deadlineMs: 5000 },
    });
    try {
      const error = await failureOf(nowhere.submit(generateRequest('Nobody listens.')));
      expect(error).toMatchObject({ outcomeUnknown: false, kind: 'retryable', providerCode: 'ECONNREFUSED' });
    } finally {
      await nowhere.close();
    }
  });

  it("keeps polling a task that never finishes (the worker's deadline decides)", async () => {
    next = { kind: 'neverFinishes' };
    const { taskId } = await client.submit(generateRequest('A task that hangs forever.'));
    const createdAt = simulator.tasks.at(-1)?.createdAt ?? 0;
    let status: TaskStatus;
    do {
      await pollInterval();
      status = await client.poll(taskId);
      expect(status.state).toBe('running');
    } while (Date.now() - createdAt < 4 * STAGE_MS);
    expect(status).toEqual({ state: 'running', detail: 'processing' });
  });

  const createFaults: { fault: Ai302Fault; kind: ProviderError['kind']; check?: (error: ProviderError) => void }[] = [
    { fault: { kind: 'http429', on: 'create', retryAfter: 2 }, kind: 'rate-limited', check: (e) => expect(e.retryAfterMs).toBe(2000) },
    { fault: { kind: 'http429', on: 'create' }, kind: 'rate-limited', check: (e) => expect(e.retryAfterMs).toBeUndefined() },
    { fault: { kind: 'http5xx', on: 'create', status: 500 }, kind: 'retryable', check: (e) => expect(e.httpStatus).toBe(500) },
    { fault: { kind: 'http5xx', on: 'create', status: 502 }, kind: 'retryable', check: (e) => expect(e.message).toContain('Bad Gateway') },
    { fault: { kind: 'reset', on: 'create' }, kind: 'retryable' },
    {
      fault: { kind: 'business', code: 500, message: 'upstream busy' },
      kind: 'retryable',
      check: (e) => expect(e.message).toContain('upstream busy'),
    },
    { fault: { kind: 'business', code: 402, message: 'insufficient balance' }, kind: 'fatal' },
    { fault: { kind: 'auth401' }, kind: 'fatal', check: (e) => expect(e.message).toContain('check AI302_API_KEY') },
  ];
  for (const { fault, kind, check } of createFaults) {
    it(`classifies ${JSON.stringify(fault)} on create as ${kind}, never showing the key, creating no task`, async () => {
      const before = simulator.tasks.length;
      next = fault;
      const error = await failureOf(client.submit(generateRequest('A request that meets a fault.')));
      expect(error.kind).toBe(kind);
      check?.(error);
      expect(errorTexts(error)).not.toContain(KEY);
      expect(simulator.tasks.length).toBe(before);
    });
  }

  it('classifies a rate limit or a server error while querying, and the next query of the same task works', async () => {
    for (const fault of [
      { kind: 'http429', on: 'query', retryAfter: 1 },
      { kind: 'http5xx', on: 'query', status: 503 },
      { kind: 'reset', on: 'query' },
    ] as const) {
      next = fault;
      const { taskId } = await client.submit(generateRequest(`Query fault ${fault.kind}.`));
      const error = await failureOf(client.poll(taskId));
      expect(error.kind, fault.kind).toBe(fault.kind === 'http429' ? 'rate-limited' : 'retryable');
      expect(await settle(client, taskId)).toMatchObject({ state: 'succeeded' });
    }
  });

  it('refuses bad parameters for good, quoting the provider, in both answer shapes', async () => {
    // The settings schema would stop these; a client talking to a stricter server must still say why.
    const tooLong = await startAi302Simulator({ apiKey: KEY, maxChars: 10, stageMs: STAGE_MS });
    const strict = new Ai302Client({
      apiKey: KEY,
      baseUrl: tooLong.url,
      clonePath: tooLong.clonePath,
      generatePath: tooLong.generatePath,
      cloneQueryPath: tooLong.cloneQueryPath,
      generateQueryPath: tooLong.generateQueryPath,
      limits: ai302Limits(2000),
      polling: { firstPollMs: 20, maxIntervalMs: 60, deadlineMs: 5000 },
    });
    try {
      for (const shape of ['flat', 'wrapped'] as const) {
        tooLong.configure({ shape });
        const error = await failureOf(strict.submit(generateRequest('Far more than ten characters.')));
        expect(error.kind, shape).toBe('fatal');
        expect(error.message, shape).toContain('input_text is too long');
      }
    } finally {
      await strict.close();
      await tooLong.close();
    }
  });

  it('points at the path variable when the create path does not exist', async () => {
    const lost = new Ai302Client({
      apiKey: KEY,
      baseUrl: simulator.url,
      clonePath: '/nope',
      generatePath: '/nope-either',
      limits: ai302Limits(2000),
      polling: { firstPollMs: 20, maxIntervalMs: 60, deadlineMs: 5000 },
    });
    try {
      const error = await failureOf(lost.submit(generateRequest('Where does this go?')));
      expect(error.kind).toBe('fatal');
      expect(error.message).toContain('check AI302_GENERATE_PATH and AI302_BASE_URL');
    } finally {
      await lost.close();
    }
  });

  it('refuses stale settings from job data as bad input, before paying for a task', async () => {
    const before = simulator.tasks.length;
    await expect(
      client.submit(generateRequest('Stale settings.', { voiceSettings: { refAudio: ['https://x/a.wav'] } })),
    ).rejects.toBeInstanceOf(InputError);
    expect(simulator.tasks.length).toBe(before);
  });

  describe('download', () => {
    async function finishedTask(text: string): Promise<{ url: string; request: SynthesisRequest }> {
      const request = generateRequest(text);
      const { taskId } = await client.submit(request);
      const status = await settle(client, taskId);
      if (status.state !== 'succeeded') throw new Error(`task ended ${status.state}`);
      return { url: status.audioUrl, request };
    }

    it('treats a link that answers 404 as retryable, and the same link works on the next try', async () => {
      next = { kind: 'url404' };
      const { url, request } = await finishedTask('A link that is not there yet.');
      const error = await failureOf(collect(client.download(url, request)));
      expect(error.kind).toBe('retryable');
      expect(error.httpStatus).toBe(404);
      expect((await collect(client.download(url, request))).length).toBeGreaterThan(1000);
    });

    it('fails a download cut short of its Content-Length as an incomplete stream, never as shorter audio', async () => {
      for (const fraction of [0.5, 0.002]) {
        next = { kind: 'cutDownload', fraction };
        const { url, request } = await finishedTask(`A download that breaks at ${fraction}.`);
        const error = await failureOf(
          collect(client.download(url, { ...request, audio: { format: 'wav', sampleRate: 24000, channels: 1 } })),
        );
        expect(error, `cut at ${fraction}`).toBeInstanceOf(IncompleteStreamError);
        expect(error.kind).toBe('retryable');
      }
    });

    it('passes audio that already is the asked format through untouched, and converts otherwise', async () => {
      const { url, request } = await finishedTask('Same format in and out.');
      const id = url.split('/').at(-1)?.replace('.wav', '');
      const wav = await collect(client.download(url, { ...request, audio: { format: 'wav', sampleRate: 24000, channels: 1 } }));
      const task = simulator.tasks.find((t) => t.id === id);
      expect(wav.length).toBe(task?.audioBytes);
      const stereo = await collect(client.download(url, { ...request, audio: { format: 'wav', sampleRate: 44100, channels: 2 } }));
      expect(await probeAudio(stereo, 'wav')).toMatchObject({ sampleRate: 44100, channels: 2 });
      const pcm = await collect(client.download(url, { ...request, audio: { format: 'pcm', sampleRate: 16000, channels: 1 } }));
      expect(Math.abs(pcm.length / 32 - (task?.durationMs ?? 0))).toBeLessThan(5);
    });

    it('reads the container from the bytes, not the name: an mp3 served as .wav', async () => {
      simulator.configure({ resultFormat: 'mp3' });
      const { url, request } = await finishedTask('An mp3 in wav clothing.');
      expect(url).toMatch(/\.wav$/);
      const same = await collect(client.download(url, request));
      expect(Buffer.from(same.subarray(0, 3)).toString('latin1'), 'an mp3 that matches is passed through, tag and all').toBe('ID3');
      const wav = await collect(client.download(url, { ...request, audio: { format: 'wav', sampleRate: 24000, channels: 1 } }));
      await withTempFile(wav, 'wav', async (path) => expect((await ffmpegDecode(path)).errors).toBe(''));
    });

    it('refuses a link that serves something other than audio, saying what came', async () => {
      const page: Server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Access denied</body></html>');
      });
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = page.address() as AddressInfo;
        const error = await failureOf(collect(client.download(`http://127.0.0.1:${port}/result.wav`, generateRequest('x'))));
        expect(error.kind).toBe('retryable');
        expect(error.providerCode).toBe('NOT_AUDIO');
        expect(error.message).toContain('Content-Type text/html');
      } finally {
        await new Promise<void>((resolve) => page.close(() => resolve()));
      }
    });

    it('follows a redirect from the link to the file (signed CDN links)', async () => {
      const { url, request } = await finishedTask('A link behind a redirect.');
      const hop: Server = createServer((_req, res) => {
        res.writeHead(302, { location: url }).end();
      });
      await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = hop.address() as AddressInfo;
        const wav = await collect(
          client.download(`http://127.0.0.1:${port}/signed/result.wav?sig=abc`, {
            ...request,
            audio: { format: 'wav', sampleRate: 24000, channels: 1 },
          }),
        );
        expect(wav.length).toBe(simulator.tasksFor('A link behind a redirect.')[0]?.audioBytes);
      } finally {
        await new Promise<void>((resolve) => hop.close(() => resolve()));
      }
    });

    it('never sends the API key to the audio link', async () => {
      const seen: (string | undefined)[] = [];
      const files: Server = createServer((req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = files.address() as AddressInfo;
        await failureOf(collect(client.download(`http://127.0.0.1:${port}/a.wav`, generateRequest('x'))));
        expect(seen).toEqual([undefined]);
      } finally {
        await new Promise<void>((resolve) => files.close(() => resolve()));
      }
    });
  });
});

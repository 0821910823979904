import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.ts';
import { CosyVoiceClient } from '../../src/providers/cosyvoice/client.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulator, type CosyVoiceSimulatorOptions } from '../simulators/cosyvoice/server.ts';
import { openRawCosyVoiceSocket } from '../support/cosyvoice-raw-socket.ts';

const KEY = 'sk-cosy-ssml-90d3';
const RATE = 16_000;
const opened: { simulator: CosyVoiceSimulator; client: CosyVoiceClient }[] = [];

afterEach(async () => {
  for (const { simulator, client } of opened.splice(0)) {
    await client.close();
    await simulator.close();
  }
});

async function setup(options: CosyVoiceSimulatorOptions = {}) {
  const simulator = await startCosyVoiceSimulator({ apiKey: KEY, msPerChar: 5, rtf: 0.01, firstFrameDelayMs: 2, ...options });
  const client = new CosyVoiceClient({ apiKey: KEY, url: simulator.url });
  opened.push({ simulator, client });
  return { simulator, client };
}

function request(text: string, voice = 'longxiaochun_v2'): SynthesisRequest {
  return { text, voice, model: 'cosyvoice-v2', audio: { format: 'pcm', sampleRate: RATE, channels: 1 }, voiceSettings: {} };
}

async function collect(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>) {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const step = await stream.next();
    if (step.done) return { audio: Buffer.concat(chunks), meta: step.value };
    chunks.push(step.value);
  }
}

/** The longest run of exactly silent 16-bit samples, in ms (the simulator's tones are never flat). */
function longestSilenceMs(pcm: Buffer): number {
  let longest = 0;
  let run = 0;
  for (let at = 0; at + 1 < pcm.length; at += 2) {
    run = pcm.readInt16LE(at) === 0 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return (longest * 1000) / RATE;
}

describe('CosyVoice SSML for voices that take it (the pause where the book asks for it)', () => {
  it('sends <break time=800> as an SSML break in ONE continue-task with enable_ssml, and the audio pauses 800 ms there', async () => {
    const { simulator, client } = await setup();
    const { audio } = await collect(client.synthesize(request('第一句话说完了。<break time=800>第二句话接着说。')));
    const task = await simulator.whenFinished(1);
    expect(task.outcome, task.errorMessage).toBe('completed');
    expect(task.parameters?.enable_ssml).toBe(true);
    expect(task.texts).toEqual(['<speak>第一句话说完了。<break time="800ms"/>第二句话接着说。</speak>']);
    expect(task.ssml?.pausesMs).toEqual([800]);
    const silence = longestSilenceMs(audio);
    expect(silence).toBeGreaterThanOrEqual(800);
    expect(silence).toBeLessThan(810);
  });

  it('passes <phoneme> markup through intact, escapes the rest, and the simulator reads the phoneme', async () => {
    const { simulator, client } = await setup();
    await collect(client.synthesize(request('<phoneme alphabet="py" ph="cao3 di4">草地</phoneme>上有露水 & 星光。')));
    const task = await simulator.whenFinished(1);
    expect(task.outcome, task.errorMessage).toBe('completed');
    expect(task.texts).toEqual(['<speak><phoneme alphabet="py" ph="cao3 di4">草地</phoneme>上有露水 &amp; 星光。</speak>']);
    expect(task.ssml?.phonemes).toEqual([{ alphabet: 'py', ph: 'cao3 di4', text: '草地' }]);
  });

  it('keeps plain streaming for a voice without SSML: no enable_ssml, the tag never sent, no pause', async () => {
    const { simulator, client } = await setup();
    const { audio } = await collect(client.synthesize(request('First sentence. <break time=800>Second sentence.', 'loongeva_v2')));
    const task = await simulator.whenFinished(1);
    expect(task.parameters).not.toHaveProperty('enable_ssml');
    expect(task.texts.join('')).not.toContain('<break');
    expect(task.ssml).toBeUndefined();
    expect(longestSilenceMs(audio)).toBeLessThan(100);
  });

  it('refuses, before connecting, a segment whose SSML does not fit the one message', async () => {
    const { simulator, client } = await setup();
    const stream = client.synthesize(request('长'.repeat(1_000)));
    const error = await stream.next().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerCode).toBe('TEXT_TOO_LONG');
    expect((error as Error).message).toMatch(/one continue-task an SSML task may send/);
    expect(simulator.tasks).toHaveLength(0);
  });
});

describe('the CosyVoice simulator’s SSML rules (from the WebSocket page)', () => {
  const TASK_ID = 'bbbbbbbbccccddddeeeeffffffffffff';
  const runTask = (parameters: Record<string, unknown>, voice = 'longxiaochun_v2') => ({
    header: { action: 'run-task', task_id: TASK_ID, streaming: 'duplex' },
    payload: {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: 'cosyvoice-v2',
      parameters: { text_type: 'PlainText', voice, format: 'pcm', sample_rate: RATE, ...parameters },
      input: {},
    },
  });
  const continueTask = (text: string) => ({
    header: { action: 'continue-task', task_id: TASK_ID, streaming: 'duplex' },
    payload: { input: { text } },
  });
  const header = (event: Record<string, unknown> | undefined) => (event?.header ?? {}) as Record<string, unknown>;

  async function raw() {
    const { simulator } = await setup();
    const socket = await openRawCosyVoiceSocket(simulator.url, KEY);
    return { simulator, socket };
  }

  it('allows one continue-task only when enable_ssml is on', async () => {
    const { socket } = await raw();
    socket.send(runTask({ enable_ssml: true }));
    expect(header(await socket.event()).event).toBe('task-started');
    socket.send(continueTask('<speak>一。</speak>'));
    socket.send(continueTask('<speak>二。</speak>'));
    const events = await socket.untilTaskEnds();
    expect(header(events.at(-1))).toMatchObject({ event: 'task-failed', error_message: 'Text request limit violated, expected 1.' });
    socket.ws.terminate();
  });

  it('refuses SSML text sent without enable_ssml', async () => {
    const { socket } = await raw();
    socket.send(runTask({}));
    await socket.event();
    socket.send(continueTask('<speak>你好<break time="500ms"/>。</speak>'));
    expect(header(await socket.event())).toMatchObject({ event: 'task-failed', error_code: 'InvalidParameter' });
    socket.ws.terminate();
  });

  it('refuses enable_ssml for a voice the table marks without SSML', async () => {
    const { socket } = await raw();
    socket.send(runTask({ enable_ssml: true }, 'loongeva_v2'));
    expect(header(await socket.event())).toMatchObject({
      event: 'task-failed',
      error_message: 'SSML text is not supported at the moment!',
    });
    socket.ws.terminate();
  });

  it('refuses malformed SSML, and honours a break given in seconds', async () => {
    const bad = await raw();
    bad.socket.send(runTask({ enable_ssml: true }));
    await bad.socket.event();
    bad.socket.send(continueTask('<speak>Tom & Jerry</speak>'));
    expect(header(await bad.socket.event())).toMatchObject({ event: 'task-failed', error_code: 'InvalidParameter' });
    bad.socket.ws.terminate();

    const good = await raw();
    good.socket.send(runTask({ enable_ssml: true }));
    await good.socket.event();
    good.socket.send(continueTask('<speak>一句。<break time="1s"/>两句。</speak>'));
    good.socket.send({ header: { action: 'finish-task', task_id: TASK_ID, streaming: 'duplex' }, payload: { input: {} } });
    expect(header((await good.socket.untilTaskEnds()).at(-1)).event).toBe('task-finished');
    expect(longestSilenceMs(Buffer.concat(good.socket.binaries))).toBeGreaterThanOrEqual(1_000);
    expect((await good.simulator.whenFinished(1)).ssml?.pausesMs).toEqual([1_000]);
    good.socket.ws.terminate();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { CosyVoiceClient, type CosyVoiceClientOptions } from '../../src/providers/cosyvoice/client.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulator, type CosyVoiceSimulatorOptions } from '../simulators/cosyvoice/server.ts';

const KEY = 'sk-cosy-cancel-77c1';
/** Several sentences at a real-time factor of 1: the task is still speaking when it is stopped. */
const TEXT = '第一句话说完了。第二句话也说完了。第三句话还没说。第四句话更远。第五句话在最后。';
const opened: { simulator: CosyVoiceSimulator; client: CosyVoiceClient }[] = [];

afterEach(async () => {
  for (const { simulator, client } of opened.splice(0)) {
    await client.close();
    await simulator.close();
  }
});

async function setup(simulatorOptions: CosyVoiceSimulatorOptions = {}, clientOptions: Partial<CosyVoiceClientOptions> = {}) {
  const simulator = await startCosyVoiceSimulator({ apiKey: KEY, msPerChar: 20, rtf: 1, firstFrameDelayMs: 2, ...simulatorOptions });
  const client = new CosyVoiceClient({ apiKey: KEY, url: simulator.url, ...clientOptions });
  opened.push({ simulator, client });
  return { simulator, client };
}

function request(signal?: AbortSignal): SynthesisRequest {
  return {
    text: TEXT,
    voice: 'longxiaochun_v2',
    model: 'cosyvoice-v2',
    audio: { format: 'mp3', sampleRate: 22050, channels: 1 },
    voiceSettings: {},
    ...(signal ? { signal } : {}),
  };
}

async function firstFrameThenAbort(stream: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>, controller: AbortController) {
  expect((await stream.next()).done).toBe(false);
  const next = stream.next();
  controller.abort(new Error('render cancelled'));
  return next;
}

describe('CosyVoiceClient cancels a running task the way the SDK does', () => {
  it('an abort mid-task sends finish-task with directive "cancel", waits for task-finished, then closes the socket', async () => {
    const { simulator, client } = await setup();
    const controller = new AbortController();
    const next = firstFrameThenAbort(client.synthesize(request(controller.signal)), controller);
    await expect(next).rejects.toThrow('render cancelled');
    const task = await simulator.whenFinished(1);
    expect(task.outcome).toBe('cancelled');
    expect(task.cancelled).toBe(true);
    expect(task.sequence).toEqual(['run-task', 'task-started', 'continue-task', 'finish-task', 'finish-task:cancel', 'task-finished']);
    // The audio stopped: not every sentence was spoken.
    expect(task.audioFrames).toBeLessThan(5);
    await simulator.whenIdle();
  });

  it('a service that never answers the cancel is closed after the bounded wait', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'cancelIgnored' }] }, { timeouts: { cancelMs: 150 } });
    const controller = new AbortController();
    const started = Date.now();
    const next = firstFrameThenAbort(client.synthesize(request(controller.signal)), controller);
    await expect(next).rejects.toThrow('render cancelled');
    const waited = Date.now() - started;
    const task = await simulator.whenFinished(1);
    expect(task.cancelled).toBe(true);
    expect(task.outcome).toBe('faulted');
    await simulator.whenIdle();
    // The wait is the bound plus the closing handshake, not the SDK's 10 s.
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(3_000);
  });

  it('an abort before task-started sends no cancel: there is no task yet, the socket is cut', async () => {
    const { simulator, client } = await setup({ faults: [{ kind: 'slowTaskStarted', delayMs: 60_000 }] });
    const controller = new AbortController();
    const stream = client.synthesize(request(controller.signal));
    const pending = stream.next();
    await simulator.whenTask(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const task = await simulator.whenFinished(1);
    expect(task.outcome).toBe('client-closed');
    expect(task.cancelled).toBeUndefined();
    expect(task.sequence).not.toContain('finish-task:cancel');
  });
});

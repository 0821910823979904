import { afterEach, describe, expect, it } from 'vitest';
import { startCosyVoiceSimulator, type CosyVoiceSimulator } from '../simulators/cosyvoice/server.ts';
import { openRawCosyVoiceSocket, type RawCosyVoiceSocket } from '../support/cosyvoice-raw-socket.ts';

const KEY = 'sk-cosy-sdk-shape-5e21';
const TASK_ID = '2bf83b9abaeb4fda8d9a0123456789ab';
const opened: { simulator: CosyVoiceSimulator; socket: RawCosyVoiceSocket }[] = [];

afterEach(async () => {
  for (const { simulator, socket } of opened.splice(0)) {
    socket.ws.terminate();
    await simulator.close();
  }
});

async function open(): Promise<{ simulator: CosyVoiceSimulator; socket: RawCosyVoiceSocket }> {
  const simulator = await startCosyVoiceSimulator({ apiKey: KEY, msPerChar: 3, rtf: 0.01, firstFrameDelayMs: 2 });
  const socket = await openRawCosyVoiceSocket(simulator.url, KEY);
  const pair = { simulator, socket };
  opened.push(pair);
  return pair;
}

const header = (event: Record<string, unknown>) => event.header as Record<string, unknown>;

/**
 * The messages exactly as the official Python SDK builds them (dashscope/audio/tts_v2/
 * speech_synthesizer.py, Request.get_start_request / get_continue_request / get_finish_request):
 * model first, `seed` and `type` in the parameters, and model/task_group/task/function repeated in
 * every continue-task.
 */
const sdkRunTask = {
  header: { action: 'run-task', task_id: TASK_ID, streaming: 'duplex' },
  payload: {
    model: 'cosyvoice-v2',
    task_group: 'audio',
    task: 'tts',
    function: 'SpeechSynthesizer',
    input: {},
    parameters: {
      voice: 'longxiaochun_v2',
      volume: 50,
      text_type: 'PlainText',
      sample_rate: 22050,
      rate: 1.0,
      format: 'mp3',
      pitch: 1.0,
      seed: 0,
      type: 0,
    },
  },
};
const sdkContinueTask = (text: string) => ({
  header: { action: 'continue-task', task_id: TASK_ID, streaming: 'duplex' },
  payload: { model: 'cosyvoice-v2', task_group: 'audio', task: 'tts', function: 'SpeechSynthesizer', input: { text } },
});
const sdkFinishTask = { header: { action: 'finish-task', task_id: TASK_ID, streaming: 'duplex' }, payload: { input: {} } };

describe('the CosyVoice simulator takes the messages the official SDK sends', () => {
  it('runs a task whose run-task carries `type` and whose continue-tasks repeat model, task_group, task and function', async () => {
    const { simulator, socket } = await open();
    socket.send(sdkRunTask);
    expect(header(await socket.event()).event).toBe('task-started');
    socket.send(sdkContinueTask('床前明月光，'));
    socket.send(sdkContinueTask('疑是地上霜。'));
    socket.send(sdkFinishTask);
    const events = await socket.untilTaskEnds();
    const last = events.at(-1) ?? {};
    expect(header(last).event, JSON.stringify(header(last))).toBe('task-finished');
    expect(socket.binaries.length).toBeGreaterThan(0);
    const task = await simulator.whenFinished(1);
    expect(task.outcome).toBe('completed');
    expect(task.texts).toEqual(['床前明月光，', '疑是地上霜。']);
    expect(task.parameters).toMatchObject({ seed: 0, type: 0 });
  });

  it('still refuses a field neither the protocol page nor the SDK sends', async () => {
    const { socket } = await open();
    socket.send(sdkRunTask);
    expect(header(await socket.event()).event).toBe('task-started');
    socket.send({ ...sdkContinueTask('一句。'), payload: { ...sdkContinueTask('一句。').payload, voice: 'longxiaochun_v2' } });
    expect(header(await socket.event())).toMatchObject({
      event: 'task-failed',
      error_code: 'InvalidParameter',
      error_message: 'unexpected field payload.voice',
    });
  });

  it('bills what it spoke with its own count: 2 per Han character, 1 for the rest', async () => {
    const { simulator, socket } = await open();
    socket.send(sdkRunTask);
    await socket.event();
    socket.send(sdkContinueTask('中 文。A1'));
    socket.send(sdkFinishTask);
    const events = await socket.untilTaskEnds();
    const usage = (events.at(-1)?.payload as { usage?: { characters?: number } }).usage;
    expect(usage?.characters).toBe(2 + 1 + 2 + 1 + 1 + 1);
    expect((await simulator.whenFinished(1)).taskUnits).toBe(8);
  });
});

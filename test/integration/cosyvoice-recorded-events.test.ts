import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyTaskFailure } from '../../src/providers/cosyvoice/classify-error.ts';
import { parseServerEvent } from '../../src/providers/cosyvoice/protocol-messages.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulator, type CosyVoiceSimulatorOptions } from '../simulators/cosyvoice/server.ts';
import { openRawCosyVoiceSocket } from '../support/cosyvoice-raw-socket.ts';

/** DashScope's published example events (sources inside the file). */
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/providers/cosyvoice/server-events.json', import.meta.url), 'utf8')) as {
  events: Record<string, { event: Record<string, unknown> }>;
};
const recorded = (name: string): Record<string, unknown> => {
  const entry = FIXTURE.events[name];
  if (!entry) throw new Error(`no recorded event ${name}`);
  return entry.event;
};

/** Keys in order and value types, recursively: what must match byte for byte, values aside. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? ['array'] : ['array', shape(value[0])];
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([key, inner]) => [key, shape(inner)]);
  return value === null ? 'null' : typeof value;
}

const KEY = 'sk-cosy-fixture-3c4d';
const TASK_ID = '2bf83b9abaeb4fda8d9a00000000cafe';
const simulators: CosyVoiceSimulator[] = [];
afterEach(async () => {
  for (const simulator of simulators.splice(0)) await simulator.close();
});

/** Runs one task by hand and returns every event the simulator sent, in order. */
async function simulatorEvents(options: CosyVoiceSimulatorOptions, parameters: Record<string, unknown> = {}) {
  const simulator = await startCosyVoiceSimulator({ apiKey: KEY, msPerChar: 3, rtf: 0.01, firstFrameDelayMs: 2, ...options });
  simulators.push(simulator);
  const socket = await openRawCosyVoiceSocket(simulator.url, KEY);
  const header = { task_id: TASK_ID, streaming: 'duplex' };
  socket.send({
    header: { action: 'run-task', ...header },
    payload: {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: 'cosyvoice-v2',
      parameters: { text_type: 'PlainText', voice: 'longxiaochun_v2', format: 'mp3', sample_rate: 22050, ...parameters },
      input: {},
    },
  });
  const started = await socket.event();
  const events = [started];
  if ((started.header as Record<string, unknown>).event === 'task-started') {
    socket.send({ header: { action: 'continue-task', ...header }, payload: { input: { text: '床前明月光，疑是地上霜。' } } });
    socket.send({ header: { action: 'finish-task', ...header }, payload: { input: {} } });
    events.push(...(await socket.untilTaskEnds()));
  }
  socket.ws.terminate();
  const find = (event: string, type?: string) =>
    events.find((candidate) => {
      const head = candidate.header as Record<string, unknown>;
      const output = (candidate.payload as { output?: { type?: string } }).output;
      return head.event === event && (type === undefined || output?.type === type);
    });
  return { events, find };
}

describe('recorded CosyVoice events: the client parses each', () => {
  it('reads task-started, the three sentence events, task-finished and task-failed as DashScope shows them', () => {
    expect(parseServerEvent(JSON.stringify(recorded('task-started')))).toEqual({ event: 'task-started' });
    expect(parseServerEvent(JSON.stringify(recorded('sentence-begin')))).toEqual({
      event: 'result-generated',
      outputType: 'sentence-begin',
    });
    expect(parseServerEvent(JSON.stringify(recorded('sentence-synthesis')))).toEqual({
      event: 'result-generated',
      outputType: 'sentence-synthesis',
    });
    expect(parseServerEvent(JSON.stringify(recorded('sentence-end')))).toEqual({
      event: 'result-generated',
      outputType: 'sentence-end',
      characters: 6,
      sentence: { index: 0, words: [{ text: '床', startMs: 0, endMs: 263 }] },
    });
    expect(parseServerEvent(JSON.stringify(recorded('task-finished')))).toEqual({ event: 'task-finished', characters: 13 });
    expect(parseServerEvent(JSON.stringify(recorded('task-finished-with-output')))).toEqual({ event: 'task-finished', characters: 13 });
    expect(parseServerEvent(JSON.stringify(recorded('sdk-log-result-generated')))).toEqual({ event: 'result-generated', characters: 15 });
    const failed = parseServerEvent(JSON.stringify(recorded('task-failed')));
    expect(failed).toEqual({ event: 'task-failed', errorCode: 'InvalidParameter', errorMessage: '[tts:]Engine return error code: 418' });
    expect(classifyTaskFailure('InvalidParameter', '[tts:]Engine return error code: 418')).toMatchObject({
      kind: 'fatal',
      providerCode: 'InvalidParameter',
    });
  });
});

describe('recorded CosyVoice events: the simulator sends the same shapes', () => {
  it('task-started, sentence-begin, sentence-synthesis and sentence-end (with word timestamps), task-finished', async () => {
    const { find } = await simulatorEvents({}, { word_timestamp_enabled: true });
    expect(shape(find('task-started'))).toEqual(shape(recorded('task-started')));
    expect(shape(find('result-generated', 'sentence-begin'))).toEqual(shape(recorded('sentence-begin')));
    expect(shape(find('result-generated', 'sentence-synthesis'))).toEqual(shape(recorded('sentence-synthesis')));
    expect(shape(find('result-generated', 'sentence-end'))).toEqual(shape(recorded('sentence-end')));
    expect(shape(find('task-finished'))).toEqual(shape(recorded('task-finished-with-output')));
  });

  it('task-finished in the server-events page’s form, usage only, when set so', async () => {
    const { find } = await simulatorEvents({ taskFinishedShape: 'usage-only' });
    expect(shape(find('task-finished'))).toEqual(shape(recorded('task-finished')));
  });

  it('task-failed', async () => {
    const { find } = await simulatorEvents({ faults: [{ kind: 'taskFailed', code: 'InvalidParameter', message: 'x' }] });
    expect(shape(find('task-failed'))).toEqual(shape(recorded('task-failed')));
  });
});

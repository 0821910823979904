import { describe, expect, it } from 'vitest';
import {
  continueTaskMessage,
  finishTaskMessage,
  parseServerEvent,
  runTaskMessage,
} from '../../../../src/providers/cosyvoice/protocol-messages.ts';

const TASK = '62ebb7d6cb0a4080868f0edb12345678';

describe('client messages', () => {
  it('run-task carries exactly the documented fields, with an empty input', () => {
    const message: unknown = JSON.parse(
      runTaskMessage(TASK, {
        text: 'ignored here',
        voice: 'longxiaochun_v2',
        model: 'cosyvoice-v2',
        audio: { format: 'wav', sampleRate: 16000, channels: 1 },
        voiceSettings: { vol: 70 },
      }),
    );
    expect(message).toEqual({
      header: { action: 'run-task', task_id: TASK, streaming: 'duplex' },
      payload: {
        task_group: 'audio',
        task: 'tts',
        function: 'SpeechSynthesizer',
        model: 'cosyvoice-v2',
        parameters: { text_type: 'PlainText', voice: 'longxiaochun_v2', format: 'wav', sample_rate: 16000, volume: 70, rate: 1, pitch: 1 },
        input: {},
      },
    });
  });

  it('a cancel is finish-task with payload.input.directive "cancel", as the SDK sends it', () => {
    expect(JSON.parse(finishTaskMessage(TASK, 'cancel'))).toEqual({
      header: { action: 'finish-task', task_id: TASK, streaming: 'duplex' },
      payload: { input: { directive: 'cancel' } },
    });
  });

  it('continue-task and finish-task', () => {
    expect(JSON.parse(continueTaskMessage(TASK, '你好。'))).toEqual({
      header: { action: 'continue-task', task_id: TASK, streaming: 'duplex' },
      payload: { input: { text: '你好。' } },
    });
    expect(JSON.parse(finishTaskMessage(TASK))).toEqual({
      header: { action: 'finish-task', task_id: TASK, streaming: 'duplex' },
      payload: { input: {} },
    });
  });
});

describe('parseServerEvent', () => {
  it('reads the usage of the result-generated line the seed shows, which has no output type', () => {
    const line = `{"header":{"task_id":"${TASK}","event":"result-generated","attributes":{}},"payload":{"output":{"sentence":{"words":[]}},"usage":{"characters":15}}}`;
    expect(parseServerEvent(line)).toEqual({ event: 'result-generated', characters: 15 });
  });

  it('reads sentence events, task-finished with its usage, and task-failed with its code', () => {
    expect(
      parseServerEvent(JSON.stringify({ header: { event: 'result-generated' }, payload: { output: { type: 'sentence-begin' } } })),
    ).toEqual({
      event: 'result-generated',
      outputType: 'sentence-begin',
    });
    expect(parseServerEvent(JSON.stringify({ header: { event: 'task-finished' }, payload: { usage: { characters: 13 } } }))).toEqual({
      event: 'task-finished',
      characters: 13,
    });
    expect(
      parseServerEvent(
        JSON.stringify({ header: { event: 'task-failed', error_code: 'Throttling.RateQuota', error_message: 'too fast' }, payload: {} }),
      ),
    ).toEqual({ event: 'task-failed', errorCode: 'Throttling.RateQuota', errorMessage: 'too fast' });
    expect(parseServerEvent(JSON.stringify({ header: { event: 'task-started' }, payload: {} }))).toEqual({ event: 'task-started' });
  });

  it('keeps a task-failed without a code as UNKNOWN, and an unknown event as "other"', () => {
    expect(parseServerEvent(JSON.stringify({ header: { event: 'task-failed' } }))).toEqual({
      event: 'task-failed',
      errorCode: 'UNKNOWN',
      errorMessage: '',
    });
    expect(parseServerEvent(JSON.stringify({ header: { event: 'heartbeat' } }))).toEqual({ event: 'other', name: 'heartbeat' });
  });

  it('ignores a usage that is not a count', () => {
    expect(parseServerEvent(JSON.stringify({ header: { event: 'task-finished' }, payload: { usage: { characters: '13' } } }))).toEqual({
      event: 'task-finished',
    });
  });

  it('returns undefined for text that is not an event', () => {
    expect(parseServerEvent('not json')).toBeUndefined();
    expect(parseServerEvent('{"payload":{}}')).toBeUndefined();
    expect(parseServerEvent('[1,2]')).toBeUndefined();
  });
});

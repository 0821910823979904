import { describe, expect, it } from 'vitest';
import { statusOf } from '../../../../src/providers/ai302/client.ts';
import { failureIsRetryable, statusStateOf, STATUS_WORDS } from '../../../../src/providers/ai302/task-status.ts';

const malformed = (what: string) => new Error(what);

describe('status words', () => {
  it('maps every word of the brief to its state, whatever the case or separators', () => {
    const expected: Record<string, string> = {
      pending: 'running',
      queued: 'running',
      processing: 'running',
      running: 'running',
      'In Progress': 'running',
      success: 'succeeded',
      succeeded: 'succeeded',
      COMPLETED: 'succeeded',
      done: 'succeeded',
      failed: 'failed',
      error: 'failed',
      cancelled: 'failed',
      expired: 'failed',
      'timed-out': 'failed',
    };
    for (const [word, state] of Object.entries(expected)) expect(statusStateOf(word), word).toBe(state);
  });

  it('counts an unknown word as still running (the deadline ends a task that never settles)', () => {
    expect(statusStateOf('warming_up')).toBe('running');
    expect(statusStateOf('')).toBe('running');
    expect(Object.values(STATUS_WORDS).every((state) => ['running', 'succeeded', 'failed'].includes(state))).toBe(true);
  });

  it('retries a failed task unless its message blames the input', () => {
    expect(failureIsRetryable('GPU worker lost the task')).toBe(true);
    expect(failureIsRetryable('upstream timeout')).toBe(true);
    expect(failureIsRetryable('input_text is invalid')).toBe(false);
    expect(failureIsRetryable('text too long for one task')).toBe(false);
    expect(failureIsRetryable('参数错误')).toBe(false);
  });
});

describe('statusOf', () => {
  it('reads a finished task: link from whichever field carries it, billed characters when given', () => {
    expect(
      statusOf({ status: 'completed', result: { audio_url: 'https://cdn.example/a.wav' }, usage: { characters: 42 } }, malformed),
    ).toEqual({
      state: 'succeeded',
      audioUrl: 'https://cdn.example/a.wav',
      billedCharacters: 42,
    });
    expect(statusOf({ state: 'done', output: { url: 'https://cdn.example/b.mp3' } }, malformed)).toEqual({
      state: 'succeeded',
      audioUrl: 'https://cdn.example/b.mp3',
    });
    expect(statusOf({ status: 'success', result_url: 'https://cdn.example/c.wav' }, malformed)).toMatchObject({
      audioUrl: 'https://cdn.example/c.wav',
    });
  });

  it("keeps the provider's word for a running task and its message for a failed one", () => {
    expect(statusOf({ status: 'queued' }, malformed)).toEqual({ state: 'running', detail: 'queued' });
    expect(statusOf({ status: 'failed', error: 'GPU worker lost the task' }, malformed)).toEqual({
      state: 'failed',
      reason: 'failed: GPU worker lost the task',
      retryable: true,
    });
    expect(statusOf({ status: 'error', error: { message: 'input_text is invalid' } }, malformed)).toMatchObject({
      state: 'failed',
      retryable: false,
    });
  });

  it('calls an answer without a status, or "done" without a link, malformed', () => {
    expect(() => statusOf({ task_id: 'x' }, malformed)).toThrow(/no status/);
    expect(() => statusOf({ status: 'success', result: 'ok' }, malformed)).toThrow(/no audio URL/);
  });
});

import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors/provider-error.ts';
import type { SynthesizeJobData } from '../../../src/queue/job-data.ts';
import {
  afterFailedCreate,
  afterReplacedTask,
  beforeCreate,
  createBound,
  MAX_LOST_CREATES,
  MAX_REPLACED_TASKS,
} from '../../../src/worker/task-creates.ts';

const DATA: SynthesizeJobData = {
  renderId: 'r',
  index: 0,
  provider: 'ai302',
  model: 'higgs-audio-v2',
  voice: 'default',
  voiceSettings: {},
  audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
  text: 'Hello.',
  output: 'file:///tmp/out',
  key: 'k',
};
const lost = new ProviderError('request failed creating the task: ECONNRESET', {
  provider: 'ai302',
  kind: 'retryable',
  outcomeUnknown: true,
});
const refused = new ProviderError('HTTP 500 creating the task', { provider: 'ai302', kind: 'retryable' });

/** The job-data rules of what a segment may spend on tasks (issue 10 item 1). */
describe('task creates', () => {
  it('marks a create before it is sent, and counts a mark left by a process that died mid-create as a lost create', () => {
    const sending = beforeCreate(DATA, 'ai302', 1000);
    expect(sending).toMatchObject({ createStartedAt: 1000 });
    expect(sending.lostCreates).toBeUndefined();
    // The next process finds the mark still set: the outcome of that create was never stored.
    expect(beforeCreate(sending, 'ai302', 2000)).toMatchObject({ createStartedAt: 2000, lostCreates: 1 });
  });

  it('counts a lost answer, not a definite refusal, and clears the mark either way', () => {
    const sending = beforeCreate(DATA, 'ai302', 1000);
    expect(afterFailedCreate(sending, refused)).toEqual(DATA);
    expect(afterFailedCreate(sending, lost)).toEqual({ ...DATA, lostCreates: 1 });
  });

  it(`allows one re-send after a lost create, and refuses once ${MAX_LOST_CREATES} are lost`, () => {
    expect(createBound({ ...DATA, lostCreates: MAX_LOST_CREATES - 1 })).toBeUndefined();
    expect(createBound({ ...DATA, lostCreates: MAX_LOST_CREATES })?.code).toBe('CREATES_LOST');
    const died = beforeCreate(DATA, 'ai302', 1000);
    const diedAgain = { ...died, lostCreates: MAX_LOST_CREATES - 1 };
    expect(() => beforeCreate(diedAgain, 'ai302', 2000)).toThrow(/lost their answer/);
  });

  it(`replaces a task at most ${MAX_REPLACED_TASKS} times`, () => {
    let data: SynthesizeJobData = { ...DATA, task: { id: 'generate:t', submittedAt: 0, polls: 3 } };
    for (let i = 0; i < MAX_REPLACED_TASKS; i += 1) {
      data = afterReplacedTask(data);
      expect(data.task).toBeUndefined();
      expect(createBound(data)).toBeUndefined();
    }
    expect(createBound(afterReplacedTask(data))?.code).toBe('TASKS_EXHAUSTED');
  });
});

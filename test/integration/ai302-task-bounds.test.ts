import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { MAX_LOST_CREATES, MAX_REPLACED_TASKS } from '../../src/worker/task-creates.ts';
import type { Ai302Fault } from '../simulators/ai302/faults.ts';
import { DEFAULT_CLONE_PATH, DEFAULT_GENERATE_PATH, startAi302Simulator, type Ai302Simulator } from '../simulators/ai302/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

const API_KEY = 'ai302-bounds-key-0c4e';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
/** Far more attempts than any bound below: the bounds, not RETRY_ATTEMPTS, must stop the spending. */
const ATTEMPTS = 12;

function book(tag: string): string {
  return [
    `The fog had not lifted yet, and the dock (${tag}) was already full of people.`,
    `She spread the old map (${tag}) on the table and circled three places.`,
  ].join('\n\n');
}

/**
 * Issue 10 defect 1, the rest of it: only a task the provider reports as failed is replaced, a
 * bounded number of times; a create whose answer was lost is counted as possibly paid for and
 * sent again at most once, never once per attempt.
 */
describe('302.AI: what a segment may spend on tasks', () => {
  let simulator: Ai302Simulator;
  let env: RenderEnv;
  /** The fault every create for `text` gets, `times` times (undefined: every time). */
  let target: { text: string; fault: Ai302Fault; times?: number; used: number } | undefined;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startAi302Simulator({
      apiKey: API_KEY,
      msPerChar: 2,
      stageMs: 20,
      // One path per family for create and query (the client's default when no query path is set).
      cloneQueryPath: DEFAULT_CLONE_PATH,
      generateQueryPath: DEFAULT_GENERATE_PATH,
      faults: (_number, body) => {
        const text = (body as { input_text?: unknown } | undefined)?.input_text;
        if (target === undefined || text !== target.text) return undefined;
        if (target.times !== undefined && target.used >= target.times) return undefined;
        target.used += 1;
        return target.fault;
      },
    });
    env = await startRenderEnv(ai302Definition, {
      AI302_API_KEY: API_KEY,
      AI302_BASE_URL: simulator.url,
      AI302_CLONE_PATH: simulator.clonePath,
      AI302_GENERATE_PATH: simulator.generatePath,
      AI302_POLL_FIRST_MS: '20',
      AI302_POLL_MAX_MS: '50',
      WORKER_CONCURRENCY: '2',
      RETRY_ATTEMPTS: String(ATTEMPTS),
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  async function renderFor(tag: string, fault: Ai302Fault, times?: number): Promise<{ id: string; text: string }> {
    const { plan, options } = env.plan(book(tag), AUDIO);
    expect(plan.segments).toHaveLength(2);
    const text = toSpeechText(plan.segments[1]?.text ?? '');
    target = { text, fault, used: 0, ...(times === undefined ? {} : { times }) };
    const id = `bounds-${tag}`;
    await env.enqueue(id, plan, options);
    return { id, text };
  }

  const failedRender = (id: string) =>
    pollUntil(
      `render ${id} failed`,
      () => env.store.get(id),
      (state) => state?.status === 'failed',
      60_000,
    );

  it('a task the provider reports failed is replaced, at most MAX_REPLACED_TASKS times, then the segment fails saying so', async () => {
    const { id, text } = await renderFor('always-fails', { kind: 'taskFails', message: 'GPU worker lost the task' });
    const state = await failedRender(id);
    expect(simulator.tasksFor(text), 'tasks bought for the segment whose tasks always fail').toHaveLength(1 + MAX_REPLACED_TASKS);
    expect(state?.error).toContain('GPU worker lost the task');
    expect(state?.error).toContain('no further task is bought');
  });

  it('a create whose answer was lost is sent again once, and the segment completes on the second task', async () => {
    const { id, text } = await renderFor('lost-once', { kind: 'dropAnswer' }, 1);
    const manifest = await env.finish(id, 60_000);
    const tasks = simulator.tasksFor(text);
    expect(
      tasks.map((task) => task.fault ?? 'none'),
      'the lost one (paid, never fetched), then the one used',
    ).toEqual(['dropAnswer', 'none']);
    expect(tasks[0]?.queries, 'nobody knew the lost task id').toBe(0);
    expect(manifest.segments).toHaveLength(2);
  });

  it('creates whose answers keep getting lost stop after MAX_LOST_CREATES, not one per attempt', async () => {
    const { id, text } = await renderFor('always-lost', { kind: 'dropAnswer' });
    const state = await failedRender(id);
    expect(simulator.tasksFor(text), 'possibly paid tasks nobody can fetch').toHaveLength(MAX_LOST_CREATES);
    expect(state?.error).toContain('lost their answer');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { MAX_TASK_DOWNLOAD_FAILURES } from '../../src/worker/task-download-failure.ts';
import type { Ai302Fault } from '../simulators/ai302/faults.ts';
import { startAi302Simulator, type Ai302Simulator } from '../simulators/ai302/server.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { expectCleanStitchedMp3 } from '../support/stitched-mp3-assertions.ts';

const API_KEY = 'ai302-bad-answer-key-5e1f';
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;

/** Three paragraphs, so three segments (each paragraph is cut on its own); `tag` makes each scenario's text (and content keys) its own. */
function book(tag: string): string {
  return [
    `The fog had not lifted yet, and the dock (${tag}) was already full of people.`,
    `She spread the old map (${tag}) on the table and circled three places.`,
    `We had agreed to meet at the bridge (${tag}), but neither of us waited.`,
  ].join('\n\n');
}

/**
 * A finished 302.AI task's result file does not change: when it is a bad answer, downloading it
 * again gets the same bad bytes. The worker must buy a new task for that segment (one more, not
 * one per attempt) instead of spending every attempt on the same file. A download that fails for
 * a passing reason (a link not published yet, a cut) is retried on the same task, a bounded
 * number of times.
 */
describe('302.AI: a task with a bad answer is replaced, not re-downloaded', () => {
  let simulator: Ai302Simulator;
  let env: RenderEnv;
  /** The text whose first task gets `fault`. */
  let target: { text: string; fault: Ai302Fault; used: boolean } | undefined;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startAi302Simulator({
      apiKey: API_KEY,
      msPerChar: 2,
      stageMs: 30,
      faults: (_number, body) => {
        const text = (body as { input_text?: unknown } | undefined)?.input_text;
        if (target === undefined || target.used || text !== target.text) return undefined;
        target.used = true;
        return target.fault;
      },
    });
    env = await startRenderEnv(ai302Definition, {
      AI302_API_KEY: API_KEY,
      AI302_BASE_URL: simulator.url,
      AI302_CLONE_PATH: simulator.clonePath,
      AI302_GENERATE_PATH: simulator.generatePath,
      AI302_CLONE_QUERY_PATH: simulator.cloneQueryPath,
      AI302_GENERATE_QUERY_PATH: simulator.generateQueryPath,
      AI302_POLL_FIRST_MS: '20',
      AI302_POLL_MAX_MS: '50',
      WORKER_CONCURRENCY: '3',
      RETRY_ATTEMPTS: '5',
      RETRY_BACKOFF_MS: '20',
      // ~80-character segments may run 0.1 s/char + 1 s = ~9 s; `tooLong` serves ~40 s.
      SEGMENT_MAX_SECONDS_PER_CHAR: '0.1',
      SEGMENT_EXTRA_SECONDS: '1',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  const downloadsOf = (taskId: string | undefined) => simulator.requests.filter((r) => r.call === 'download' && r.taskId === taskId).length;

  // tooLong passes the container check and fails the segment check (BadAudioError): the task is
  // dropped at once. notAudio (random bytes) reads like an error page served with 200, which a
  // CDN may stop serving: the same link gets one more try, then the task is replaced.
  it.each([
    ['tooLong', 1],
    ['notAudio', MAX_TASK_DOWNLOAD_FAILURES],
  ] as const)(
    'a task whose result is %s: one new task for that segment after %i download(s), and the render completes',
    async (variant, downloads) => {
      const { plan, options } = env.plan(book(variant), AUDIO);
      expect(plan.segments).toHaveLength(3);
      const targetText = toSpeechText(plan.segments[1]?.text ?? '');
      target = { text: targetText, fault: { kind: 'badAudio', variant }, used: false };
      const tasksBefore = simulator.tasks.length;

      await env.enqueue(`bad-task-${variant}`, plan, options);
      const manifest = await env.finish(`bad-task-${variant}`, 60_000);

      const forTarget = simulator.tasksFor(targetText);
      expect(
        forTarget.map((task) => task.fault ?? 'none'),
        'tasks created for the segment with the bad answer',
      ).toEqual(['badAudio', 'none']);
      expect(downloadsOf(forTarget[0]?.id), 'downloads of the bad answer, not one per attempt').toBe(downloads);
      expect(simulator.tasks.length - tasksBefore, 'three segments, one of them bought twice').toBe(4);
      expect(manifest.segments.map((s) => s.cached)).toEqual([false, false, false]);
      const billed = simulator.tasks
        .slice(tasksBefore)
        .filter((task) => task.fault === undefined)
        .reduce((sum, task) => sum + task.usageCharacters, 0);
      expect(manifest.billedCharacters).toBe(billed);
      await expectCleanStitchedMp3(env, `bad-task-${variant}`, manifest.durationMs);
    },
  );

  it('a link that never works is re-downloaded a bounded number of times, then the task is replaced', async () => {
    const { plan, options } = env.plan(book('dead-link'), AUDIO);
    const targetText = toSpeechText(plan.segments[1]?.text ?? '');
    target = { text: targetText, fault: { kind: 'url404', always: true }, used: false };

    await env.enqueue('dead-link', plan, options);
    const manifest = await env.finish('dead-link', 60_000);

    const forTarget = simulator.tasksFor(targetText);
    expect(forTarget.map((task) => task.fault ?? 'none')).toEqual(['url404', 'none']);
    expect(downloadsOf(forTarget[0]?.id), 'downloads of the dead link before a new task was bought').toBe(MAX_TASK_DOWNLOAD_FAILURES);
    expect(manifest.segments).toHaveLength(3);
  });
});

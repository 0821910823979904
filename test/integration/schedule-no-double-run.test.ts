import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleRun } from '../../src/render/schedule-run.ts';
import { ScheduleStore } from '../../src/render/schedule-store.ts';
import { requestRun } from '../../src/producer/manage-schedules.ts';
import { pollUntil } from '../support/poll-until.ts';
import { libraryBook, startScheduleEnv, type ScheduleEnv } from '../support/schedule-env.ts';
import type { WorkerProcess } from '../support/worker-process.ts';

const BOOKS = ['north', 'south', 'east'];
const PARAGRAPHS = 2;

/** What the workers logged about schedule runs: which process started or skipped which run. */
function runLog(workers: readonly WorkerProcess[]): { pid: number; msg: string; runId: string; reason?: string }[] {
  return workers.flatMap((worker) =>
    worker
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"schedule run '))
      .map((line) => JSON.parse(line) as { pid: number; msg: string; runId: string; reason?: string }),
  );
}

describe('two worker processes never run a schedule twice at once (CLI, SenseAudio simulator answering in 1.5 s)', () => {
  let schedule: ScheduleEnv;
  let redis: Redis;
  let workers: WorkerProcess[];
  let store: ScheduleStore;

  beforeAll(async () => {
    // Every answer takes 1.5 s, so a run that renders lasts long enough for the next to find it running.
    schedule = await startScheduleEnv('schedule-double', { simulator: { latencyMs: 1500 } });
    redis = new Redis(schedule.env.REDIS_URL ?? '');
    store = new ScheduleStore(redis, schedule.prefix);
    for (const name of BOOKS) await schedule.writeBook(`${name}.txt`, libraryBook(name, PARAGRAPHS));
    workers = await schedule.workers(2);
  }, 30_000);

  afterAll(async () => {
    redis?.disconnect();
    await schedule?.close();
  });

  const add = (name: string, ...when: string[]) =>
    schedule.cli([
      'schedule',
      'add',
      name,
      ...when,
      '--source',
      schedule.library,
      '-p',
      'senseaudio',
      '--profile',
      'raw',
      '-o',
      `${schedule.out}/${name}`,
    ]);

  it('two runs asked at once: the worker processes start one, skip the other, and render the library once', async () => {
    expect((await add('manual', '--cron', '0 2 * * *')).code).toBe(0);
    const before = schedule.simulator.requests.length;
    // Two run jobs side by side (as two `schedule run` calls in the same instant would add them,
    // both before either run holds the schedule), for the two worker processes to take.
    const now = Date.now();
    const deps = { connection: redis, prefix: schedule.prefix };
    const asked = await Promise.all([requestRun(deps, 'manual', now), requestRun(deps, 'manual', now + 1)]);
    const runIds = asked.map((request) => request.runId);
    expect(runIds.every((runId) => runId !== undefined)).toBe(true);
    // A third asked while one runs is refused up front and follows the run in progress.
    const third = await pollUntil(
      'a run of manual in progress',
      () => store.runningRun('manual'),
      (running) => running !== null,
    ).then(() => schedule.cli(['schedule', 'run', 'manual', '--wait', '--json']));
    const runs = await pollUntil(
      'both runs ended',
      async () => Promise.all(runIds.map((runId) => store.getRun('manual', runId ?? ''))),
      (found) => found.every((run) => run !== null && run.status !== 'running'),
    );
    const requests = schedule.simulator.requests.slice(before);

    const [winner, loser] = [...(runs as ScheduleRun[])].sort((a, b) => b.totals.rendered - a.totals.rendered) as [
      ScheduleRun,
      ScheduleRun,
    ];
    expect(winner).toMatchObject({ status: 'completed', totals: { books: 3, rendered: 3, failed: 0 } });
    expect(loser).toMatchObject({ status: 'skipped', reason: `run ${winner.runId} of this schedule is still in progress`, books: [] });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain(`a run of manual is in progress: ${winner.runId}; not starting another`);
    expect(third.stdout.split('\n')[0]).toBe(winner.runId);
    expect(await store.runs('manual', 10)).toHaveLength(2);
    // Each segment was asked of the provider once: no book was rendered twice.
    const texts = requests.map((request) => request.text);
    expect(texts).toHaveLength(BOOKS.length * PARAGRAPHS);
    expect(new Set(texts).size).toBe(texts.length);
    const log = runLog(workers).filter((line) => line.runId.startsWith('manual-') && line.msg !== 'schedule run completed');
    expect(log.map((line) => [line.runId, line.msg]).sort()).toEqual(
      [
        [winner.runId, 'schedule run started'],
        [loser.runId, 'schedule run skipped'],
      ].sort(),
    );
    console.log(
      `[schedule-no-double-run] two at once: started in pid ${log.find((l) => l.runId === winner.runId)?.pid}, skipped in pid ${log.find((l) => l.runId === loser.runId)?.pid} (workers ${workers.map((w) => w.child.pid).join(', ')}); ${requests.length} requests for ${texts.length} segments`,
    );
  }, 30_000);

  it('a schedule due every second: each iteration is one run in one process, and none starts while a run goes on', async () => {
    const before = schedule.simulator.requests.length;
    expect((await add('everysecond', '--every', '1000')).code).toBe(0);
    // The first run renders for about 3 s (two answers of 1.5 s per book): iterations due meanwhile are skipped.
    const runs = await pollUntil(
      'a rendering run and two runs after it',
      async () => (await store.runs('everysecond', 50)).reverse(),
      (found: ScheduleRun[]) => {
        const first = found.findIndex((run) => run.totals.rendered > 0 && run.status === 'completed');
        return first >= 0 && found.slice(first + 1).filter((run) => run.status === 'completed').length >= 1;
      },
      25_000,
    );
    expect((await schedule.cli(['schedule', 'remove', 'everysecond'])).code).toBe(0);
    const requests = schedule.simulator.requests.slice(before);

    const renderingRuns = runs.filter((run) => run.totals.rendered > 0);
    expect(renderingRuns).toHaveLength(1);
    const [rendering] = renderingRuns as [ScheduleRun];
    const overlapping = runs.filter((run) => run !== rendering && Date.parse(run.scheduledAt) < Date.parse(rendering.finishedAt ?? ''));
    expect(overlapping.length, 'iterations fell due while it rendered').toBeGreaterThanOrEqual(1);
    for (const run of overlapping.filter((candidate) => Date.parse(candidate.scheduledAt) > Date.parse(rendering.scheduledAt))) {
      expect(run).toMatchObject({ status: 'skipped', reason: `run ${rendering.runId} of this schedule is still in progress` });
    }
    for (const run of runs.filter((candidate) => candidate.status === 'completed' && candidate !== rendering))
      expect(run.totals).toMatchObject({ rendered: 0, unitsBilled: 0 });
    expect(new Set(requests.map((request) => request.text)).size).toBe(requests.length);
    expect(requests).toHaveLength(BOOKS.length * PARAGRAPHS);

    // One job per iteration: every run id was started or skipped exactly once, in one process.
    const lines = runLog(workers).filter((line) => line.runId.startsWith('everysecond-') && line.msg !== 'schedule run completed');
    const byRun = new Map<string, typeof lines>();
    for (const line of lines) byRun.set(line.runId, [...(byRun.get(line.runId) ?? []), line]);
    for (const run of runs) expect(byRun.get(run.runId)?.length, run.runId).toBe(1);
    expect(new Set(runs.map((run) => run.runId)).size).toBe(runs.length);
    console.log(
      `[schedule-no-double-run] every 1 s: ${runs.length} runs (${runs.map((run) => `${run.status}${run.totals.rendered ? ':rendered' : ''}@${[...new Set(byRun.get(run.runId)?.map((l) => l.pid))].join('+')}`).join(', ')}), ${requests.length} requests`,
    );
  }, 40_000);
});

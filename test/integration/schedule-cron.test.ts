import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_QUEUE } from '../../src/queue/schedule-queue.ts';
import type { ScheduleRun } from '../../src/render/schedule-run.ts';
import { ScheduleStore } from '../../src/render/schedule-store.ts';
import { pollUntil } from '../support/poll-until.ts';
import { libraryBook, startScheduleEnv, type ScheduleEnv } from '../support/schedule-env.ts';
import { countKeys } from '../support/test-config.ts';

describe('schedule add refuses bad input; a cron schedule fires by itself until removed (CLI, a worker process)', () => {
  let schedule: ScheduleEnv;
  let redis: Redis;

  beforeAll(async () => {
    schedule = await startScheduleEnv('schedule-cron');
    redis = new Redis(schedule.env.REDIS_URL ?? '');
    await schedule.writeBook('short.md', libraryBook('short', 2));
  });

  afterAll(async () => {
    redis?.disconnect();
    await schedule?.close();
  });

  const add = (name: string, ...args: string[]) =>
    schedule.cli([
      'schedule',
      'add',
      name,
      '--source',
      schedule.library,
      '-p',
      'senseaudio',
      '--profile',
      'raw',
      '-o',
      schedule.out,
      ...args,
    ]);

  it.each([
    [
      'a cron pattern that is not one',
      ['--cron', 'nonsense'],
      /^tts-batch: cron: "nonsense" is not a cron pattern \(minute hour day month weekday, e\.g\. "0 2 \* \* \*"\): .+\n$/,
    ],
    ['neither cron nor every', [], /^tts-batch: cron: give a cron pattern .* or every \(ms\), one of them\n$/],
    [
      'an unknown time zone',
      ['--cron', '0 2 * * *', '--tz', 'Mars/Olympus'],
      /^tts-batch: tz: is not a time zone this runtime knows .*\n$/,
    ],
    ['a flag that names one render', ['--cron', '0 2 * * *', '--title', 'One Title'], /^tts-batch: title: --title names one book; .*\n$/],
  ])('refuses %s: exit 2, one line naming the field, nothing written to Redis', async (_what, args, message) => {
    const refused = await add('nightly', ...args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(message);
    expect(refused.stdout).toBe('');
    expect(await countKeys(schedule.env.REDIS_URL ?? '', schedule.prefix)).toBe(0);
  });

  it('refuses an unknown source folder, naming source', async () => {
    const missing = `${schedule.library}-nowhere`;
    const refused = await schedule.cli([
      'schedule',
      'add',
      'nightly',
      '--cron',
      '0 2 * * *',
      '--source',
      missing,
      '-p',
      'senseaudio',
      '-o',
      schedule.out,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`tts-batch: source: no such folder: ${missing}\n`);
    expect(await countKeys(schedule.env.REDIS_URL ?? '', schedule.prefix)).toBe(0);
  });

  it('a schedule firing every second renders the book at its first run, finds it unchanged at the next, and stops once removed', async () => {
    await schedule.workers(1);
    const added = await add('ticking', '--cron', '* * * * * *');
    expect(added.code, added.stderr).toBe(0);
    const store = new ScheduleStore(redis, schedule.prefix);
    // Nobody asks for a run: the job scheduler starts each one.
    const runs = await pollUntil(
      'two completed runs started by the scheduler',
      async () => (await store.runs('ticking', 50)).filter((run) => run.status === 'completed').reverse(),
      (completed: ScheduleRun[]) => completed.length >= 2,
      20_000,
    );
    const removed = await schedule.cli(['schedule', 'remove', 'ticking']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('removed schedule ticking\n');

    const [first, second] = runs as [ScheduleRun, ScheduleRun];
    for (const run of [first, second]) {
      expect(run.trigger).toBe('cron');
      // Due on a whole second (the pattern's), and named after that time.
      expect(run.scheduledAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(run.runId).toBe(`ticking-${run.scheduledAt.replace(/[-:]/g, '')}`);
    }
    expect(first.totals).toMatchObject({ books: 1, rendered: 1 });
    expect(first.totals.unitsBilled).toBeGreaterThan(0);
    expect(second.totals).toMatchObject({ books: 1, rendered: 0, unchanged: 1, unitsBilled: 0 });
    expect(Date.parse(second.scheduledAt)).toBeGreaterThan(Date.parse(first.scheduledAt));
    expect((await schedule.readReport(first.report ?? '')).runId).toBe(first.runId);

    // Removed: no scheduler and no next iteration waiting; list shows nothing.
    const queue = new Queue(SCHEDULE_QUEUE, { connection: redis, prefix: schedule.prefix });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(0);
      expect(await queue.getDelayedCount()).toBe(0);
    } finally {
      await queue.close();
    }
    const listed = await schedule.cli(['schedule', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const again = await schedule.cli(['schedule', 'run', 'ticking']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('tts-batch: no schedule named "ticking" (see: tts-batch schedule list)\n');
  }, 40_000);
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import type { ScheduleRunReport } from '../../src/render/schedule-run.ts';
import { verifyWebhookSignature } from '../../src/webhooks/webhook-signature.ts';
import type { RecordedRequest } from '../simulators/senseaudio/server.ts';
import { libraryBook, startScheduleEnv, type ScheduleEnv } from '../support/schedule-env.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooks-receiver.ts';

const BOOKS = ['alpha', 'beta', 'gamma'] as const;
const SECRET = 'schedule-webhook-secret-3f9a2c';
const PARAGRAPHS = 6;
/** The one sentence the third run finds edited: in paragraph 3 of beta. */
const ORIGINAL = /In book beta, paragraph 3 tells of the \w+ and sentence 2 moves on\./.exec(libraryBook('beta', PARAGRAPHS))?.[0] ?? '';
const EDITED = ORIGINAL.replace('moves on', 'waits on');

/** The units the simulator billed for these requests (its usage_characters), per book. */
function billedByBook(requests: readonly RecordedRequest[]): Record<string, number> {
  const billed: Record<string, number> = {};
  for (const request of requests) {
    const book = BOOKS.find((name) => request.text?.includes(`In book ${name},`)) ?? 'unknown';
    billed[book] = (billed[book] ?? 0) + (request.usageCharacters ?? 0);
  }
  return billed;
}

function book(report: ScheduleRunReport, name: string): ScheduleRunReport['books'][number] {
  const found = report.books.find((entry) => entry.path === `${name}.txt`);
  if (!found) throw new Error(`${name}.txt is not in the report: ${JSON.stringify(report.books)}`);
  return found;
}

describe('a nightly schedule renders new and changed books only (CLI, a worker process, SenseAudio simulator)', () => {
  let schedule: ScheduleEnv;
  let receiver: WebhookReceiver;
  const runs: { report: ScheduleRunReport; requests: RecordedRequest[] }[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    schedule = await startScheduleEnv('schedule-books', { env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_BACKOFF_MS: '20' } });
    for (const name of BOOKS) await schedule.writeBook(`${name}.txt`, libraryBook(name, PARAGRAPHS));
    // Not a book: counted, never read.
    await schedule.writeBook('cover.jpg', 'not a book');
    await writeFile(join(schedule.scratch, 'secret'), `${SECRET}\n`);
    await schedule.workers(1);
    const added = await schedule.cli([
      'schedule',
      'add',
      'library',
      '--cron',
      '0 2 * * *',
      '--source',
      schedule.library,
      '-p',
      'senseaudio',
      '--profile',
      'raw',
      '-o',
      schedule.out,
      '--webhook',
      `${receiver.url}/hooks/library`,
      '--webhook-secret-file',
      join(schedule.scratch, 'secret'),
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^added schedule library: cron "0 2 \* \* \*", next run \d{4}-\d\d-\d\dT02:00:00\.000Z;/);
  }, 30_000);

  afterAll(async () => {
    await schedule?.close();
    await receiver?.close();
  });

  it('first run: renders all three books, each named after its file, billing what the simulator billed', async () => {
    const first = await schedule.run('library');
    runs.push(first);
    const { report, requests } = first;
    expect(report).toMatchObject({ schedule: 'library', trigger: 'manual', status: 'completed', otherFiles: 1 });
    expect(report.totals).toMatchObject({ books: 3, rendered: 3, unchanged: 0, failed: 0, skipped: 0 });
    const billed = billedByBook(requests);
    expect(Object.keys(billed).sort()).toEqual([...BOOKS]);
    for (const name of BOOKS) {
      const entry = book(report, name);
      expect(entry.status).toBe('rendered');
      // A paragraph of a text book is a segment of its own (they end at paragraph ends).
      expect(entry.segments, name).toBe(PARAGRAPHS);
      expect(
        requests.filter((request) => request.text?.includes(`In book ${name},`)),
        name,
      ).toHaveLength(PARAGRAPHS);
      expect(entry.cachedSegments, name).toBe(0);
      expect(entry.unitsBilled, name).toBe(billed[name]);
      expect(entry.location, name).toBe(`${new URL(`file://${schedule.out}`).href}/${name}/${name}.mp3`);
      const manifest = JSON.parse(await readFile(join(schedule.out, name, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest.billedCharacters, name).toBe(entry.unitsBilled);
    }
    expect(requests).toHaveLength(3 * PARAGRAPHS);
    expect(report.totals.unitsBilled).toBe(requests.reduce((sum, request) => sum + (request.usageCharacters ?? 0), 0));
    // The report in the output is the one printed.
    expect(report.report).toMatch(/\/runs\/\d{4}-\d\d-\d\d-library\.json$/);
    expect(await schedule.readReport(report.report ?? '')).toEqual(report);
    console.log(`[schedule-books] run 1: ${requests.length} requests, ${report.totals.unitsBilled} units billed`);
  }, 30_000);

  it('second run, nothing changed: no request, 0 units, every book unchanged', async () => {
    const { report, requests } = await schedule.run('library');
    runs.push({ report, requests });
    expect(requests).toHaveLength(0);
    expect(report.totals).toMatchObject({ books: 3, rendered: 0, unchanged: 3, unitsBilled: 0 });
    for (const name of BOOKS)
      expect(book(report, name)).toMatchObject({ status: 'unchanged', unitsBilled: 0, sha256: book(runs[0]!.report, name).sha256 });
    // The first run's report of the day stays; this one has its time in its name.
    expect(report.report).toMatch(/\/runs\/\d{4}-\d\d-\d\d-library-\d{6}\.json$/);
    expect((await schedule.readReport(runs[0]!.report.report ?? '')).runId).toBe(runs[0]!.report.runId);
    console.log(`[schedule-books] run 2: ${requests.length} requests, ${report.totals.unitsBilled} units billed`);
  }, 30_000);

  it('third run, one paragraph of one book edited: bills exactly the segment holding that paragraph', async () => {
    const path = join(schedule.library, 'beta.txt');
    const text = await readFile(path, 'utf8');
    expect(ORIGINAL).not.toBe('');
    expect(text.split(ORIGINAL)).toHaveLength(2);
    await writeFile(path, text.replace(ORIGINAL, EDITED));
    const { report, requests } = await schedule.run('library');
    runs.push({ report, requests });

    // The segment run 1 sent with the paragraph, sent again with the edit, and nothing else.
    const before = runs[0]!.requests.filter((request) => request.text?.includes(ORIGINAL));
    expect(before).toHaveLength(1);
    expect(requests.map((request) => request.text)).toEqual([before[0]!.text!.replace(ORIGINAL, EDITED)]);

    expect(report.totals).toMatchObject({ books: 3, rendered: 1, unchanged: 2, failed: 0 });
    const beta = book(report, 'beta');
    expect(beta).toMatchObject({ status: 'rendered', segments: PARAGRAPHS, cachedSegments: PARAGRAPHS - 1 });
    expect(beta.sha256).not.toBe(book(runs[0]!.report, 'beta').sha256);
    expect(beta.unitsBilled).toBe(requests[0]!.usageCharacters);
    expect(report.totals.unitsBilled).toBe(beta.unitsBilled);
    for (const name of ['alpha', 'gamma']) expect(book(report, name)).toMatchObject({ status: 'unchanged', unitsBilled: 0 });
    console.log(
      `[schedule-books] run 3: ${requests.length} request, ${report.totals.unitsBilled} units billed (run 1 billed beta ${book(runs[0]!.report, 'beta').unitsBilled})`,
    );
  }, 30_000);

  it('sends a signed schedule.completed event per run, carrying its totals', { timeout: 15_000 }, async () => {
    await receiver.whenRequest(3);
    expect(receiver.received).toHaveLength(3);
    const events = receiver.received.map((delivery) => {
      expect(delivery.path).toBe('/hooks/library');
      expect(verifyWebhookSignature(SECRET, String(delivery.headers['webhook-signature']), delivery.body)).toBe(true);
      return JSON.parse(delivery.body) as { type: string; runId: string; totals: ScheduleRunReport['totals']; report: string };
    });
    for (const { report } of runs) {
      const event = events.find((candidate) => candidate.runId === report.runId);
      expect(event).toMatchObject({ type: 'schedule.completed', totals: report.totals, report: report.report });
    }
  });
});

import { z } from 'zod';

/**
 * What a run did with one book: `rendered` (a render completed; its units are what it billed),
 * `unchanged` (same bytes and options as its last completed render here: nothing enqueued),
 * `failed` (refused or its render failed: `reason`), `skipped` (not rendered on purpose, e.g. over
 * maxUnits: `reason`). `rendering` only while the run waits for the render.
 */
export const BOOK_STATUSES = ['rendering', 'rendered', 'unchanged', 'failed', 'skipped'] as const;

export const scheduleRunBookSchema = z.object({
  /** The file's key under the source, e.g. "fiction/moby-dick.epub". */
  path: z.string(),
  /** sha256 of the file's bytes, hex. */
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  status: z.enum(BOOK_STATUSES),
  renderId: z.string().optional(),
  /** What the render billed (the manifest's billedCharacters): 0 unless rendered. */
  unitsBilled: z.number().nonnegative(),
  segments: z.number().int().nonnegative().optional(),
  cachedSegments: z.number().int().nonnegative().optional(),
  /** The finished book's file. */
  location: z.string().optional(),
  reason: z.string().optional(),
});
export type ScheduleRunBook = z.infer<typeof scheduleRunBookSchema>;

/**
 * `running` while its renders go on; `completed` when every book has an outcome (some may have
 * failed); `skipped` when it did not start (another run of the schedule was in progress, or the
 * schedule is gone); `failed` when the run itself could not go on (the source could not be listed).
 */
export const RUN_STATUSES = ['running', 'completed', 'skipped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const scheduleRunSchema = z.object({
  schedule: z.string(),
  runId: z.string(),
  trigger: z.enum(['cron', 'manual']),
  status: z.enum(RUN_STATUSES),
  scheduledAt: z.string(),
  startedAt: z.string(),
  /** When its source had been listed and its renders enqueued; absent while it still lists (a retry lists again). */
  listedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  source: z.string(),
  output: z.string(),
  /** Where the run report was written (a key under the output: runs/<date>-<name>.json). */
  report: z.string().optional(),
  totals: z.object({
    books: z.number().int().nonnegative(),
    rendered: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    unitsBilled: z.number().nonnegative(),
  }),
  books: z.array(scheduleRunBookSchema),
  /** renderOptionsDigest of the definition the run started with: what its rendered books are recorded with. */
  optionsDigest: z.string().optional(),
  /** Files in the source that are not books (.txt .md .markdown .html .htm .xhtml .epub). */
  otherFiles: z.number().int().nonnegative(),
  reason: z.string().optional(),
});
export type ScheduleRun = z.infer<typeof scheduleRunSchema>;

/** The totals of a run's books. */
export function runTotals(books: readonly ScheduleRunBook[]): ScheduleRun['totals'] {
  const count = (status: ScheduleRunBook['status']): number => books.filter((book) => book.status === status).length;
  return {
    books: books.length,
    rendered: count('rendered'),
    unchanged: count('unchanged'),
    failed: count('failed'),
    skipped: count('skipped'),
    unitsBilled: books.reduce((sum, book) => sum + book.unitsBilled, 0),
  };
}

/** A run as its report, `schedule run --json` and the API show it: the options digest is bookkeeping. */
export type ScheduleRunReport = Omit<ScheduleRun, 'optionsDigest'>;

export function runReport(run: ScheduleRun): ScheduleRunReport {
  const { optionsDigest: _bookkeeping, ...report } = run;
  return report;
}

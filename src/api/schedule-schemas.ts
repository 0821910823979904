import { z } from 'zod';
import { BOOK_STATUSES, RUN_STATUSES } from '../render/schedule-run.ts';
import { scheduleRenderSchema } from '../render/schedule-definition.ts';

/** The render options of a schedule, as JSON: `settings` any JSON (a recursive schema would not survive the OpenAPI export; the provider's schema checks it). */
const renderOptionsSchema = scheduleRenderSchema
  .extend({ settings: z.record(z.string(), z.unknown()).optional().describe('the provider’s settings by name, e.g. {"speed": 1.1}') })
  .describe('how each book is rendered: the fields of POST /v1/renders that apply to a whole library, named alike');

export const scheduleNameParams = z.object({ name: z.string().describe('the schedule’s name') });
export const scheduleRunParams = z.object({ name: z.string().describe('the schedule’s name'), runId: z.string().describe('a run id') });

/** The body of POST /v1/schedules. Strict: a misspelt field is refused by name. */
export const createScheduleBodySchema = z.strictObject({
  name: z.string().describe('1–48 letters, digits, _ or -; adding a schedule of a name that exists replaces it'),
  cron: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('when: a cron pattern, e.g. "0 2 * * *" (6 fields: seconds first). Give cron or every'),
  tz: z.string().min(1).max(100).optional().describe('the time zone of cron, e.g. Europe/Berlin (default: the workers’ clock)'),
  every: z.number().int().optional().describe('when: every this many milliseconds (1000 or more)'),
  source: z
    .string()
    .min(1)
    .describe('the library: a folder or s3://bucket/prefix holding .txt .md .html .epub books, inside API_OUTPUT_ROOT like outputs'),
  output: z
    .string()
    .min(1)
    .optional()
    .describe('where the books and runs/ reports go (default API_DEFAULT_OUTPUT; limited by API_OUTPUT_ROOT)'),
  render: renderOptionsSchema,
  webhook: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }),
      secret: z.string().min(16, 'must be at least 16 characters').max(256),
    })
    .optional()
    .describe('where each run’s schedule.completed event is POSTed, signed with secret (never shown again)'),
});
export type CreateScheduleBody = z.infer<typeof createScheduleBodySchema>;

const totalsSchema = z.object({
  books: z.number(),
  rendered: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  skipped: z.number(),
  unitsBilled: z.number().describe('what the run’s renders billed, counted as the provider bills'),
});

const runFields = {
  runId: z.string(),
  trigger: z.enum(['cron', 'manual']),
  status: z.enum(RUN_STATUSES),
  scheduledAt: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  report: z.string().optional().describe('where the run report was written'),
  totals: totalsSchema,
  reason: z.string().optional(),
};

export const runSummarySchema = z.object(runFields);

/** A run with its books: what its report file holds. */
export const scheduleRunViewSchema = z.object({
  schedule: z.string(),
  ...runFields,
  source: z.string(),
  output: z.string(),
  otherFiles: z.number().describe('files of the source that are not books'),
  books: z.array(
    z.object({
      path: z.string(),
      sha256: z.string(),
      bytes: z.number(),
      status: z.enum(BOOK_STATUSES),
      renderId: z.string().optional(),
      unitsBilled: z.number(),
      segments: z.number().optional(),
      cachedSegments: z.number().optional(),
      location: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
});

export const scheduleViewSchema = z.object({
  name: z.string(),
  cron: z.string().optional(),
  tz: z.string().optional(),
  every: z.number().optional(),
  source: z.string(),
  output: z.string(),
  render: renderOptionsSchema,
  webhook: z.object({ url: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  nextRunAt: z.string().optional().describe('when its job scheduler starts the next run'),
  running: z.string().optional().describe('the run in progress'),
  lastRun: runSummarySchema.optional(),
});

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { INPUT_FORMATS } from '../book/book.ts';
import { InputError } from '../errors/input-error.ts';
import { voiceSettingsRecordSchema } from '../providers/voice-settings.ts';
import { stableJson } from '../util/stable-json.ts';
import { RENDER_PRIORITIES } from './render-priority.ts';
import { MAX_TAKES_LIMIT, QA_MODES } from '../verify/qa-record.ts';

/**
 * A schedule's name: it is its BullMQ job scheduler id and a part of run ids, render ids and
 * report file names, so letters, digits, `_` and `-` only (no `:`, which BullMQ ids reserve).
 */
const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$/;

export function assertScheduleName(name: string): string {
  if (typeof name !== 'string' || !SCHEDULE_NAME.test(name))
    throw new InputError('name', 'must be 1–48 letters, digits, "_" or "-", starting with a letter or digit', name);
  return name;
}

/**
 * How every book of a schedule is rendered: the render command's options that apply to a whole
 * library (named as its flags are, camelCase), JSON as stored. Not here: what names one render
 * (id, title), files on the adding machine (cover, lexicon: LEXICON_FILE still applies), and the
 * output, which is the schedule's own. `settings` holds the provider's settings already read
 * (alias flags and `--set`, or the API's `settings`). Strict: an unknown field is refused by name.
 */
export const scheduleRenderSchema = z.strictObject({
  provider: z.string().min(1).describe('speech provider, e.g. senseaudio'),
  voice: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  profile: z.string().min(1).optional().describe('mastering profile (default audiobook)'),
  format: z.string().min(1).optional().describe('output format (default: the profile’s)'),
  split: z.string().min(1).optional(),
  subtitles: z.string().min(1).optional(),
  priority: z.enum(RENDER_PRIORITIES).optional(),
  qa: z.enum(QA_MODES).optional().describe('take checks: on (default), strict or off'),
  maxTakes: z.number().int().min(1).max(MAX_TAKES_LIMIT).optional(),
  readAlong: z.boolean().optional(),
  outputBitrate: z.number().int().positive().optional(),
  segmentFormat: z.string().min(1).optional(),
  sampleRate: z.number().int().positive().optional(),
  bitrate: z.number().int().positive().optional(),
  channels: z.number().int().positive().optional(),
  settings: voiceSettingsRecordSchema.optional().describe('the provider’s settings by name, e.g. {"speed": 1.1}'),
  author: z.string().min(1).max(500).optional(),
  narrator: z.string().min(1).max(500).optional(),
  year: z.number().int().optional(),
  genre: z.string().min(1).max(200).optional(),
  language: z.string().min(1).max(35).optional(),
  inputFormat: z.enum(INPUT_FORMATS).optional(),
  chapters: z.string().min(1).max(1000).optional(),
  skipFrontMatter: z.boolean().optional(),
  speakHeadings: z.boolean().optional(),
  chapterLevel: z.number().int().min(1).max(6).optional(),
  speakCode: z.boolean().optional(),
  pauses: z.string().min(1).max(1000).optional().describe('rule=ms,… as --pauses takes them'),
  maxUnits: z.number().int().nonnegative().optional().describe('a book whose render would bill more is skipped, not rendered'),
});
export type ScheduleRender = z.infer<typeof scheduleRenderSchema>;

/** When a schedule fires: a cron pattern (5 or 6 fields, `tz` its time zone) or every N ms. */
export const scheduleTimingSchema = z.union([
  z.strictObject({ cron: z.string().min(1).max(200), tz: z.string().min(1).max(100).optional() }),
  z.strictObject({ every: z.number().int().min(1000) }),
]);
export type ScheduleTiming = z.infer<typeof scheduleTimingSchema>;

/** A schedule as kept in Redis. Never a secret: the webhook's signing secret is kept apart (schedule-store.ts). */
export const scheduleDefinitionSchema = z.object({
  name: z.string().regex(SCHEDULE_NAME),
  timing: scheduleTimingSchema,
  /** Canonical location of the library (file:///… or s3://bucket/prefix). */
  source: z.string().min(1),
  /** Canonical output location: the books' folders and `runs/` reports. */
  output: z.string().min(1),
  render: scheduleRenderSchema,
  webhook: z.object({ url: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ScheduleDefinition = z.infer<typeof scheduleDefinitionSchema>;

/**
 * What a book's audio is made from besides its bytes: the render options and the output. A book
 * is unchanged only when both its sha256 and this match its last completed render, so a schedule
 * replaced with another voice renders its books again.
 */
export function renderOptionsDigest(definition: Pick<ScheduleDefinition, 'render' | 'output'>): string {
  return createHash('sha256')
    .update(stableJson({ render: definition.render, output: definition.output }))
    .digest('hex');
}

import { RENDER_PRIORITIES } from './render-priority.ts';
import { z } from 'zod';
import { qaRequestSchema, segmentQaSchema } from '../verify/qa-record.ts';
import { AUDIO_FORMATS } from '../audio/audio-settings.ts';
import { voiceSettingsRecordSchema } from '../providers/voice-settings.ts';
import { deliverySpecSchema } from './delivery-spec.ts';

export const RENDER_STATUSES = ['queued', 'running', 'stitching', 'completed', 'failed', 'cancelled'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<RenderStatus> = new Set(['completed', 'failed', 'cancelled']);

export const audioSettingsSchema = z.object({
  format: z.enum(AUDIO_FORMATS),
  sampleRate: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(2)]),
  bitrate: z.number().int().positive().optional(),
});

/**
 * Everything fixed when a render is enqueued. Stored once in Redis; holds no text, no audio
 * and no secret (text lives in the segment jobs, audio in storage, keys in the environment).
 * Every status read, list and event parses it, so it holds counts only: the per-chapter and
 * per-segment lists, which grow with the book, are its outline (see render-outline.ts).
 */
export const inputSourceSchema = z.object({
  name: z.string(),
  format: z.enum(['text', 'markdown', 'html', 'epub']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/u),
  bytes: z.number().int().nonnegative(),
});

export const renderSpecSchema = z.preprocess(
  withCounts,
  z.object({
    id: z.string(),
    createdAt: z.string(),
    title: z.string().optional(),
    provider: z.string(),
    model: z.string(),
    voice: z.string(),
    voiceSettings: voiceSettingsRecordSchema,
    /** What the segments are asked and stored as (part of their cache keys). */
    audio: audioSettingsSchema,
    output: z.string(),
    /** How the book is mastered, encoded, named and tagged; absent on records from before it existed (raw, `<id>/audio.<format>`). */
    delivery: deliverySpecSchema.optional(),
    /** The file the book was read from (absent for text sent as text): its name, the format it was read as, its bytes' sha256. */
    source: inputSourceSchema.optional(),
    /** Where to POST the final event; its signing secret is kept apart (RenderStore.webhookSecret). */
    webhook: z.object({ url: z.string() }).optional(),
    characters: z.number().int().nonnegative(),
    segmentCount: z.number().int().positive(),
    chapterCount: z.number().int().nonnegative(),
    /** Its share of the provider's slots (src/queue/fair-priority.ts); absent: normal. */
    priority: z.enum(RENDER_PRIORITIES).optional(),
    /** The takes' checks it asked for (issue 15); absent: none. */
    qa: qaRequestSchema.optional(),
    /** Units booked against the provider's budget (daily-budget.ts), and until when it waits for its window. */
    budget: z
      .object({ provider: z.string(), windowStart: z.string(), units: z.number().int().nonnegative(), waitsUntil: z.string().optional() })
      .optional(),
  }),
);
export type RenderSpec = z.infer<typeof renderSpecSchema>;

/** A record written before the outline moved out carries the lists themselves: count them. */
function withCounts(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const legacy = raw as { segments?: unknown; chapters?: unknown; segmentCount?: unknown; chapterCount?: unknown };
  return {
    ...legacy,
    segmentCount: legacy.segmentCount ?? (Array.isArray(legacy.segments) ? legacy.segments.length : undefined),
    chapterCount: legacy.chapterCount ?? (Array.isArray(legacy.chapters) ? legacy.chapters.length : undefined),
  };
}

/** What a synthesize job returns; kept by BullMQ for the stitch parent. */
export const segmentResultSchema = z.object({
  index: z.number().int().nonnegative(),
  key: z.string(),
  cached: z.boolean(),
  bytes: z.number().int().nonnegative(),
  billedCharacters: z.number().nonnegative().optional(),
  traceId: z.string().optional(),
  /** Set when the render had ended (cancelled or failed) and the segment was not synthesized. */
  cancelled: z.literal(true).optional(),
  /** What the checks found (issue 15); absent when the render asked for none. */
  qa: segmentQaSchema.optional(),
});
export type SegmentResult = z.infer<typeof segmentResultSchema>;

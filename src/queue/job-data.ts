import { z } from 'zod';
import { qaRequestSchema, takeRecordSchema } from '../verify/qa-record.ts';
import { countCodePoints } from '../text/count-units.ts';
import { voiceSettingsRecordSchema } from '../providers/voice-settings.ts';
import { audioSettingsSchema } from '../render/render-record.ts';

/** Jobs outlive deploys: their data is unknown until parsed here, when a job starts. */
export const synthesizeJobDataSchema = z.object({
  renderId: z.string(),
  index: z.number().int().nonnegative(),
  provider: z.string(),
  model: z.string(),
  voice: z.string(),
  voiceSettings: voiceSettingsRecordSchema,
  audio: audioSettingsSchema,
  /** The text exactly as sent to the provider. */
  text: z.string().min(1),
  output: z.string(),
  key: z.string(),
  /** Code points of the segment as planned (what progress counts); absent in jobs enqueued before it was. */
  chars: z.number().int().nonnegative().optional(),
  /** An asynchronous provider's task, persisted the moment it is created (see TaskProvider). */
  task: z
    .object({
      id: z.string().min(1),
      submittedAt: z.number(),
      polls: z.number().int().nonnegative(),
      lastState: z.string().optional(),
      /** Downloads of the finished task's audio that failed (see task-download-failure.ts). */
      downloadFailures: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /**
   * Set just before a task is created, cleared once the create's outcome is known: still set when
   * a job starts, the last create's answer was lost with its process (see task-creates.ts).
   */
  createStartedAt: z.number().optional(),
  /** Creates whose answer never came (each may have made a paid task nobody can fetch). */
  lostCreates: z.number().int().nonnegative().optional(),
  /** Tasks given up for a new one: reported failed by the provider, or their result unusable. */
  replacedTasks: z.number().int().nonnegative().optional(),
  /** Every new take is checked, and a bad one retaken (verify/, issue 15); absent: no checks (QA off, or an older job). */
  qa: qaRequestSchema.optional(),
  /** The failed takes so far, each recorded before the next is bought. */
  takes: z.array(takeRecordSchema).optional(),
});
export type SynthesizeJobData = z.infer<typeof synthesizeJobDataSchema>;

/** What a segment adds to its render's charsDone; an older job counts the text it sends. */
export function segmentChars(data: SynthesizeJobData): number {
  return data.chars ?? countCodePoints(data.text);
}

export const stitchJobDataSchema = z.object({ renderId: z.string() });
export type StitchJobData = z.infer<typeof stitchJobDataSchema>;

import { z } from 'zod';
import { PAUSE_REASONS } from '../text/pause.ts';

/** Silence the join puts at a place (src/text/pause.ts); absent on outlines written before pauses. */
const pauseSchema = z.object({ ms: z.number().int().positive(), reason: z.enum(PAUSE_REASONS) });

/**
 * A render's chapters and segments as planned: lists that grow with the book (a web novel has
 * thousands of each), kept in their own Redis key apart from the record, and read only where
 * they are needed (the stitch and its manifest), never by status reads, lists or events.
 */
export const renderOutlineSchema = z.object({
  chapters: z.array(
    z.object({
      index: z.number().int(),
      title: z.string(),
      firstSegment: z.number().int(),
      /** Where the chapter comes from in the source (EPUB spine item and fragment, heading anchor); absent for plain text. */
      source: z.string().optional(),
      /** Its number in the book, from 1 (what `--chapters` selects); absent on outlines from before it. */
      number: z.number().int().positive().optional(),
      /** Where it lies in the planned text, UTF-16 code units `[textStart, textEnd)`; absent on outlines from before it. */
      textStart: z.number().int().nonnegative().optional(),
      textEnd: z.number().int().nonnegative().optional(),
    }),
  ),
  segments: z.array(
    z.object({
      index: z.number().int(),
      chapter: z.number().int(),
      chars: z.number().int(),
      key: z.string(),
      pauseAfter: pauseSchema.optional(),
      /** Its sentences in source order (src/text/sentence-spans.ts): what timings and cues are tied to; absent on outlines from before them. */
      sentences: z
        .array(
          z.object({
            start: z.number().int().nonnegative(),
            end: z.number().int().nonnegative(),
            text: z.string(),
            units: z.number().int().nonnegative(),
          }),
        )
        .optional(),
    }),
  ),
  /** Silence before the first segment: pause tags before the book's first word. */
  pauseBefore: pauseSchema.optional(),
});
export type RenderOutline = z.infer<typeof renderOutlineSchema>;

/** The outline of a record written before it had its own key: the spec carried the lists. */
export function legacyOutline(specJson: string): RenderOutline | null {
  const parsed = renderOutlineSchema.safeParse(JSON.parse(specJson));
  return parsed.success ? parsed.data : null;
}

import { z } from 'zod';

/**
 * A render's chapters and segments as planned: lists that grow with the book (a web novel has
 * thousands of each), kept in their own Redis key apart from the record, and read only where
 * they are needed (the stitch and its manifest), never by status reads, lists or events.
 */
export const renderOutlineSchema = z.object({
  chapters: z.array(z.object({ index: z.number().int(), title: z.string(), firstSegment: z.number().int() })),
  segments: z.array(z.object({ index: z.number().int(), chapter: z.number().int(), chars: z.number().int(), key: z.string() })),
});
export type RenderOutline = z.infer<typeof renderOutlineSchema>;

/** The outline of a record written before it had its own key: the spec carried the lists. */
export function legacyOutline(specJson: string): RenderOutline | null {
  const parsed = renderOutlineSchema.safeParse(JSON.parse(specJson));
  return parsed.success ? parsed.data : null;
}

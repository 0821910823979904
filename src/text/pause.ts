/**
 * Why the join puts silence at a place; every store and schema of a pause takes its reason
 * from this one list.
 * - `sentence`: a cut inside a paragraph (the segment limit forced it);
 * - `paragraph`: the end of a paragraph (a blank line in the text);
 * - `heading`: after a chapter's heading line;
 * - `chapter`: the last segment of a chapter, before the next one;
 * - `break-tag`: a `<break time=N>` the provider cannot say was cut out here; its N is added to
 *   the structural pause of the place (a paragraph's, say);
 * - `head`: before the first segment; `tail`: after the last.
 */
export const PAUSE_REASONS = ['sentence', 'paragraph', 'heading', 'chapter', 'break-tag', 'head', 'tail'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** The structure after a segment: the reasons a segment boundary can have without a tag. */
export type Boundary = Exclude<PauseReason, 'break-tag' | 'head'>;

/** Silence the plan asks for at a place, in milliseconds (the join rounds it up to whole frames). */
export interface Pause {
  ms: number;
  reason: PauseReason;
}

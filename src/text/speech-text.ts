/** A Markdown heading line: its opening `#`s, the title, optional closing `#`s. */
const HEADING_LINE = /^[ \t]*#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gmu;
const WHITESPACE_RUN = /\s+/gu;

/**
 * The text actually sent to the provider for one segment. Two changes, nothing else:
 * - Markdown heading markers go (`## Title ##` → `Title`), or the voice would read "hash";
 *   a `#` elsewhere (`C#`, `#1`, `#hashtag` at a line start) stays.
 * - Each run of whitespace becomes one newline if it holds a line break, else one space, and the
 *   ends are trimmed: layout whitespace has no sound and still counts against the limit.
 * Pause tags, punctuation and words pass through untouched, so the result is never longer
 * than the segment.
 */
export function toSpeechText(segmentText: string): string {
  return segmentText
    .replace(HEADING_LINE, '$1')
    .replace(WHITESPACE_RUN, (run) => (run.includes('\n') ? '\n' : ' '))
    .trim();
}

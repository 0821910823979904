/**
 * A book planned to exactly `count` segments: `count` chapters of one short sentence each
 * (no segment crosses a chapter). Every chapter's text differs, so no segment is a cache hit
 * of another.
 */
export function numberedBook(count: number): string {
  const chapters: string[] = [];
  for (let n = 1; n <= count; n += 1) chapters.push(`Chapter ${n}\n\nThe bell rang ${n} times before the harbour woke.`);
  return `${chapters.join('\n\n')}\n`;
}

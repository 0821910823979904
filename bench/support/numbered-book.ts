/**
 * A book planned to exactly `count` segments: `count` paragraphs of one short sentence each (each
 * paragraph is a segment of its own; headings would be segments too, so there are none). Every
 * paragraph's text differs, so no segment is a cache hit of another.
 */
export function numberedBook(count: number): string {
  const paragraphs: string[] = [];
  for (let n = 1; n <= count; n += 1) paragraphs.push(`The bell rang ${n} times before the harbour woke.`);
  return `${paragraphs.join('\n\n')}\n`;
}

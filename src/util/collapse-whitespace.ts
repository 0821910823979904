/** Each run of whitespace (line breaks included) as one space, the ends trimmed: text as one line reads it. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * Text by characters as a reader counts them (grapheme clusters: a letter and its combining
 * marks, a conjunct, an emoji sequence), for names cut or cleaned without leaving half of one.
 */
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemes(text: string): string[] {
  return Array.from(GRAPHEMES.segment(text), (part) => part.segment);
}

/**
 * The longest start of `text` within both limits, made of whole characters: a cut between a
 * letter and its combining mark would leave another letter (q́ → q), and one inside a UTF-8
 * sequence would leave bytes no name may hold.
 */
export function cutText(text: string, limits: { maxBytes?: number; maxCodePoints?: number }): string {
  const { maxBytes = Number.POSITIVE_INFINITY, maxCodePoints = Number.POSITIVE_INFINITY } = limits;
  let out = '';
  let bytes = 0;
  let codePoints = 0;
  for (const character of graphemes(text)) {
    const size = Buffer.byteLength(character, 'utf8');
    const count = [...character].length;
    if (bytes + size > maxBytes || codePoints + count > maxCodePoints) break;
    out += character;
    bytes += size;
    codePoints += count;
  }
  return out;
}

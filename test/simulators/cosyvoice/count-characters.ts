/**
 * How DashScope counts a text against its limits and bills it, written from the documents, not
 * from the client (the simulator must be able to disagree with it):
 * - the SDK page (seeds/004): 汉字 2, a letter, digit, punctuation mark or space 1; SSML tags count
 *   too; examples "你好" → 4, "中A文123" → 8, "中文。" → 5, "中 文。" → 6,
 *   "<speak>你好<speak/>" → 19;
 * - the WebSocket API page adds that 汉字 include simplified, traditional, Japanese and Korean
 *   ones, and that kana, hangul and every other character count 1. It also says SSML tags are NOT
 *   counted (`<speak>你好</speak>` → 4), against the SDK page: both are selectable here.
 * A 汉字 is read as a CJK ideograph: Unicode's Unified_Ideograph property (every CJK Unified
 * Ideographs block, BMP and beyond) plus the CJK Compatibility Ideographs blocks (the Korean
 * and Japanese duplicates). Symbols of the Han script that are not ideographs (々, 〇, radicals)
 * count 1. "Character" is read as a code point: an emoji counts 1. Both readings are ours.
 */
const IDEOGRAPH = /^[\p{Unified_Ideograph}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]$/u;

/** An XML tag as the SSML text carries it: `<speak>`, `</speak>`, `<break time="1s"/>`. */
const SSML_TAG = /<\/?[A-Za-z][^<>]*>/gu;

export interface CountOptions {
  /** Count SSML tags as characters (the SDK page, default) or leave them out (the WebSocket page). */
  countSsmlTags?: boolean;
}

/** The weighted length of `text`: 2 per CJK ideograph, 1 per other code point. */
export function countCharacters(text: string, options: CountOptions = {}): number {
  const counted = options.countSsmlTags === false ? text.replace(SSML_TAG, '') : text;
  let total = 0;
  for (const char of counted) total += IDEOGRAPH.test(char) ? 2 : 1;
  return total;
}

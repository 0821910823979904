import type { ReadBlock } from './document-text.ts';

/** A sentence found in a document: its block and its `[start, end)` in the block's text. */
export interface FoundSentence {
  block: number;
  start: number;
  end: number;
}

/** Letters and digits only, lower-cased: quotes, dashes, spacing and case may differ between the read text and the page. */
const KEPT = /[\p{L}\p{N}]/u;

/** A document's blocks as one searchable key, with where each key unit lies. */
export interface SearchableText {
  key: string;
  /** Per key unit: its block and its index in that block's text. */
  at: { block: number; index: number }[];
}

export function searchable(blocks: readonly ReadBlock[]): SearchableText {
  let key = '';
  const at: SearchableText['at'] = [];
  blocks.forEach((block, b) => {
    for (let i = 0; i < block.text.length; i += 1) {
      const char = block.text[i] ?? '';
      if (!KEPT.test(char)) continue;
      key += char.toLowerCase();
      at.push({ block: b, index: i });
    }
  });
  return { key, at };
}

/** Printed around a sentence without being read: quotes, brackets, stops (not spaces, not words). */
function punctuation(char: string | undefined): boolean {
  return char !== undefined && !/\s/u.test(char) && !KEPT.test(char);
}

export function sentenceKey(text: string): string {
  let key = '';
  for (const char of text) if (KEPT.test(char)) key += char.toLowerCase();
  return key;
}

/**
 * Finds a sentence at or after key unit `from`, within one block (a read sentence never spans
 * paragraphs), and widens it to the punctuation around it (an opening quote, the full stop), so
 * the marked span is the sentence as printed. Null when it is not there.
 */
export function findSentence(
  text: SearchableText,
  blocks: readonly ReadBlock[],
  sentence: string,
  from: number,
  /** The end of the sentence marked before, which this one may not reach back over. */
  floor: { block: number; end: number } | null,
): { found: FoundSentence; next: number } | null {
  const key = sentenceKey(sentence);
  if (key === '') return null;
  for (let at = text.key.indexOf(key, from); at !== -1; at = text.key.indexOf(key, at + 1)) {
    const first = text.at[at];
    const last = text.at[at + key.length - 1];
    if (first === undefined || last === undefined || first.block !== last.block) continue;
    const blockText = blocks[first.block]?.text ?? '';
    const lowest = floor !== null && floor.block === first.block ? floor.end : 0;
    let start = first.index;
    let end = last.index + 1;
    while (start > lowest && punctuation(blockText[start - 1])) start -= 1;
    while (end < blockText.length && punctuation(blockText[end])) end += 1;
    return { found: { block: first.block, start, end }, next: at + key.length };
  }
  return null;
}

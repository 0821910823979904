import type { Document, Text } from 'domhandler';
import { findOne } from 'domutils';
import { htmlBlocks, type BlockTrace } from '../html/html-blocks.ts';

/** A place in a text node: the `offset`-th UTF-16 unit of `node.data`. */
export interface TextPoint {
  node: Text;
  offset: number;
}

/** One paragraph or heading of a content document, as read aloud, with the way back to its text nodes. */
export interface ReadBlock {
  text: string;
  trace: BlockTrace;
  /** For each unit of `text`, the unit of `trace.raw` it came from (collapseWhitespace keeps one space of a run). */
  rawIndex: number[];
}

/**
 * The blocks of a content document in reading order, as htmlBlocks reads them (the same rule the
 * book was read by, so a sentence's text is found where it was read from), each with the map
 * from its collapsed text back to its text nodes.
 */
export function documentBlocks(document: Document): ReadBlock[] {
  const body = findOne((element) => element.name === 'body', document.children, true);
  return htmlBlocks(body?.children ?? document.children, { trace: true }).flatMap((block) =>
    (block.kind === 'paragraph' || block.kind === 'heading') && block.trace !== undefined
      ? [{ text: block.text, trace: block.trace, rawIndex: collapsedIndex(block.trace.raw) }]
      : [],
  );
}

/** What collapseWhitespace(raw) keeps, as raw indexes: each run of whitespace one unit (its first), the ends trimmed. */
export function collapsedIndex(raw: string): number[] {
  const kept: number[] = [];
  let inSpace = false;
  for (let i = 0; i < raw.length; i += 1) {
    const space = /\s/u.test(raw[i] ?? '');
    if (space && inSpace) continue;
    inSpace = space;
    kept.push(i);
  }
  while (kept.length > 0 && /\s/u.test(raw[kept[0] ?? 0] ?? '')) kept.shift();
  while (kept.length > 0 && /\s/u.test(raw[kept.at(-1) ?? 0] ?? '')) kept.pop();
  return kept;
}

/**
 * The text point of a block's collapsed-text position: the text node holding that raw unit
 * (`side` end: just after the unit before it). Alt texts have no node: the nearest text node
 * in the direction away from the range is taken; none: null.
 */
export function pointAt(block: ReadBlock, index: number, side: 'start' | 'end'): TextPoint | null {
  const { pieces } = block.trace;
  const raw = side === 'start' ? block.rawIndex[index] : (block.rawIndex[index - 1] ?? -1) + 1;
  if (raw === undefined) return null;
  if (side === 'start') {
    for (const piece of pieces) {
      if (piece.end <= raw) continue;
      if (piece.node !== null) return { node: piece.node, offset: Math.max(0, raw - piece.start) };
    }
    return null;
  }
  for (let i = pieces.length - 1; i >= 0; i -= 1) {
    const piece = pieces[i];
    if (piece === undefined || piece.start >= raw) continue;
    if (piece.node !== null) return { node: piece.node, offset: Math.min(piece.end, raw) - piece.start };
  }
  return null;
}

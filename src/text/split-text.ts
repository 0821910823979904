import { ConfigError } from '../errors/config-error.ts';
import { InputError } from '../errors/input-error.ts';
import type { TextLimits } from './text-limits.ts';
import { isWhitespaceUnit } from './char-classes.ts';
import { createCutGuard, type CutGuard } from './cut-guard.ts';
import { blankLines, clauseEnds, dictionaryWords, lineBreaks, sentenceEnds, whitespaceRuns, type CutFinder } from './cut-finders.ts';
import { createSegmentPacker, type SegmentPacker } from './segment-packer.ts';

/** A segment as offsets into the text it was cut from, with its count in the provider's units. */
export interface TextSpan {
  start: number;
  end: number;
  units: number;
}

/**
 * How a piece that is too large is cut, strongest boundary first. Level 0 is the whole text;
 * a piece of level n is cut with FINDERS[n] into pieces of level n + 1; below the last finder
 * come grapheme clusters.
 */
const FINDERS: readonly CutFinder[] = [blankLines, lineBreaks, sentenceEnds, clauseEnds, whitespaceRuns, dictionaryWords];
/**
 * Pieces down to a line are refined as soon as they pass the target, so segments end at
 * paragraph or line ends where possible. From sentences down a piece is only refined when it
 * passes the maximum: a sentence longer than the target but within the maximum stays whole.
 */
const LAST_TARGET_LEVEL = 2;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function checkLimits(limits: TextLimits): void {
  const { maxUnits, targetUnits } = limits;
  if (!Number.isInteger(maxUnits) || maxUnits < 1) {
    throw new ConfigError(`text limits: maxUnits must be a positive integer, got ${maxUnits}`, maxUnits);
  }
  if (!Number.isInteger(targetUnits) || targetUnits < 1 || targetUnits > maxUnits) {
    throw new ConfigError(`text limits: targetUnits must be an integer from 1 to maxUnits (${maxUnits}), got ${targetUnits}`, targetUnits);
  }
  if (typeof limits.count !== 'function') throw new ConfigError('text limits: count must be a function', typeof limits.count);
}

function isWhitespaceOnly(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (!isWhitespaceUnit(text.charCodeAt(i))) return false;
  return true;
}

function tooLarge(text: string, limits: TextLimits, start: number, end: number, units: number): never {
  const piece = text.slice(start, end);
  const preview = piece.length > 40 ? `${piece.slice(0, 40)}…` : piece;
  throw new InputError(
    'text',
    `the piece at code-unit offset ${start} cannot be split further and counts ${units} units, more than the ${limits.maxUnits} one request may carry: ${JSON.stringify(preview)}`,
    { offset: start, units },
  );
}

/** Splits `text[from, to)` into `out`, in order. */
function splitRange(text: string, guard: CutGuard, limits: TextLimits, from: number, to: number, out: TextSpan[]): void {
  /**
   * Checks a finished segment against the real count. The pieces were counted one by one; a
   * counter that is not additive (none of ours) could make the whole larger than its parts, and
   * then the segment is split again with half the target.
   */
  const emit = (start: number, end: number): void => {
    const units = limits.count(text.slice(start, end));
    if (units <= limits.maxUnits) {
      out.push({ start, end, units });
      return;
    }
    const targetUnits = Math.floor(limits.targetUnits / 2);
    if (targetUnits < 1) tooLarge(text, limits, start, end, units);
    splitRange(text, guard, { maxUnits: limits.maxUnits, targetUnits, count: (piece) => limits.count(piece) }, start, end, out);
  };
  const packer: SegmentPacker = createSegmentPacker(text, limits, emit);

  /** Narrows `[start, end)` past whitespace on both sides, never leaving half a cluster behind. */
  const trim = (start: number, end: number): [number, number] => {
    while (start < end && isWhitespaceUnit(text.charCodeAt(start)) && guard.canCut(start + 1)) start += 1;
    while (end > start && isWhitespaceUnit(text.charCodeAt(end - 1)) && guard.canCut(end - 1)) end -= 1;
    return [start, end];
  };

  const addCluster = (start: number, end: number): void => {
    const units = limits.count(text.slice(start, end));
    if (units > limits.maxUnits) tooLarge(text, limits, start, end, units);
    packer.add(start, end, units);
  };

  /** The last resort: one grapheme cluster at a time (a pause tag counts as one). */
  const feedGraphemes = (start: number, end: number): void => {
    let pendingStart = -1;
    let pendingEnd = -1;
    for (const { segment, index } of graphemes.segment(text.slice(start, end))) {
      const clusterStart = start + index;
      const clusterEnd = clusterStart + segment.length;
      if (pendingStart >= 0 && guard.insideTag(clusterStart)) {
        pendingEnd = clusterEnd;
        continue;
      }
      if (pendingStart >= 0) addCluster(pendingStart, pendingEnd);
      if (isWhitespaceOnly(segment)) {
        pendingStart = -1;
        continue;
      }
      pendingStart = clusterStart;
      pendingEnd = clusterEnd;
    }
    if (pendingStart >= 0) addCluster(pendingStart, pendingEnd);
  };

  const feed = (start: number, end: number, level: number): void => {
    const units = limits.count(text.slice(start, end));
    const limit = level <= LAST_TARGET_LEVEL ? limits.targetUnits : limits.maxUnits;
    if (units <= limit) {
      packer.add(start, end, units);
      return;
    }
    // The boundary before a piece that must be cut up is stronger than any inside it: take it
    // when the open segment is already reasonably full.
    if (packer.fill >= limits.targetUnits / 2) packer.flush();
    const finder = FINDERS[level];
    if (finder === undefined) {
      feedGraphemes(start, end);
      return;
    }
    let pieceStart = start;
    for (const cut of finder(text, start, end)) {
      if (cut <= pieceStart || !guard.canCut(cut)) continue;
      const [from, to] = trim(pieceStart, cut);
      if (from < to) feed(from, to, level + 1);
      pieceStart = cut;
    }
    const [from, to] = trim(pieceStart, end);
    if (from < to) feed(from, to, level + 1);
  };

  const [start, end] = trim(from, to);
  if (start < end) feed(start, end, 0);
  packer.flush();
}

/**
 * Cuts `text[from, to)` into segments for the provider, as offsets. See `splitText` for the rules;
 * this form lets a caller split part of a larger text (a chapter) without copying it.
 */
export function splitTextSpans(text: string, limits: TextLimits, from = 0, to = text.length): TextSpan[] {
  checkLimits(limits);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to || to > text.length) {
    throw new InputError('range', `must satisfy 0 <= from <= to <= ${text.length}, got ${from}..${to}`, { from, to });
  }
  const out: TextSpan[] = [];
  splitRange(text, createCutGuard(text, from, to), limits, from, to, out);
  return out;
}

/**
 * Cuts text into segments a provider accepts.
 *
 * - Each segment is a slice of `text`, trimmed of surrounding whitespace (whitespace that carries
 *   a combining mark stays, it is part of a grapheme cluster); in order they cover every
 *   non-whitespace character exactly once.
 * - Each segment counts at most `limits.maxUnits` by `limits.count`; whole pieces are packed
 *   greedily up to `limits.targetUnits`.
 * - Boundaries, strongest first: blank line, newline, sentence end (closing quotes and brackets
 *   stay with their sentence), clause mark, whitespace, dictionary word, grapheme cluster. A
 *   sentence over the target but within the maximum stays whole.
 * - Never cut: a `<break …>` pause tag, a surrogate pair, a grapheme cluster (emoji ZWJ
 *   sequences, flags, combining marks).
 *
 * Linear time: each piece is counted once per level it passes through, and segments once more
 * at the end. Throws InputError when a single cluster or tag alone exceeds the maximum, and
 * ConfigError for limits that make no sense.
 */
export function splitText(text: string, limits: TextLimits): string[] {
  return splitTextSpans(text, limits).map((span) => text.slice(span.start, span.end));
}

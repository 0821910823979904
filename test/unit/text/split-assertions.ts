import { expect } from 'vitest';
import type { TextLimits } from '../../../src/providers/provider.ts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const BREAK_TAG = /<break\b[^<>]*>/giu;

export interface Located {
  start: number;
  end: number;
}

export function withoutWhitespace(text: string): string {
  return text.replace(/\s+/gu, '');
}

/** Every offset where a grapheme cluster of the whole text starts, plus the text's end. */
export function clusterBoundaries(text: string): Set<number> {
  const boundaries = new Set<number>([text.length]);
  for (const { index } of graphemes.segment(text)) boundaries.add(index);
  return boundaries;
}

/** Finds each segment in `text`, in order and without overlap; fails naming the first one that is not there. */
export function locateSegments(text: string, segments: readonly string[]): Located[] {
  const spans: Located[] = [];
  let from = 0;
  segments.forEach((segment, i) => {
    const start = text.indexOf(segment, from);
    expect(
      start,
      `segment ${i} ${JSON.stringify(segment.slice(0, 60))} is not a slice of the text after offset ${from}`,
    ).toBeGreaterThanOrEqual(0);
    expect(withoutWhitespace(text.slice(from, start)), `non-whitespace text skipped before segment ${i}`).toBe('');
    spans.push({ start, end: start + segment.length });
    from = start + segment.length;
  });
  expect(withoutWhitespace(text.slice(from)), 'non-whitespace text left after the last segment').toBe('');
  return spans;
}

/**
 * What every split must satisfy: each segment within the maximum, segments are exact slices in
 * order covering all non-whitespace text, no cut inside a grapheme cluster (so none inside a
 * surrogate pair) and none inside a pause tag.
 */
export function expectValidSplit(text: string, segments: readonly string[], limits: TextLimits): Located[] {
  segments.forEach((segment, i) => {
    const units = limits.count(segment);
    expect(
      units,
      `segment ${i} counts ${units}, over maxUnits ${limits.maxUnits}: ${JSON.stringify(segment.slice(0, 60))}`,
    ).toBeLessThanOrEqual(limits.maxUnits);
    expect(segment.length, `segment ${i} is empty`).toBeGreaterThan(0);
  });
  expect(withoutWhitespace(segments.join(''))).toBe(withoutWhitespace(text));
  const spans = locateSegments(text, segments);
  const boundaries = clusterBoundaries(text);
  for (const [i, span] of spans.entries()) {
    for (const edge of [span.start, span.end]) {
      const code = text.charCodeAt(edge);
      expect(code >= 0xdc00 && code <= 0xdfff && edge > 0, `segment ${i} cuts a surrogate pair at offset ${edge}`).toBe(false);
      expect(
        boundaries.has(edge),
        `segment ${i} cuts a grapheme cluster at offset ${edge}: ${JSON.stringify(text.slice(Math.max(0, edge - 4), edge + 4))}`,
      ).toBe(true);
    }
  }
  for (const tag of text.matchAll(BREAK_TAG)) {
    const tagStart = tag.index;
    const tagEnd = tagStart + tag[0].length;
    const holders = spans.filter((span) => span.start <= tagStart && tagEnd <= span.end);
    expect(holders.length, `pause tag ${tag[0]} at offset ${tagStart} is not whole in exactly one segment`).toBe(1);
  }
  return spans;
}

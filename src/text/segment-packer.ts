import type { TextLimits } from './text-limits.ts';

/**
 * Greedy packing of whole pieces into segments of at most `targetUnits`. Pieces arrive in text
 * order as `[start, end)` offsets with their unit counts; the whitespace between two pieces of
 * one segment is counted too, because it is sent. A piece larger than the target (the caller
 * guarantees it is within the maximum) becomes a segment of its own.
 */
export interface SegmentPacker {
  /** Units in the open segment; 0 when none is open. */
  readonly fill: number;
  add(start: number, end: number, units: number): void;
  /** Closes the open segment, if any, and hands it to `emit`. */
  flush(): void;
}

/** Gaps are mostly ' ', '\n' or '\n\n': counting each distinct short gap once is enough. */
const GAP_CACHE_LIMIT = 16;

export function createSegmentPacker(text: string, limits: TextLimits, emit: (start: number, end: number) => void): SegmentPacker {
  const gapUnits = new Map<string, number>();
  let open = false;
  let segmentStart = 0;
  let segmentEnd = 0;
  let fill = 0;

  const countGap = (from: number, to: number): number => {
    if (from === to) return 0;
    const gap = text.slice(from, to);
    if (gap.length > GAP_CACHE_LIMIT) return limits.count(gap);
    let units = gapUnits.get(gap);
    if (units === undefined) {
      units = limits.count(gap);
      gapUnits.set(gap, units);
    }
    return units;
  };

  const flush = (): void => {
    if (!open) return;
    open = false;
    fill = 0;
    emit(segmentStart, segmentEnd);
  };

  return {
    get fill() {
      return fill;
    },
    flush,
    add(start, end, units) {
      if (open) {
        const grown = fill + countGap(segmentEnd, start) + units;
        if (grown <= limits.targetUnits) {
          segmentEnd = end;
          fill = grown;
          return;
        }
        flush();
      }
      open = true;
      segmentStart = start;
      segmentEnd = end;
      fill = units;
    },
  };
}

import { InputError } from '../errors/input-error.ts';

/** A checked byte range [start, end); `end` absent means "to the end of the object". */
export interface ByteRange {
  start: number;
  end?: number;
}

/**
 * Checks a caller's range. Ranges are clamped to the object by the backends: a range past the
 * end yields no bytes rather than an error, so callers need not know the size first.
 */
export function checkByteRange(range: { start: number; end?: number } | undefined): ByteRange {
  if (range === undefined) return { start: 0 };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new InputError('range', `start must be a whole number ≥ 0, got ${String(start)}`, range);
  }
  if (end === undefined) return { start };
  if (!Number.isSafeInteger(end) || end < start) {
    throw new InputError('range', `end must be a whole number ≥ start (${start}), got ${String(end)}`, range);
  }
  return { start, end };
}

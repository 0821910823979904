/** A satisfiable single byte range: [start, end) of an object of `size` bytes. */
export interface RequestedRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range: bytes=…` header for an object of `size` bytes (RFC 9110 §14.1.2):
 * - undefined: no usable Range (absent, another unit, several ranges): send the whole object;
 * - 'unsatisfiable': answer 416;
 * - a range, clamped to the object.
 */
export function parseRangeHeader(header: string | undefined, size: number): RequestedRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges would need multipart/byteranges; the whole object is a valid answer instead.
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  const end = last === '' ? size : Math.min(size, Number(last) + 1);
  if (end <= start) return undefined;
  return { start, end };
}

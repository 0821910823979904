import { InputError } from '../errors/input-error.ts';

/** Chapter numbers a user asked for (`--chapters 1-3,7`), from 1, as a set. */
export type ChapterSelection = ReadonlySet<number>;

const PART = /^(\d+)(?:-(\d+))?$/u;

/**
 * Parses `1-3,7` (numbers and inclusive ranges, from 1, by position in the table of contents).
 * `total` is how many chapters the book has: a number past it is an InputError naming the
 * limit, so a typo fails before anything is billed.
 */
export function parseChapterSelection(value: string, total: number): ChapterSelection {
  const chosen = new Set<number>();
  const parts = value.split(',').map((part) => part.trim());
  for (const part of parts) {
    const match = PART.exec(part);
    if (match === null)
      throw new InputError('chapters', `"${part}" is not a chapter number or range; write e.g. 1-3,7 (numbers from 1)`, value);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (first < 1 || last < first)
      throw new InputError('chapters', `"${part}" is not a range from a lower to a higher number, from 1`, value);
    if (last > total)
      throw new InputError(
        'chapters',
        `"${part}" asks for chapter ${last}, but the book has ${total} (see: tts-batch chapters FILE)`,
        value,
      );
    for (let n = first; n <= last; n += 1) chosen.add(n);
  }
  return chosen;
}

import { InputError } from '../errors/input-error.ts';
import { findBreakTags } from './break-tags.ts';
import { MAX_BREAK_MS, readBreakTime } from './break-time.ts';

/** Text between pause tags, as offsets, and the pause of the tag that ends it (0 for the last piece). */
export interface BreakPiece {
  start: number;
  end: number;
  pauseAfterMs: number;
}

/**
 * Cuts `text[from, to)` at every `<break …>` tag and drops the tags: n tags give n + 1 pieces in
 * order, piece k ending where tag k starts and carrying its pause. Pieces may be empty or blank
 * (two tags in a row); the planner adds their pauses up. A tag whose time cannot be read, or is
 * out of range, is an InputError naming its line and column, raised before anything is billed.
 */
export function cutAtBreakTags(text: string, from: number, to: number): BreakPiece[] {
  const tags = findBreakTags(text, from, to);
  const pieces: BreakPiece[] = [];
  let pieceStart = from;
  tags.starts.forEach((start, i) => {
    const end = tags.ends[i] ?? start;
    const time = readBreakTime(text.slice(start, end));
    if ('problem' in time) throw badTag(text, start, end, time.problem);
    pieces.push({ start: pieceStart, end: start, pauseAfterMs: time.ms });
    pieceStart = end;
  });
  pieces.push({ start: pieceStart, end: to, pauseAfterMs: 0 });
  return pieces;
}

function badTag(text: string, start: number, end: number, problem: string): InputError {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line += 1;
  const column = start - lineStart + 1;
  const tag = text.slice(start, end);
  const shown = tag.length > 40 ? `${tag.slice(0, 40)}…` : tag;
  return new InputError(
    'text',
    `the pause tag ${shown} on line ${line}, column ${column} ${problem}; ` +
      `a tag is <break time=N> with N in milliseconds, or "Nms" or "Ns", from 1 ms to ${MAX_BREAK_MS / 1000} s`,
    { line, column, tag },
  );
}

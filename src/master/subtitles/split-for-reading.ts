import { DEFAULT_READING_LIMITS, type Cue, type ReadingLimits } from './cue.ts';

/** Clause marks a long sentence is cut after, strongest first; then spaces; CJK text may cut anywhere. */
const CLAUSE_MARKS = [/[;:；：—–]/u, /[,，、]/u, /\s/u];

/**
 * A cue too long to read split into pieces within the limits, cut after clause marks where it
 * can (then between words, then anywhere), its time shared by the pieces' lengths. Pieces keep
 * source order and cover the cue's time without a gap.
 */
export function splitForReading(cue: Cue, limits: ReadingLimits = DEFAULT_READING_LIMITS): Cue[] {
  const chars = [...cue.text];
  const duration = cue.endMs - cue.startMs;
  const pieces = Math.max(Math.ceil(chars.length / limits.maxChars), Math.ceil(duration / limits.maxMs), 1);
  if (pieces === 1) return [cue];
  const texts = cutText(cue.text, pieces, limits.maxChars);
  const total = texts.reduce((sum, t) => sum + [...t].length, 0);
  const cues: Cue[] = [];
  let consumed = 0;
  for (const text of texts) {
    const startMs = cue.startMs + Math.round((duration * consumed) / total);
    consumed += [...text].length;
    const endMs = cue.startMs + Math.round((duration * consumed) / total);
    cues.push({ ...cue, text, startMs, endMs });
  }
  return cues;
}

/** `text` in about `pieces` parts of at most `maxChars`, each ending after the strongest mark near its even share. */
function cutText(text: string, pieces: number, maxChars: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const remaining = chars.length - from;
    // Pieces still owed: the count asked for, or more when the cuts so far left a long rest.
    const left = Math.max(pieces - out.length, Math.ceil(remaining / maxChars));
    if (left <= 1 || remaining <= 1) break;
    const ideal = from + Math.round(remaining / left);
    // A clause mark anywhere from a third of a full cue on beats a word break at the even share.
    const lowest = Math.max(from + 1, Math.min(ideal - 4, from + Math.floor(maxChars / 3)));
    const highest = Math.min(chars.length - 1, from + maxChars);
    let cut = -1;
    for (const mark of CLAUSE_MARKS) {
      let best = -1;
      for (let i = lowest; i <= highest; i += 1)
        if (mark.test(chars[i - 1] ?? '') && (best < 0 || Math.abs(i - ideal) < Math.abs(best - ideal))) best = i;
      if (best > 0) {
        cut = best;
        break;
      }
    }
    if (cut < 0) cut = Math.min(ideal, from + maxChars);
    const piece = chars.slice(from, cut).join('').trim();
    if (piece !== '') out.push(piece);
    from = cut;
  }
  const last = chars.slice(from).join('').trim();
  if (last !== '') out.push(last);
  return out;
}

import { InputError } from '../errors/input-error.ts';
import type { StitchInput } from './stitch-types.ts';

/**
 * The longest pause one place may ask for. A `<break time=N>` is a pause between sentences
 * (SenseAudio's example is 500 ms) and mastering's room tone and chapter gaps are seconds; a
 * minute or more is a typo, and would write megabytes of silence.
 */
export const MAX_PAUSE_MS = 60_000;

/** Refuses pausesAfterMs that are not parallel to the segments, or any pause that is not a pause length. */
export function validatePauses(input: Pick<StitchInput, 'pausesAfterMs' | 'pauseBeforeMs' | 'segmentKeys'>): void {
  const head = input.pauseBeforeMs ?? 0;
  if (!Number.isFinite(head) || head < 0 || head > MAX_PAUSE_MS) {
    throw new InputError('pauseBeforeMs', `must be a number of milliseconds from 0 to ${MAX_PAUSE_MS}`, head);
  }
  const pauses = input.pausesAfterMs ?? [];
  if (pauses.length > input.segmentKeys.length) {
    throw new InputError('pausesAfterMs', `has ${pauses.length} entries for ${input.segmentKeys.length} segments`, pauses.length);
  }
  pauses.forEach((ms, index) => {
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_PAUSE_MS) {
      throw new InputError(`pausesAfterMs[${index}]`, `must be a number of milliseconds from 0 to ${MAX_PAUSE_MS}`, ms);
    }
  });
}

/** The pause asked for after segment `position`, 0 when none. */
export function pauseAskedAfter(input: Pick<StitchInput, 'pausesAfterMs'>, position: number): number {
  return input.pausesAfterMs?.[position] ?? 0;
}

/** The pause asked for before the first segment, 0 when none. */
export function pauseAskedBefore(input: Pick<StitchInput, 'pauseBeforeMs'>): number {
  return input.pauseBeforeMs ?? 0;
}

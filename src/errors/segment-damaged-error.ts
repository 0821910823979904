import { AudioFormatError } from './audio-format-error.ts';

/**
 * A stored segment that cannot be stitched as it is: missing, not the size recorded when it was
 * synthesized, in another format than the render asks for, or holding undecodable bytes. It
 * names the segment so the stitch can evict that one key and send it back to synthesis; when it
 * cannot (healed too often already) it fails the render like any AudioFormatError.
 */
export class SegmentDamagedError extends AudioFormatError {
  /** The segment's position in the render (its index). */
  readonly position: number;
  readonly key: string;

  constructor(position: number, key: string, message: string, found?: unknown) {
    super(message, { position, key, found });
    this.position = position;
    this.key = key;
  }
}

/** For a segment reader's `.catch`: an AudioFormatError about that segment names it. */
export function asSegmentDamage(position: number, key: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof AudioFormatError && !(error instanceof SegmentDamagedError))
      throw new SegmentDamagedError(position, key, error.message, error.value);
    throw error;
  };
}

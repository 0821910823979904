import { NotFoundError } from '../errors/not-found-error.ts';
import { SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import type { SegmentResult } from '../render/render-record.ts';
import { segmentLabel } from '../stitcher/segment-label.ts';

/**
 * A segment that was present when the stitch checked it but gone when it read it (another
 * render's heal evicted the shared key, a cache prune, a person): the storage's NotFoundError
 * (not retryable) names the key. When that key is one of this render's segments it is damage
 * the stitch can heal like a missing file; anything else is undefined.
 */
export function asVanishedSegment(error: unknown, results: readonly SegmentResult[]): SegmentDamagedError | undefined {
  if (!(error instanceof NotFoundError)) return undefined;
  const result = results.find((r) => r.key === error.value);
  if (result === undefined) return undefined;
  return new SegmentDamagedError(
    result.index,
    result.key,
    `${segmentLabel(result.index, result.key)} disappeared from storage during the stitch`,
    'missing',
  );
}

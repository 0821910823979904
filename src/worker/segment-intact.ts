import { SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import type { SegmentResult } from '../render/render-record.ts';
import { segmentLabel } from '../stitcher/segment-label.ts';
import type { Storage } from '../storage/storage.ts';

/** HEADs in flight at once: enough to hide an S3 round trip, few enough for any backend. */
const HEAD_CONCURRENCY = 8;

/**
 * Before the stitch reads anything: every segment is still in storage and exactly the size
 * recorded when it was synthesized (a cut or overwritten file changes size). Throws
 * SegmentDamagedError for the first segment (in spoken order) that is not.
 */
export async function assertSegmentsIntact(storage: Storage, results: readonly SegmentResult[]): Promise<void> {
  const problems: (SegmentDamagedError | undefined)[] = new Array<SegmentDamagedError | undefined>(results.length);
  let next = 0;
  const check = async (): Promise<void> => {
    for (let position = next++; position < results.length; position = next++) {
      const result = results[position];
      if (result === undefined) continue;
      const info = await storage.head(result.key);
      const label = segmentLabel(result.index, result.key);
      if (info === null)
        problems[position] = new SegmentDamagedError(result.index, result.key, `${label} is missing from storage`, 'missing');
      else if (info.size !== result.bytes) {
        problems[position] = new SegmentDamagedError(
          result.index,
          result.key,
          `${label} is ${info.size} bytes, but ${result.bytes} were stored when it was synthesized`,
          info.size,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEAD_CONCURRENCY, results.length) }, check));
  const first = problems.find((problem) => problem !== undefined);
  if (first) throw first;
}

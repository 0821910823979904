import { createHash } from 'node:crypto';
import { NotFoundError } from '../errors/not-found-error.ts';
import type { WordTiming } from '../providers/provider.ts';
import type { Storage } from '../storage/storage.ts';
import { readObject } from '../storage/read-object.ts';

/**
 * What the `.json` sidecar beside a cached segment tells (written at synthesis): the provider's
 * trace id, and the size and sha256 of the audio as stored then, so a later cache hit can tell
 * a cut or overwritten file from the one that was made, and the provider's word timings when it
 * gave some (the synthesis meta is written whole). Older sidecars hold only the trace id.
 */
export interface SegmentSidecar {
  traceId?: string;
  bytes?: number;
  sha256?: string;
  words?: readonly WordTiming[];
  /** The segment's checks found no good take and kept the best (issue 15); absent when none was flagged or none checked. */
  flagged?: boolean;
}

/** The sidecar at `key`; {} when absent or unreadable (it only informs). */
export async function readSegmentSidecar(storage: Storage, key: string): Promise<SegmentSidecar> {
  let bytes: Buffer;
  try {
    // One read, not a HEAD then a GET: a missing sidecar is simply NotFound.
    bytes = await readObject(storage, key);
  } catch (error) {
    if (error instanceof NotFoundError) return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return {
      ...(typeof parsed.traceId === 'string' ? { traceId: parsed.traceId } : {}),
      ...(Number.isSafeInteger(parsed.bytes) ? { bytes: parsed.bytes as number } : {}),
      ...(typeof parsed.sha256 === 'string' ? { sha256: parsed.sha256 } : {}),
      ...(isWordList(parsed.words) ? { words: parsed.words } : {}),
      ...(isFlagged(parsed.qa) ? { flagged: true } : {}),
    };
  } catch {
    return {};
  }
}

function isFlagged(qa: unknown): boolean {
  return typeof qa === 'object' && qa !== null && (qa as { flagged?: unknown }).flagged === true;
}

/** A list of word timings as SynthesisMeta.words holds them; anything else is not trusted at all. */
function isWordList(value: unknown): value is WordTiming[] {
  return (
    Array.isArray(value) &&
    value.every((word: unknown) => {
      if (typeof word !== 'object' || word === null) return false;
      const { text, startMs, endMs } = word as Record<string, unknown>;
      return typeof text === 'string' && typeof startMs === 'number' && typeof endMs === 'number';
    })
  );
}

/** Passes bytes through while hashing them: the sha256 of what was stored costs no second read. */
export function sha256Tap(
  source: AsyncIterable<Uint8Array>,
  /** Called once the source ended, with the sha256 and the byte count of everything it gave. */
  onEnd?: (sha256: string, bytes: number) => void,
): { stream: AsyncGenerator<Uint8Array, void, undefined>; sha256(): string } {
  const hash = createHash('sha256');
  let digest: string | undefined;
  let bytes = 0;
  async function* stream(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of source) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      yield chunk;
    }
    digest = hash.digest('hex');
    onEnd?.(digest, bytes);
  }
  return {
    stream: stream(),
    sha256() {
      if (digest === undefined) throw new Error('sha256Tap: the stream was not read to its end');
      return digest;
    },
  };
}

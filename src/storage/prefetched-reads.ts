import { startGenerator, type StartedGenerator } from '../util/started-generator.ts';
import type { ObjectInfo, Storage } from './storage.ts';

/**
 * How many objects ahead of the one being read a join keeps asking for. A segment read is a
 * few round trips (a local open, stat, read and close through libuv's threadpool; an S3 GET's
 * first byte): made one after another they cost a thousand-segment book 0.24 s on local disk,
 * and on S3 a GET's latency per segment. Eight ahead keeps the threadpool's four threads (or the
 * S3 client's sockets) busy while holding at most eight first chunks in memory, whatever the
 * book's length.
 */
export const PREFETCH_DEPTH = 8;

/**
 * Reads started ahead and not yet handed out, across every join in this process. A paused S3
 * body holds one of its client's sockets (50 by default), which the client's uploads need too:
 * sixteen joins (STITCH_CONCURRENCY's most) eight ahead each would hold them all, and every join
 * would wait on a put that waits for a socket. The read a join needs next is never held back.
 */
export const PROCESS_PREFETCH_LIMIT = 16;
let prefetchedAhead = 0;

/**
 * An object's read whose first chunk was asked for when it was made (startGenerator). Iterated
 * once; left unread, `discard` closes it (a local file handle, an S3 body).
 */
class PrimedRead implements AsyncIterable<Uint8Array> {
  readonly #started: StartedGenerator<Uint8Array, unknown>;
  #taken = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#started = startGenerator(source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array, unknown, undefined>);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#taken) throw new Error('a prefetched read is iterated once');
    this.#taken = true;
    return this.#started.generator;
  }

  async discard(): Promise<void> {
    if (this.#taken) return;
    this.#taken = true;
    await this.#started.close();
  }
}

/**
 * The objects at `keys` as bodies, in order, each read started up to `depth` objects before it
 * is handed out. A body is what `storage.get` yields (its errors, NotFoundError included, come
 * out where it is iterated); one handed out is the caller's to iterate, and the next is handed
 * out only when asked for. Reads started and never handed out (the caller stopped early, or
 * failed) are closed when the generator returns.
 */
export async function* prefetchedReads(
  storage: Storage,
  keys: readonly string[],
  depth: number = PREFETCH_DEPTH,
): AsyncGenerator<AsyncIterable<Uint8Array>, void, undefined> {
  const window: PrimedRead[] = [];
  /** How many of `window` count against PROCESS_PREFETCH_LIMIT: all but a first one started when it was needed. */
  let ahead = 0;
  let next = 0;
  const fill = (): void => {
    while (window.length < depth && next < keys.length) {
      const needed = window.length === 0;
      if (!needed && prefetchedAhead >= PROCESS_PREFETCH_LIMIT) return;
      window.push(new PrimedRead(storage.get(keys[next] as string)));
      next += 1;
      if (!needed) {
        ahead += 1;
        prefetchedAhead += 1;
      }
    }
  };
  /** The window's first read is handed out: it no longer counts as ahead, if it did. */
  const take = (): PrimedRead | undefined => {
    const first = window.shift();
    if (first !== undefined && ahead > window.length) {
      ahead -= 1;
      prefetchedAhead -= 1;
    }
    return first;
  };
  let handed: PrimedRead | undefined;
  try {
    for (let position = 0; position < keys.length; position += 1) {
      fill();
      const current = take();
      if (current === undefined) return;
      handed = current;
      fill();
      yield current;
      // Handed out and never iterated (the caller skipped it): closed before the next.
      await current.discard();
      handed = undefined;
    }
  } finally {
    prefetchedAhead -= ahead;
    ahead = 0;
    await Promise.all([...(handed === undefined ? [] : [handed]), ...window].map((read) => read.discard()));
  }
}

/** Reads started ahead across the process right now (for tests). */
export function prefetchedAheadNow(): number {
  return prefetchedAhead;
}

/** `storage.head` of every key, in order, up to `depth` in flight at once. */
export async function* prefetchedHeads(
  storage: Storage,
  keys: readonly string[],
  depth: number = PREFETCH_DEPTH,
): AsyncGenerator<ObjectInfo | null, void, undefined> {
  const window: Promise<ObjectInfo | null>[] = [];
  let next = 0;
  const fill = (): void => {
    while (window.length < depth && next < keys.length) {
      const head = storage.head(keys[next] as string);
      head.catch(() => undefined); // awaited in order below
      window.push(head);
      next += 1;
    }
  };
  try {
    for (let position = 0; position < keys.length; position += 1) {
      fill();
      yield await (window.shift() as Promise<ObjectInfo | null>);
    }
  } finally {
    // Stopped early: let the heads in flight settle (they hold nothing open).
    await Promise.allSettled(window);
  }
}

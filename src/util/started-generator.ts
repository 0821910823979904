/** A generator already running up to its first item, and how to end it if nobody drains it. */
export interface StartedGenerator<T, R> {
  /** Yields what the source yields and returns what it returns; iterate it once. */
  generator: AsyncGenerator<T, R, undefined>;
  /**
   * Ends the source unless it ran to its end (a consumer that failed before its first pull never
   * iterates it: a provider's request would stay open). Call once the consumer is done with it.
   */
  close(): Promise<void>;
}

/**
 * Asks `source` (a generator, or any iterator: a storage read's) for its first item now instead
 * of at the consumer's first pull; `cancel` (an
 * abort of the source's request) is what `close` calls when the source was not drained. A provider's
 * call is a lazy generator: behind a storage put it would start only once the put has opened its
 * temp file, an fs call queued in libuv's four-thread pool behind the other jobs' fsyncs. Started
 * here, the request goes out the moment its provider slot is granted (issue 14 item 6: the slot's
 * hand-over took 2 ms at the median and up to 90 ms at the start of a render).
 */
export function startGenerator<T, R>(source: AsyncIterator<T, R, undefined>, cancel?: () => void): StartedGenerator<T, R> {
  const first = source.next();
  first.catch(() => undefined); // read below, where the consumer pulls
  let finished = false;
  async function* replay(): AsyncGenerator<T, R, undefined> {
    let step = await first;
    try {
      while (step.done !== true) {
        yield step.value;
        step = await source.next();
      }
      finished = true;
      return step.value;
    } finally {
      // Stopped early by the consumer: the source cleans up (closes its request) too.
      if (step.done !== true) await source.return?.(undefined);
    }
  }
  return {
    generator: replay(),
    async close() {
      // Not drained (the consumer failed before its first pull, or stopped): the call is cut
      // now rather than waited for. A source still working on its first item (a provider
      // synthesizing the whole answer before it sends a byte) would otherwise hold its slot,
      // and be billed, until it is done.
      if (!finished) cancel?.();
      await first.catch(() => undefined);
      // A no-op for a source that has finished; otherwise its finally blocks run now.
      await source.return?.(undefined).catch(() => undefined);
    },
  };
}

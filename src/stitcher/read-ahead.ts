/**
 * Passes `source` through, asking for its next item as soon as the current one is handed out, so
 * the producer (a disk read, a parse) runs while the consumer (a write) works on the current one.
 * The source must not reuse an item's memory for the next one: storage reads and OutputBatcher
 * chunks do not.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = iterator.next();
  try {
    for (;;) {
      const result: IteratorResult<T> = await pending;
      if (result.done === true) {
        pending = null;
        return;
      }
      pending = iterator.next();
      // Handled where it is awaited, or dropped below when the consumer stops early.
      pending.catch(() => undefined);
      yield result.value;
    }
  } catch (error) {
    pending = null;
    throw error;
  } finally {
    if (pending !== null) {
      // The consumer stopped early: let the pull in flight settle, then release the source.
      await pending.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

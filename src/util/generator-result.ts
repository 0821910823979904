/**
 * Lets a consumer that only takes an AsyncIterable (a storage upload) drain a generator while
 * the generator's return value is still kept: `result` resolves once iteration has finished.
 */
export function withResult<T, R>(generator: AsyncGenerator<T, R, undefined>): { items: AsyncIterable<T>; result: () => R } {
  let finished = false;
  let value: R | undefined;
  const items: AsyncIterable<T> = {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const step = await generator.next();
          if (step.done) {
            finished = true;
            value = step.value;
            return;
          }
          yield step.value;
        }
      } finally {
        // A consumer that stops early (failed upload) must still let the generator clean up
        // (close its HTTP request or socket).
        if (!finished) await generator.return(undefined as R);
      }
    },
  };
  return {
    items,
    result: () => {
      if (!finished) throw new Error('generator result read before the generator finished');
      return value as R;
    },
  };
}

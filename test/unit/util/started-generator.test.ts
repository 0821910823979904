import { describe, expect, it } from 'vitest';
import { startGenerator } from '../../../src/util/started-generator.ts';

/** A lazy generator, like a provider's call: nothing happens until its first pull. */
function call(log: string[], items: number): AsyncGenerator<number, string, undefined> {
  return (async function* () {
    log.push('request sent');
    await Promise.resolve(); // the request's write
    try {
      for (let item = 0; item < items; item += 1) yield item;
      return 'meta';
    } finally {
      log.push('closed');
    }
  })();
}

async function drain(generator: AsyncGenerator<number, string, undefined>): Promise<{ items: number[]; result: string }> {
  const items: number[] = [];
  for (;;) {
    const step = await generator.next();
    if (step.done === true) return { items, result: step.value };
    items.push(step.value);
  }
}

describe('startGenerator', () => {
  it('runs the source up to its first item at once, before anyone pulls', async () => {
    const log: string[] = [];
    const started = startGenerator(call(log, 3));
    await Promise.resolve();
    expect(log).toEqual(['request sent']);
    expect(await drain(started.generator)).toEqual({ items: [0, 1, 2], result: 'meta' });
    await started.close();
    expect(log).toEqual(['request sent', 'closed']);
  });

  it('keeps the return value of a source with no items', async () => {
    const started = startGenerator(call([], 0));
    expect(await drain(started.generator)).toEqual({ items: [], result: 'meta' });
  });

  it('close ends a source nobody pulled (its request closed)', async () => {
    const log: string[] = [];
    const started = startGenerator(call(log, 3));
    await started.close();
    expect(log).toEqual(['request sent', 'closed']);
  });

  it('a consumer stopping early ends the source', async () => {
    const log: string[] = [];
    const started = startGenerator(call(log, 5));
    for await (const item of started.generator) if (item === 1) break;
    expect(log).toEqual(['request sent', 'closed']);
    await started.close();
    expect(log).toEqual(['request sent', 'closed']);
  });

  it('a source failing before its first item fails where it is pulled, and close does not throw', async () => {
    const failing = (async function* (): AsyncGenerator<number, string, undefined> {
      await Promise.resolve();
      if (Date.now() > 0) throw new Error('401 from the provider');
      yield 0;
      return 'never';
    })();
    const started = startGenerator(failing);
    await expect(drain(started.generator)).rejects.toThrow('401 from the provider');
    await expect(started.close()).resolves.toBeUndefined();
  });

  it('close cuts a source still working on its first item (cancel), instead of waiting for it', async () => {
    const controller = new AbortController();
    const slow = (async function* (): AsyncGenerator<number, string, undefined> {
      // A provider synthesizing the whole answer before its first byte: only the abort ends it.
      await new Promise((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error)));
      yield 0;
      return 'never';
    })();
    const started = startGenerator(slow, () => controller.abort(new Error('cut')));
    await started.close();
    expect(controller.signal.aborted).toBe(true);
  });

  it('close does not cancel a source that was drained', async () => {
    let cancelled = false;
    const started = startGenerator(call([], 2), () => {
      cancelled = true;
    });
    await drain(started.generator);
    await started.close();
    expect(cancelled).toBe(false);
  });
});

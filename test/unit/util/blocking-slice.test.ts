import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors/not-found-error.ts';
import { LocalStorage } from '../../../src/storage/local-storage.ts';
import { readAll } from '../../support/storage-contract.ts';

const FILES = 20;
const CALLS = 3000;
const BODY = Buffer.from('a small sidecar');

/** Schedules a setImmediate and a setTimeout(0) now; each notes how many calls had completed when it ran (undefined: not yet). */
function watchTheEventLoop(completed: () => number): { immediate: number | undefined; timeout: number | undefined } {
  const seen: { immediate: number | undefined; timeout: number | undefined } = { immediate: undefined, timeout: undefined };
  setImmediate(() => {
    seen.immediate = completed();
  });
  setTimeout(() => {
    seen.timeout = completed();
  }, 0);
  return seen;
}

describe('afterBlockingCall', () => {
  let folder: string;
  let storage: LocalStorage;
  const keys = Array.from({ length: FILES }, (_, i) => `sidecar-${String(i).padStart(2, '0')}.json`);

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-blocking-slice-'));
    await Promise.all(keys.map((key) => writeFile(path.join(folder, key), BODY)));
    storage = new LocalStorage(folder, { blockingCalls: true });
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('lets timers and immediates run during a long run of blocking heads', async () => {
    // A first call, so the run starts on a fresh slice rather than one long since due.
    expect(await storage.head(keys[0] ?? '')).toEqual({ size: BODY.byteLength });
    let completed = 0;
    const seen = watchTheEventLoop(() => completed);
    let wrongSizes = 0;
    for (let call = 0; call < CALLS; call++) {
      const info = await storage.head(keys[call % FILES] ?? '');
      if (info?.size !== BODY.byteLength) wrongSizes++;
      completed++;
    }
    expect(wrongSizes).toBe(0);
    expect(seen.immediate ?? CALLS, 'the setImmediate ran during the heads').toBeLessThan(CALLS);
    expect(seen.timeout ?? CALLS, 'the setTimeout(0) ran during the heads').toBeLessThan(CALLS);
  });

  it('lets timers and immediates run during a long run of small blocking reads', async () => {
    expect(await readAll(storage.get(keys[0] ?? ''))).toEqual(BODY);
    let completed = 0;
    const seen = watchTheEventLoop(() => completed);
    let wrongBodies = 0;
    for (let call = 0; call < CALLS; call++) {
      const body = await readAll(storage.get(keys[call % FILES] ?? ''));
      if (!body.equals(BODY)) wrongBodies++;
      completed++;
    }
    expect(wrongBodies).toBe(0);
    expect(seen.immediate ?? CALLS, 'the setImmediate ran during the reads').toBeLessThan(CALLS);
    expect(seen.timeout ?? CALLS, 'the setTimeout(0) ran during the reads').toBeLessThan(CALLS);
  });

  it('lets them run during a long run of heads and reads of keys that are not there', async () => {
    expect(await storage.head('missing-0.json')).toBeNull();
    let completed = 0;
    const seen = watchTheEventLoop(() => completed);
    let found = 0;
    for (let call = 0; call < CALLS; call++) {
      if ((await storage.head(`missing-${call % FILES}.json`)) !== null) found++;
      const read = await readAll(storage.get(`missing-${call % FILES}.json`)).then(
        () => 'read',
        (error: unknown) => (error instanceof NotFoundError ? 'not found' : String(error)),
      );
      if (read !== 'not found') found++;
      completed++;
    }
    expect(found).toBe(0);
    expect(seen.immediate ?? CALLS, 'the setImmediate ran during the misses').toBeLessThan(CALLS);
    expect(seen.timeout ?? CALLS, 'the setTimeout(0) ran during the misses').toBeLessThan(CALLS);
  });
});

/**
 * Preload for memory investigations (issue 11, `master.memory`): `node --import
 * ./bench/support/memory-series.ts …` appends process.memoryUsage() plus the V8 heap spaces'
 * committed sizes as one JSON line every MEMORY_SERIES_MS (default 250) to the file named by
 * MEMORY_SERIES, so a run of bench/support/master-files.ts (or any script) can be split into JS
 * heap, Buffers (external/arrayBuffers) and native memory (rss − heapTotal − external) over
 * time, without changing the script. MEMORY_GC_MS additionally forces a full GC at that period
 * (needs --expose-gc): what is left is retained, not garbage waiting for a collection.
 */
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const path = process.env.MEMORY_SERIES;
if (path !== undefined && path !== '') {
  const started = performance.now();
  const every = Number(process.env.MEMORY_SERIES_MS ?? 250);
  const write = (): void => {
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
    const line = {
      t: Math.round(performance.now() - started),
      ...process.memoryUsage(),
      maxRss: process.resourceUsage().maxRSS * 1024,
      spaces,
    };
    appendFileSync(path, `${JSON.stringify(line)}\n`);
  };
  write();
  setInterval(write, every).unref();
  process.once('exit', write);
  const gcEvery = Number(process.env.MEMORY_GC_MS ?? 0);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gcEvery > 0 && gc !== undefined) setInterval(gc, gcEvery).unref();
}

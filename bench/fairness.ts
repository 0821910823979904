/**
 * Fairness between renders on one provider (issue 14 item 1): one worker process with 16 slots
 * against the SenseAudio simulator answering after 200 ms, tiny audio so the latency dominates.
 * In each round: a 5-segment render alone (idle queue), a 600-segment book alone, the book again
 * with the 5-segment render enqueued once 100 of its requests were answered, and two 300-segment
 * books enqueued together. Every render's text is its own (tagged with its id), so nothing is a
 * cache hit of an earlier render. Wall times run from the start of enqueueRender to `completed`.
 */
import type { RenderPlan } from '../src/producer/plan.ts';
import type { RenderOptions } from '../src/producer/render-options.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark, type BenchOptions } from './support/bench-figure.ts';
import { startRenderBenchEnv, type RenderBenchEnv, type RenderTiming } from './support/render-bench-env.ts';

const LATENCY_MS = 200;
const LIMIT = 16;
const SMALL = 5;
/** The slot time the small render takes from the book: its segments' requests over the limit. */
const SMALL_SHARE_MS = (SMALL * LATENCY_MS) / LIMIT;
const AUDIO = { format: 'wav', sampleRate: 16000, channels: 1 } as const;

interface Sizes {
  book: number;
  /** Each of the two books started together. */
  pair: number;
  /** Book requests answered before the small render is enqueued. */
  after: number;
  rounds: number;
  /** Idle small renders per round (they take well under a second). */
  idleRepeats: number;
}

const FULL: Sizes = { book: 600, pair: 300, after: 100, rounds: 5, idleRepeats: 3 };
const QUICK: Sizes = { book: 160, pair: 80, after: 30, rounds: 1, idleRepeats: 3 };

/** `count` one-sentence paragraphs, each its own segment, every text starting with the render's id. */
function taggedBook(id: string, count: number): string {
  return `${Array.from({ length: count }, (_, i) => `${id} line ${i + 1}: the bell rang before the harbour woke.`).join('\n\n')}\n`;
}

interface Run {
  id: string;
  /** Epoch ms when enqueueRender started (the simulator records arrivals in epoch ms). */
  startedAt: number;
  timing: RenderTiming;
}

function prepare(env: RenderBenchEnv, id: string, count: number): { plan: RenderPlan; options: RenderOptions } {
  const prepared = env.plan(taggedBook(id, count), AUDIO);
  if (prepared.plan.segments.length !== count) throw new Error(`${id} planned to ${prepared.plan.segments.length} segments, not ${count}`);
  return prepared;
}

async function timed(env: RenderBenchEnv, id: string, count: number): Promise<Run> {
  const { plan, options } = prepare(env, id, count);
  const startedAt = Date.now();
  const timing = await env.render(id, plan, options);
  return { id, startedAt, timing };
}

/** Arrival times (epoch ms) at the simulator of one render's requests. */
function arrivals(env: RenderBenchEnv, id: string): number[] {
  return env.simulator.requests.filter((r) => (r.text ?? '').startsWith(`${id} line `)).map((r) => r.at);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Loaded {
  book: Run;
  small: Run;
  /** Book requests not yet arrived at the provider when the small render was enqueued (FIFO would wait for them). */
  bookLeftAtEnqueue: number;
  /** Book requests that arrived between the small render's enqueue and its last request. */
  bookOvertakes: number;
  smallFirstRequestMs: number;
  smallLastRequestMs: number;
}

/** The book, then the small render once `after` of the book's requests were answered. */
async function bookThenSmall(env: RenderBenchEnv, sizes: Sizes, tag: string): Promise<Loaded> {
  const from = env.simulator.requests.length;
  const bookId = `fair-book-${tag}`;
  const book = timed(env, bookId, sizes.book);
  book.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
  await Promise.race([
    env.simulator.whenFinished(from + sizes.after),
    book.then(() => Promise.reject(new Error(`${bookId} completed before ${sizes.after} requests were answered`))),
  ]);
  const smallId = `fair-small-${tag}`;
  const enqueuedAt = Date.now();
  const bookArrivedBefore = arrivals(env, bookId).filter((at) => at < enqueuedAt).length;
  const small = await timed(env, smallId, SMALL);
  const bookRun = await book;
  const smallAt = arrivals(env, smallId);
  const lastSmall = Math.max(...smallAt);
  return {
    book: bookRun,
    small,
    bookLeftAtEnqueue: sizes.book - bookArrivedBefore,
    bookOvertakes: arrivals(env, bookId).filter((at) => at >= enqueuedAt && at <= lastSmall).length,
    smallFirstRequestMs: Math.min(...smallAt) - small.startedAt,
    smallLastRequestMs: lastSmall - small.startedAt,
  };
}

interface Pair {
  /** Each book's completion, ms after both were started. */
  finishMs: [number, number];
  /** When each book's last request reached the provider, ms after both were started (its synthesis, without its stitch). */
  lastRequestMs: [number, number];
  gapMs: number;
  laterMs: number;
}

async function twoBooks(env: RenderBenchEnv, sizes: Sizes, tag: string): Promise<Pair> {
  const runs = await Promise.all([timed(env, `fair-pairA-${tag}`, sizes.pair), timed(env, `fair-pairB-${tag}`, sizes.pair)]);
  // render() takes its start synchronously at the call, so both totals run from the same moment (within microseconds).
  const finishMs = runs.map((run) => run.timing.totalMs) as [number, number];
  const lastRequestMs = runs.map((run) => Math.max(...arrivals(env, run.id)) - run.startedAt) as [number, number];
  return { finishMs, lastRequestMs, gapMs: Math.abs(finishMs[0] - finishMs[1]), laterMs: Math.max(...finishMs) };
}

async function measure(options: BenchOptions, sizes: Sizes): Promise<BenchFigure[]> {
  const env = await startRenderBenchEnv({
    redisUrl: options.redisUrl,
    label: 'fairness',
    simulator: { latencyMs: LATENCY_MS, msPerChar: 1 },
    workers: 1,
    concurrency: LIMIT,
  });
  try {
    // A fresh worker's first renders pay for connections and JIT warm-up: not part of any figure.
    await timed(env, 'fair-warm-book', 64);
    await timed(env, 'fair-warm-small', SMALL);

    const idleSmallMs: number[] = [];
    const bookAlone: Run[] = [];
    const loaded: Loaded[] = [];
    const pairs: Pair[] = [];
    for (let r = 1; r <= sizes.rounds; r += 1) {
      for (let i = 1; i <= sizes.idleRepeats; i += 1) idleSmallMs.push((await timed(env, `fair-idle-${r}-${i}`, SMALL)).timing.totalMs);
      bookAlone.push(await timed(env, `fair-alone-${r}`, sizes.book));
      const withSmall = await bookThenSmall(env, sizes, String(r));
      loaded.push(withSmall);
      const pair = await twoBooks(env, sizes, String(r));
      pairs.push(pair);
      options.log(
        `fairness round ${r}/${sizes.rounds}: small idle ${idleSmallMs
          .slice(-sizes.idleRepeats)
          .map(Math.round)
          .join(
            '/',
          )} ms, loaded ${Math.round(withSmall.small.timing.totalMs)} ms; book alone ${Math.round(bookAlone.at(-1)?.timing.totalMs ?? 0)} ms, with small ${Math.round(withSmall.book.timing.totalMs)} ms; pair ${pair.finishMs.map(Math.round).join(' / ')} ms`,
      );
    }

    const bookAloneMs = bookAlone.map((run) => run.timing.totalMs);
    const smallLoadedMs = loaded.map((l) => l.small.timing.totalMs);
    const bookGrowthMs = loaded.map((l, i) => l.book.timing.totalMs - (bookAloneMs[i] ?? 0));
    const common = { latencyMs: LATENCY_MS, limit: LIMIT, workers: 1, concurrencyPerWorker: LIMIT, audio: AUDIO, rounds: sizes.rounds };
    const command = benchCommand('fairness', options.quick);
    const ms = (values: readonly number[]): number[] => values.map((v) => Math.round(v));
    return [
      figure({
        id: 'fairness.small-under-load',
        title: `Fairness: ${SMALL}-segment render enqueued after ${sizes.after} requests of a ${sizes.book}-segment book, ${LATENCY_MS} ms per request, limit ${LIMIT} (1 worker × ${LIMIT}), median of ${sizes.rounds}`,
        value: round(median(smallLoadedMs) / 1000, 3),
        unit: 's wall (enqueue → completed)',
        baseline: round(median(idleSmallMs) / 1000, 3),
        baselineLabel: `the same render on an idle queue, median of ${idleSmallMs.length}`,
        better: 'lower',
        target: { op: '<=', ratio: 1.5 },
        command,
        details: {
          ...common,
          bookSegments: sizes.book,
          enqueuedAfterRequests: sizes.after,
          idleSmallMs: ms(idleSmallMs),
          loadedSmallMs: ms(smallLoadedMs),
          loadedSmallFirstRequestMs: loaded.map((l) => l.smallFirstRequestMs),
          loadedSmallLastRequestMs: loaded.map((l) => l.smallLastRequestMs),
          bookSegmentsLeftAtEnqueue: loaded.map((l) => l.bookLeftAtEnqueue),
          bookRequestsBetweenEnqueueAndLastSmallRequest: loaded.map((l) => l.bookOvertakes),
          // What first-in-first-out would cost: the book's remaining requests through 16 slots, before the small render's.
          fifoEstimateMs: loaded.map((l) => Math.round((l.bookLeftAtEnqueue * LATENCY_MS) / LIMIT + median(idleSmallMs))),
        },
      }),
      figure({
        id: 'fairness.book-growth',
        title: `Fairness: ${sizes.book}-segment book's extra wall time from the ${SMALL}-segment render beside it (same round, median of ${sizes.rounds})`,
        value: round(median(bookGrowthMs), 1),
        unit: 'ms (book with the small render − book alone)',
        baseline: SMALL_SHARE_MS,
        baselineLabel: `the small render's share: ${SMALL} × ${LATENCY_MS} ms ÷ ${LIMIT}`,
        better: 'lower',
        target: { op: '<=', ratio: 1 },
        command,
        details: {
          ...common,
          bookSegments: sizes.book,
          idealBookMs: (sizes.book * LATENCY_MS) / LIMIT,
          bookAloneMs: ms(bookAloneMs),
          bookWithSmallMs: ms(loaded.map((l) => l.book.timing.totalMs)),
          bookGrowthMs: ms(bookGrowthMs),
          // The noise floor the growth is read against: how far apart the book alone lands run to run.
          bookAloneSpreadMs: Math.round(Math.max(...bookAloneMs) - Math.min(...bookAloneMs)),
          // Up to the `stitching` event: the same comparison without the book's stitch.
          bookAloneSynthesizeMs: ms(bookAlone.map((run) => run.timing.synthesizeMs)),
          bookWithSmallSynthesizeMs: ms(loaded.map((l) => l.book.timing.synthesizeMs)),
        },
      }),
      figure({
        id: 'fairness.equal-books',
        title: `Fairness: two ${sizes.pair}-segment books enqueued together, ${LATENCY_MS} ms per request, limit ${LIMIT}: gap between their completions (median of ${sizes.rounds})`,
        value: round(median(pairs.map((p) => p.gapMs)) / 1000, 3),
        unit: 's between completions',
        baseline: round(median(pairs.map((p) => p.laterMs)) / 1000, 3),
        baselineLabel: 'the later completion, from the common start',
        better: 'lower',
        target: { op: '<=', ratio: 0.1 },
        command,
        details: {
          ...common,
          bookSegments: sizes.pair,
          idealBothMs: (2 * sizes.pair * LATENCY_MS) / LIMIT,
          finishMs: pairs.map((p) => ms(p.finishMs)),
          // Without the stitches, which one worker runs one at a time (STITCH_CONCURRENCY 1): the later book's waits for the other's.
          lastRequestMs: pairs.map((p) => p.lastRequestMs),
          lastRequestGapMs: pairs.map((p) => Math.abs(p.lastRequestMs[0] - p.lastRequestMs[1])),
          gapRatios: pairs.map((p) => round(p.gapMs / p.laterMs, 4)),
        },
      }),
    ];
  } finally {
    await env.close();
  }
}

export const fairness: Benchmark = {
  name: 'fairness',
  description: 'a small render beside a big book, and two books together, on one provider (fair shares)',
  run: (options) => measure(options, options.quick ? QUICK : FULL),
};

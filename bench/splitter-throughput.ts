/**
 * Splitter throughput: MB/s of UTF-8 text planned into segments, over a mixed Chinese/English
 * book (makeSampleBook), against Intl.Segmenter alone (granularity 'sentence', every segment
 * consumed) over the same text in the same process. Best of a few alternating rounds each.
 */
import { planRender } from '../src/producer/plan.ts';
import { splitTextSpans } from '../src/text/split-text.ts';
import type { TextLimits } from '../src/providers/provider.ts';
import { SENSEAUDIO_LIMITS } from '../src/providers/senseaudio/limits.ts';
import { makeSampleBook } from '../test/support/sample-book.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark } from './support/bench-figure.ts';

const MB = 1_000_000;

/** A sample book of about `bytes` UTF-8 bytes. */
function bookOfBytes(bytes: number): string {
  const probe = makeSampleBook(100_000, 7);
  const bytesPerChar = Buffer.byteLength(probe) / [...probe].length;
  return makeSampleBook(Math.round(bytes / bytesPerChar), 7);
}

/** What the baseline does: walk every sentence Intl.Segmenter finds, touching each one. */
function segmentSentences(text: string): number {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });
  let chars = 0;
  for (const sentence of segmenter.segment(text)) chars += sentence.segment.length;
  if (chars !== text.length) throw new Error(`Intl.Segmenter covered ${chars} of ${text.length} code units`);
  return chars;
}

function timeMs(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** Best time of `rounds` alternating runs of each. */
function bestOf(rounds: number, ours: () => unknown, baseline: () => unknown): { oursMs: number; baselineMs: number } {
  let oursMs = Number.POSITIVE_INFINITY;
  let baselineMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i += 1) {
    oursMs = Math.min(oursMs, timeMs(ours));
    baselineMs = Math.min(baselineMs, timeMs(baseline));
  }
  return { oursMs, baselineMs };
}

/** Limits small enough that nearly every sentence end is a cut: the splitter's finer levels at work. */
const SMALL_LIMITS: TextLimits = { maxUnits: 200, targetUnits: 100, count: (text) => SENSEAUDIO_LIMITS.count(text) };

export const splitterThroughput: Benchmark = {
  name: 'splitter',
  description: 'MB/s planning a mixed zh/en book vs Intl.Segmenter sentence segmentation alone',
  run(options): Promise<BenchFigure[]> {
    const targetBytes = options.quick ? 2 * MB : 10 * MB;
    const rounds = options.quick ? 3 : 5;
    const text = bookOfBytes(targetBytes);
    const bytes = Buffer.byteLength(text);
    const mbPerSecond = (ms: number): number => round(bytes / MB / (ms / 1000), 2);
    // Warm both up (JIT, ICU data) on a slice before timing anything.
    const warm = text.slice(0, 200_000);
    planRender(warm, SENSEAUDIO_LIMITS);
    segmentSentences(warm);

    let segments = 0;
    const plan = bestOf(
      rounds,
      () => (segments = planRender(text, SENSEAUDIO_LIMITS).segments.length),
      () => segmentSentences(text),
    );
    options.log(
      `splitter: ${round(bytes / MB, 2)} MB planned in ${Math.round(plan.oursMs)} ms, Intl.Segmenter ${Math.round(plan.baselineMs)} ms`,
    );
    let smallSegments = 0;
    const small = bestOf(
      rounds,
      () => (smallSegments = splitTextSpans(text, SMALL_LIMITS, 0, text.length).length),
      () => segmentSentences(text),
    );
    options.log(`splitter: small limits ${Math.round(small.oursMs)} ms, Intl.Segmenter ${Math.round(small.baselineMs)} ms`);

    const common = { bytes, codeUnits: text.length, rounds, command: benchCommand('splitter', options.quick) };
    return Promise.resolve([
      figure({
        id: 'splitter.plan',
        title: `Splitter: planRender over ${round(bytes / MB, 1)} MB mixed zh/en, SenseAudio limits (target ${SENSEAUDIO_LIMITS.targetUnits})`,
        value: mbPerSecond(plan.oursMs),
        unit: 'MB/s',
        baseline: mbPerSecond(plan.baselineMs),
        baselineLabel: "Intl.Segmenter 'sentence', every segment consumed",
        better: 'higher',
        command: common.command,
        details: {
          bytes,
          codeUnits: text.length,
          rounds,
          segments,
          oursMs: Math.round(plan.oursMs),
          baselineMs: Math.round(plan.baselineMs),
        },
      }),
      figure({
        id: 'splitter.sentences',
        title: `Splitter: splitTextSpans over the same text, limits ${SMALL_LIMITS.targetUnits}/${SMALL_LIMITS.maxUnits} (cuts at nearly every sentence)`,
        value: mbPerSecond(small.oursMs),
        unit: 'MB/s',
        baseline: mbPerSecond(small.baselineMs),
        baselineLabel: "Intl.Segmenter 'sentence', every segment consumed",
        better: 'higher',
        command: common.command,
        details: { bytes, rounds, segments: smallSegments, oursMs: Math.round(small.oursMs), baselineMs: Math.round(small.baselineMs) },
      }),
    ]);
  },
};

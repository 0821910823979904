/**
 * Cost: characters the provider bills (the SenseAudio simulator's usage_characters, Chinese
 * counted twice, for every request that reached synthesis, even one whose stream was then cut)
 * for a clean render, a render with 25 % injected faults, a re-render of the unchanged book,
 * and a re-render after one paragraph was edited. Baseline: the book's billable characters.
 */
import { headingTitle } from '../src/text/chapters.ts';
import type { RenderPlan } from '../src/producer/plan.ts';
import type { RenderOptions } from '../src/producer/render-options.ts';
import { toSpeechText } from '../src/text/speech-text.ts';
import { usageCharacters } from '../test/simulators/senseaudio/audio.ts';
import type { SenseAudioSimulator } from '../test/simulators/senseaudio/server.ts';
import { makeSampleBook } from '../test/support/sample-book.ts';
import { benchCommand, figure, type BenchFigure, type Benchmark } from './support/bench-figure.ts';
import { startRenderBenchEnv, type RenderBenchEnv, type RenderTiming } from './support/render-bench-env.ts';
import { withTempDir } from './support/temp-dir.ts';

const FAULT_RATE = 0.25;
const EDIT = ' Nobody noticed the change.';

/**
 * What the provider bills for a plan when every distinct segment text is bought once: segments
 * are content-addressed, so a text that comes back (a repeated heading such as "Part One") is
 * served from the first one's audio. `all` counts every segment, repeats included.
 */
function billable(plan: RenderPlan): { distinct: number; all: number; repeats: number } {
  const texts = plan.segments.map((segment) => toSpeechText(segment.text));
  const unique = new Set(texts);
  const sum = (list: Iterable<string>): number => [...list].reduce((total, text) => total + usageCharacters(text), 0);
  return { distinct: sum(unique), all: sum(texts), repeats: texts.length - unique.size };
}

/** [0, 1, 2, 5] → "0–2, 5": which segments, short enough to read. */
function indexRanges(indexes: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < indexes.length;) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === (indexes[j] ?? 0) + 1) j += 1;
    ranges.push(i === j ? String(indexes[i]) : `${indexes[i]}–${indexes[j]}`);
    i = j + 1;
  }
  return ranges.join(', ');
}

interface Billing {
  requests: number;
  billed: number;
  faults: Record<string, number>;
}

/** Billing of the simulator requests from `from` (an index into requests) on. */
function billingSince(simulator: SenseAudioSimulator, from: number): Billing {
  const records = simulator.requests.slice(from);
  const faults: Record<string, number> = {};
  for (const record of records) if (record.fault) faults[record.fault] = (faults[record.fault] ?? 0) + 1;
  return { requests: records.length, billed: records.reduce((sum, record) => sum + (record.usageCharacters ?? 0), 0), faults };
}

/** Renders and measures what it billed, as the provider counts it and as the manifest says. */
async function billedRender(env: RenderBenchEnv, id: string, book: { plan: RenderPlan; options: RenderOptions }, output?: string) {
  const from = env.simulator.requests.length;
  const timing: RenderTiming = await env.render(id, book.plan, book.options, output === undefined ? {} : { output });
  const billing = billingSince(env.simulator, from);
  const billedSegments = timing.manifest.segments.filter((segment) => !segment.cached).map((segment) => segment.index);
  return {
    ...billing,
    manifestBilled: timing.manifest.billedCharacters,
    billedSegments,
    billedSegmentRanges: indexRanges(billedSegments),
    seconds: Math.round(timing.totalMs) / 1000,
  };
}

/** The book with one paragraph in its middle lengthened by a sentence; which paragraph, too. */
function editOneParagraph(text: string): { text: string; paragraph: string } {
  const blocks = text.split('\n\n');
  const candidates = blocks
    .map((block, index) => ({ block, index }))
    .filter(({ block }) => headingTitle(block) === undefined && block.length > 40);
  const chosen = candidates[Math.floor(candidates.length / 2)];
  if (!chosen) throw new Error('the book has no paragraph to edit');
  const paragraph = `${chosen.block.trimEnd()}${EDIT}`;
  blocks[chosen.index] = paragraph;
  return { text: blocks.join('\n\n'), paragraph };
}

export const billingCost: Benchmark = {
  name: 'cost',
  description: 'characters billed for clean, faulty, unchanged and one-paragraph-edited renders vs the book',
  async run(options): Promise<BenchFigure[]> {
    const env = await startRenderBenchEnv({
      redisUrl: options.redisUrl,
      label: 'cost',
      simulator: { msPerChar: 1 },
      workers: 1,
      concurrency: 4,
      workerEnv: { RATE_LIMIT_WAIT_MS: '100' },
      retry: { attempts: 20, backoffMs: 50 },
    });
    try {
      const text = makeSampleBook(options.quick ? 40_000 : 200_000, 5);
      const book = env.plan(text);
      const bookBilling = billable(book.plan);
      const bookBillable = bookBilling.distinct;
      const segments = book.plan.segments.length;
      const command = benchCommand('cost', options.quick);
      const common = {
        unit: 'characters billed',
        baseline: bookBillable,
        baselineLabel: `the book's billable characters, each distinct segment once (${segments} segments, ${bookBilling.repeats} repeats)`,
        command,
      };

      const clean = await billedRender(env, 'clean', book);
      options.log(`cost: clean render billed ${clean.billed} of ${bookBillable}`);

      env.simulator.setFaults({ rate: FAULT_RATE, seed: 25 });
      const faulty = await withTempDir('cost-faults', (dir) => billedRender(env, 'faults', book, dir));
      env.simulator.setFaults(undefined);
      options.log(`cost: render with ${FAULT_RATE * 100} % faults billed ${faulty.billed} in ${faulty.requests} requests`);

      const again = await billedRender(env, 'again', book);
      options.log(`cost: unchanged re-render billed ${again.billed} in ${again.requests} requests`);

      const edit = editOneParagraph(text);
      const edited = env.plan(edit.text);
      const editedSegment = edited.plan.segments.find((segment) => segment.text.includes(edit.paragraph));
      if (!editedSegment) throw new Error('no segment holds the edited paragraph whole');
      const afterEdit = await billedRender(env, 'edited', edited);
      const segmentBillable = usageCharacters(toSpeechText(editedSegment.text));
      const onlyThatSegment =
        afterEdit.billedSegments.length === 1 &&
        afterEdit.billedSegments[0] === editedSegment.index &&
        afterEdit.billed === segmentBillable;
      options.log(
        `cost: after editing one paragraph billed ${afterEdit.billed} (segments ${afterEdit.billedSegmentRanges}; the paragraph is in ${editedSegment.index})`,
      );

      return [
        figure({
          id: 'cost.clean',
          title: `Cost: clean render of a ${segments}-segment book`,
          value: clean.billed,
          ...common,
          better: 'exact',
          target: { op: '==', ratio: 1 },
          details: { ...clean, bookBillableAllSegments: bookBilling.all },
        }),
        figure({
          id: 'cost.faults',
          title: `Cost: render with ${FAULT_RATE * 100} % of requests faulted (simulator's default fault mix)`,
          value: faulty.billed,
          ...common,
          better: 'lower',
          details: { ...faulty, note: 'billed counts every request that reached synthesis, including streams cut afterwards and retried' },
        }),
        figure({
          id: 'cost.unchanged',
          title: 'Cost: re-render of the unchanged book',
          value: again.billed,
          ...common,
          better: 'exact',
          target: { op: '==', ratio: 0 },
          details: again,
        }),
        figure({
          id: 'cost.edit',
          title: `Cost: re-render after editing one paragraph (in segment ${editedSegment.index})`,
          value: afterEdit.billed,
          ...common,
          better: 'exact',
          target: { op: '==', ratio: Math.round((segmentBillable / bookBillable) * 10_000) / 10_000 },
          check: onlyThatSegment,
          details: {
            ...afterEdit,
            editedSegment: editedSegment.index,
            editedSegmentBillable: segmentBillable,
            segmentsAfterEdit: edited.plan.segments.length,
          },
        }),
      ];
    } finally {
      await env.close();
    }
  },
};

/**
 * How well the transcript check (issue 15 item 2) tells right takes from wrong ones, with the
 * example recognizer (scripts/asr/pocketsphinx-words: Debian's pocketsphinx, US English model)
 * on espeak-ng's en-us voice, the hardest case we have: synthetic speech.
 *
 * espeak-ng speaks the 40 two-sentence segments of support/asr-sentences.ts, and again only the
 * first sentence of each (a take that lost its second). Each transcript goes through the real
 * path (recognizeTake: ffmpeg to 16 kHz mono, the command) and is scored (scoreTranscript):
 *   right          the take against its own text
 *   otherText      the take against another segment's text (the provider spoke the wrong text)
 *   lostSentence   the one-sentence take against the two-sentence text (a take that stopped early)
 *   extraSentence  the take against its first sentence only (the take says more than its text)
 * and reports the word accuracy (1 − WER over the right pairs), a threshold table (score < t
 * flags a take: the share of wrong pairs caught, the share of right pairs flagged), the ROC AUC,
 * and the outlier test as the worker runs it (each right take judged by the other 39 right
 * scores, leave-one-out).
 *
 *   node --import tsx bench/asr-separation.ts [--quick]     JSON on stdout
 *   npm run bench -- --only asr-separation                 as a benchmark figure
 *
 * Needs pocketsphinx (scripts/install-pocketsphinx.sh) and espeak-ng; without them it reports
 * itself skipped, with the reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recognizeTake } from '../src/verify/recognize-take.ts';
import { addScore, EMPTY_SCORES, judgeTranscript, type ScoreStats, type TranscriptLimits } from '../src/verify/transcript-outlier.ts';
import { scoreTranscript } from '../src/verify/transcript-score.ts';
import { ASR_SEGMENTS } from './support/asr-sentences.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark } from './support/bench-figure.ts';
import { runOk, runProcess } from './support/run-process.ts';
import { withTempDir } from './support/temp-dir.ts';

const ADAPTER = fileURLToPath(new URL('../scripts/asr/pocketsphinx-words', import.meta.url));
const MODEL = '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin';
const WRONG_KINDS = ['otherText', 'lostSentence', 'extraSentence'] as const;
type PairKind = 'right' | (typeof WRONG_KINDS)[number];
const THRESHOLDS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7];
const OUTLIER_KS = [1, 1.5, 2, 2.5, 3];
/** Recognizers run at once: pocketsphinx is single-threaded. */
const PARALLEL = 2;

interface Pair {
  segment: number;
  kind: PairKind;
  score: number;
  referenceWords: number;
  errors: number;
}

export interface AsrSeparation {
  recognizer: string;
  voice: string;
  segments: number;
  wordAccuracy: number;
  wer: number;
  right: { meanScore: number; sdScore: number; minScore: number; medianScore: number };
  wrongMeanScore: Record<(typeof WRONG_KINDS)[number], number>;
  auc: Record<'all' | (typeof WRONG_KINDS)[number], number>;
  thresholds: { threshold: number; falsePositiveRate: number; truePositiveRate: number; byKind: Record<string, number> }[];
  outlier: { k: number; falsePositiveRate: number; truePositiveRate: number; byKind: Record<string, number> }[];
  recognizerSecondsPerAudioSecond: number;
  examples: { text: string; heard: string; score: number }[];
}

/** Why the benchmark cannot run here, or undefined when it can. */
export async function missingTools(): Promise<string | undefined> {
  const which = async (tool: string): Promise<boolean> => (await runProcess('sh', ['-c', `command -v ${tool}`])).code === 0;
  if (!(await which('pocketsphinx_continuous')) || !existsSync(MODEL)) {
    return 'pocketsphinx or its US English model is not installed (scripts/install-pocketsphinx.sh)';
  }
  if (!(await which('espeak-ng'))) return 'espeak-ng is not installed (scripts/ensure-system-tools.sh)';
  return undefined;
}

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / Math.max(values.length, 1);
const share = (values: readonly number[], test: (v: number) => boolean): number =>
  round(values.filter(test).length / Math.max(values.length, 1), 3);

/** P(a right score > a wrong score), ties counting half: the area under the ROC curve. */
function rocAuc(right: readonly number[], wrong: readonly number[]): number {
  let wins = 0;
  for (const r of right) for (const w of wrong) wins += r > w ? 1 : r === w ? 0.5 : 0;
  return round(wins / Math.max(right.length * wrong.length, 1), 4);
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

function plain(text: string): string {
  return text
    .replace(/<[^<>]*>/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

export async function measureAsrSeparation(options: { quick: boolean; log: (line: string) => void }): Promise<AsrSeparation> {
  const segments = ASR_SEGMENTS.slice(0, options.quick ? 12 : ASR_SEGMENTS.length);
  return withTempDir('asr', async (dir) => {
    const takes = segments.flatMap(([first, second], i) => [
      { segment: i, cut: false, text: `${first} ${second}`, path: join(dir, `${i}-full.wav`) },
      { segment: i, cut: true, text: first, path: join(dir, `${i}-cut.wav`) },
    ]);
    for (const take of takes) await runOk('espeak-ng', ['-v', 'en-us', '-w', take.path, plain(take.text)]);
    let audioSeconds = 0;
    let recognizerMs = 0;
    const heard = await inBatches(takes, PARALLEL, async (take) => {
      const probe = await runOk('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', take.path]);
      audioSeconds += Number(probe.stdout.trim());
      const started = performance.now();
      const words = await recognizeTake(take.path, { command: [ADAPTER], timeoutMs: 120_000 });
      recognizerMs += performance.now() - started;
      return words;
    });
    options.log(`asr-separation: ${takes.length} takes recognized, ${round(recognizerMs / 1000 / audioSeconds, 3)} s per audio s`);
    const full = (i: number): string => heard[2 * i] ?? '';
    const cut = (i: number): string => heard[2 * i + 1] ?? '';
    const pairs: Pair[] = [];
    const pair = (segment: number, kind: PairKind, text: string, hypothesis: string): void => {
      const s = scoreTranscript(text, hypothesis);
      pairs.push({
        segment,
        kind,
        score: s.similarity,
        referenceWords: s.referenceWords,
        errors: s.substitutions + s.deletions + s.insertions,
      });
    };
    segments.forEach(([first, second], i) => {
      const other = segments[(i + 7) % segments.length] ?? segments[0] ?? ['', ''];
      pair(i, 'right', `${first} ${second}`, full(i));
      pair(i, 'otherText', `${other[0]} ${other[1]}`, full(i));
      pair(i, 'lostSentence', `${first} ${second}`, cut(i));
      pair(i, 'extraSentence', first, full(i));
    });
    const right = pairs.filter((p) => p.kind === 'right');
    const wrong = pairs.filter((p) => p.kind !== 'right');
    const rightScores = right.map((p) => p.score);
    const scoresOf = (kind: PairKind): number[] => pairs.filter((p) => p.kind === kind).map((p) => p.score);
    const wer = right.reduce((sum, p) => sum + p.errors, 0) / right.reduce((sum, p) => sum + p.referenceWords, 0);
    const sorted = [...rightScores].sort((a, b) => a - b);
    const sd = Math.sqrt(
      mean(rightScores.map((v) => (v - mean(rightScores)) ** 2)) * (rightScores.length / Math.max(rightScores.length - 1, 1)),
    );

    const outlier = OUTLIER_KS.map((k) => {
      const limits: TranscriptLimits = { minSamples: 2, coldMinScore: 0, k, minSpread: 0.05 };
      const flagged = (p: Pair): boolean => {
        // Leave-one-out: what the voice learned from every other right take.
        const stats = right.filter((r) => r.segment !== p.segment).reduce<ScoreStats>((acc, r) => addScore(acc, r.score), EMPTY_SCORES);
        return !judgeTranscript(p.score, stats, limits).passed;
      };
      const byKind = Object.fromEntries(
        WRONG_KINDS.map((kind) => {
          const ofKind = pairs.filter((p) => p.kind === kind);
          return [kind, round(ofKind.filter(flagged).length / ofKind.length, 3)];
        }),
      );
      return {
        k,
        falsePositiveRate: round(right.filter(flagged).length / right.length, 3),
        truePositiveRate: round(wrong.filter(flagged).length / wrong.length, 3),
        byKind,
      };
    });

    return {
      recognizer: 'scripts/asr/pocketsphinx-words (pocketsphinx 0.8+5prealpha, Debian en-us model)',
      voice: 'espeak-ng -v en-us',
      segments: segments.length,
      wordAccuracy: round(1 - wer, 3),
      wer: round(wer, 3),
      right: {
        meanScore: round(mean(rightScores), 3),
        sdScore: round(sd, 3),
        minScore: round(sorted[0] ?? 0, 3),
        medianScore: round(sorted[Math.floor(sorted.length / 2)] ?? 0, 3),
      },
      wrongMeanScore: {
        otherText: round(mean(scoresOf('otherText')), 3),
        lostSentence: round(mean(scoresOf('lostSentence')), 3),
        extraSentence: round(mean(scoresOf('extraSentence')), 3),
      },
      auc: {
        all: rocAuc(
          rightScores,
          wrong.map((p) => p.score),
        ),
        otherText: rocAuc(rightScores, scoresOf('otherText')),
        lostSentence: rocAuc(rightScores, scoresOf('lostSentence')),
        extraSentence: rocAuc(rightScores, scoresOf('extraSentence')),
      },
      thresholds: THRESHOLDS.map((threshold) => ({
        threshold,
        falsePositiveRate: share(rightScores, (v) => v < threshold),
        truePositiveRate: share(
          wrong.map((p) => p.score),
          (v) => v < threshold,
        ),
        byKind: Object.fromEntries(WRONG_KINDS.map((kind) => [kind, share(scoresOf(kind), (v) => v < threshold)])),
      })),
      outlier,
      recognizerSecondsPerAudioSecond: round(recognizerMs / 1000 / audioSeconds, 3),
      examples: [0, 1, 2].map((i) => ({ text: `${segments[i]?.[0]} ${segments[i]?.[1]}`, heard: full(i), score: right[i]?.score ?? 0 })),
    };
  });
}

export const asrSeparation: Benchmark = {
  name: 'asr-separation',
  description: 'transcript check: pocketsphinx word accuracy on espeak-ng and ROC AUC of right vs wrong text',
  async run(options): Promise<BenchFigure[]> {
    const missing = await missingTools();
    if (missing !== undefined) {
      options.log(`asr-separation: skipped: ${missing}`);
      return [];
    }
    const result = await measureAsrSeparation(options);
    const command = benchCommand('asr-separation', options.quick);
    const details = result as unknown as Record<string, unknown>;
    return [
      figure({
        id: 'asr.word-accuracy',
        title: 'pocketsphinx word accuracy on espeak-ng en-us (1 − WER)',
        value: result.wordAccuracy,
        unit: 'share of words',
        baseline: 1,
        baselineLabel: 'a perfect recognizer',
        better: 'higher',
        command,
        details,
      }),
      figure({
        id: 'asr.separation-auc',
        title: 'transcript score: ROC AUC of right text vs wrong text',
        value: result.auc.all,
        unit: 'AUC',
        baseline: 0.5,
        baselineLabel: 'chance',
        better: 'higher',
        command,
        details: { thresholds: result.thresholds, outlier: result.outlier },
      }),
    ];
  },
};

if (process.argv[1]?.endsWith('asr-separation.ts')) {
  const quick = process.argv.includes('--quick');
  const missing = await missingTools();
  const log = (line: string): void => console.error(`[bench] ${line}`);
  const result = missing === undefined ? await measureAsrSeparation({ quick, log }) : { skipped: true, reason: missing };
  console.log(JSON.stringify(result, null, 2));
}

/**
 * What the take checks cost (issue 15): for each of N segments, the wall time of its synthesis
 * as a worker spends it (the provider client streaming the simulator's answer through the
 * format validation into a temp file) against the wall time of its checks (ffmpeg decoding the
 * take, the signal meter, the judgement). Speech at 60 ms per character (about 16 characters a
 * second, a narrator's pace), MP3 24 kHz. Two paces:
 * - `qa.cost` (the target): CosyVoice at the norms its document states, first packet ~500 ms and
 *   RTF (synthesis time ÷ audio time) ~0.3, the simulator's defaults;
 * - `qa.cost.fast`: SenseAudio's simulator, 1 s to the first byte and then its whole answer at
 *   once, faster than any document says a provider streams: the worst case.
 * The checks' cost does not depend on the provider, only on the audio's length:
 * `checkMsPerAudioSecond` lets a reader work out the ratio for another one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DURATION_CEILING } from '../src/audio/duration-ceiling.ts';
import { cosyVoiceDefinition } from '../src/providers/cosyvoice/definition.ts';
import type { ProviderDefinition } from '../src/providers/provider-definition.ts';
import { senseAudioDefinition } from '../src/providers/senseaudio/definition.ts';
import type { SynthesizeJobData } from '../src/queue/job-data.ts';
import { loadConfig } from '../src/runtime/app-config.ts';
import { toSpeechText } from '../src/text/speech-text.ts';
import { measureTake } from '../src/verify/measure-take.ts';
import { DEFAULT_QA_THRESHOLDS } from '../src/verify/qa-thresholds.ts';
import { EMPTY_RATE } from '../src/verify/speaking-rate.ts';
import { judgeTake } from '../src/verify/take-checks.ts';
import { textExpectation } from '../src/verify/text-expectation.ts';
import { receiveTake } from '../src/worker/receive-take.ts';
import { abortableCall } from '../src/worker/provider-call.ts';
import { startCosyVoiceSimulator } from '../test/simulators/cosyvoice/server.ts';
import { startSenseAudioSimulator } from '../test/simulators/senseaudio/server.ts';
import { qaBook } from '../test/support/qa-book.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark, type BenchOptions } from './support/bench-figure.ts';

const LATENCY_MS = 1000;
const MS_PER_CHAR = 60;
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
const API_KEY = 'bench-qa-cost-key';

interface Pace {
  id: string;
  label: string;
  definition: ProviderDefinition;
  /** Starts the simulator; its url and env for the client, and how to stop it. */
  start(): Promise<{ env: Record<string, string>; close(): Promise<void> }>;
  target: boolean;
}

const PACES: readonly Pace[] = [
  {
    id: 'qa.cost',
    label: 'CosyVoice at its document’s norms (first packet 500 ms, RTF 0.3)',
    definition: cosyVoiceDefinition,
    async start() {
      const simulator = await startCosyVoiceSimulator({ apiKey: API_KEY, msPerChar: MS_PER_CHAR, rtf: 0.3, firstFrameDelayMs: 500 });
      return { env: { DASHSCOPE_API_KEY: API_KEY, DASHSCOPE_WS_URL: simulator.url }, close: () => simulator.close() };
    },
    target: true,
  },
  {
    id: 'qa.cost.fast',
    label: `SenseAudio simulator, ${LATENCY_MS} ms to the first byte, then the whole answer at once`,
    definition: senseAudioDefinition,
    async start() {
      const simulator = await startSenseAudioSimulator({
        apiKey: API_KEY,
        latencyMs: LATENCY_MS,
        msPerChar: MS_PER_CHAR,
        tone: 'sentences',
      });
      return { env: { SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url }, close: () => simulator.close() };
    },
    target: false,
  },
];

async function measure(options: BenchOptions, pace: Pace, segments: number): Promise<BenchFigure> {
  const simulator = await pace.start();
  const dir = await mkdtemp(join(tmpdir(), 'ttsb-bench-qa-'));
  try {
    const config = loadConfig({ ...process.env, ...simulator.env, LOG_LEVEL: 'silent' });
    const { definition } = pace;
    const provider = definition.create(config);
    if (provider.kind !== 'stream') throw new Error(`${definition.name} is not a streaming provider`);
    const paragraphs = qaBook(segments, 'bench', 21).split('\n\n');
    let synthesisMs = 0;
    let checkMs = 0;
    let audioMs = 0;
    for (const [index, paragraph] of paragraphs.entries()) {
      const text = toSpeechText(paragraph);
      const data = {
        renderId: 'bench-qa',
        index,
        provider: definition.name,
        text,
        voice: definition.defaultVoice,
        audio: AUDIO,
        key: `bench/${index}.mp3`,
      } as unknown as SynthesizeJobData;
      const request = { text, voice: definition.defaultVoice, model: definition.defaultModel, voiceSettings: {}, audio: AUDIO };
      const synthStarted = performance.now();
      const call = abortableCall(new AbortController().signal, (signal) => provider.synthesize({ ...request, signal }));
      const take = await receiveTake(dir, data, call, DEFAULT_DURATION_CEILING);
      synthesisMs += performance.now() - synthStarted;
      const checkStarted = performance.now();
      const signal = await measureTake(take.path, AUDIO, { silenceDb: DEFAULT_QA_THRESHOLDS.silenceDb });
      const verdict = judgeTake(signal, textExpectation(text), EMPTY_RATE, DEFAULT_QA_THRESHOLDS);
      checkMs += performance.now() - checkStarted;
      audioMs += signal.durationMs;
      if (!verdict.passed) throw new Error(`a clean take failed its checks: ${JSON.stringify(verdict.checks.filter((c) => !c.passed))}`);
      await take.discard();
    }
    await provider.close();
    options.log(`${pace.id}: ${segments} segments, synthesis ${Math.round(synthesisMs)} ms, checks ${Math.round(checkMs)} ms`);
    return figure({
      id: pace.id,
      title: `Take checks: ${segments} segments of ~240 characters (MP3 24 kHz, ${MS_PER_CHAR} ms of speech a character), ${pace.label}`,
      value: round(checkMs / 1000, 3),
      unit: 's of checks (decode, meter, judgement)',
      baseline: round(synthesisMs / 1000, 3),
      baselineLabel: 'the same segments’ synthesis wall time (request to the take on disk)',
      better: 'lower',
      ...(pace.target ? { target: { op: '<=' as const, ratio: 0.05 } } : {}),
      command: benchCommand('qa', options.quick),
      details: {
        provider: definition.name,
        segments,
        msPerChar: MS_PER_CHAR,
        audioSeconds: round(audioMs / 1000, 1),
        checkMsPerSegment: round(checkMs / segments, 1),
        synthesisMsPerSegment: round(synthesisMs / segments, 1),
        checkMsPerAudioSecond: round(checkMs / (audioMs / 1000), 2),
      },
    });
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const qaCost: Benchmark = {
  name: 'qa',
  description: 'wall time of the take checks vs the synthesis they check (CosyVoice at its documented pace, and a fast simulator)',
  async run(options) {
    const segments = options.quick ? 6 : 12;
    const figures: BenchFigure[] = [];
    for (const pace of PACES) figures.push(await measure(options, pace, segments));
    return figures;
  },
};

/**
 * What the take checks cost (issue 15): for each of N segments, the wall time of its synthesis
 * as a worker spends it (the SenseAudio client streaming the simulator's answer through the
 * format validation into a temp file) against the wall time of its checks (ffmpeg decoding the
 * take, the signal meter, the judgement). The simulator answers at a realistic pace: 1 s before
 * the first byte, speech at 60 ms per character (about 16 characters a second, a narrator's
 * pace), MP3 24 kHz as SenseAudio sends by default. The checks' cost does not depend on the
 * latency, only on the audio's length: `checkMsPerAudioSecond` lets a reader work out the ratio
 * for another provider.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DURATION_CEILING } from '../src/audio/duration-ceiling.ts';
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
import { startSenseAudioSimulator } from '../test/simulators/senseaudio/server.ts';
import { qaBook } from '../test/support/qa-book.ts';
import { benchCommand, figure, round, type Benchmark } from './support/bench-figure.ts';

const LATENCY_MS = 1000;
const MS_PER_CHAR = 60;
const AUDIO = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 } as const;
const API_KEY = 'bench-qa-cost-key';

export const qaCost: Benchmark = {
  name: 'qa',
  description: 'wall time of the take checks vs the synthesis they check (1 s latency, 60 ms per character)',
  async run(options) {
    const segments = options.quick ? 8 : 24;
    const simulator = await startSenseAudioSimulator({ apiKey: API_KEY, latencyMs: LATENCY_MS, msPerChar: MS_PER_CHAR, tone: 'sentences' });
    const dir = await mkdtemp(join(tmpdir(), 'ttsb-bench-qa-'));
    try {
      const config = loadConfig({ ...process.env, SENSEAUDIO_API_KEY: API_KEY, SENSEAUDIO_BASE_URL: simulator.url, LOG_LEVEL: 'silent' });
      const provider = senseAudioDefinition.create(config);
      if (provider.kind !== 'stream') throw new Error('SenseAudio is a streaming provider');
      const paragraphs = qaBook(segments, 'bench', 21).split('\n\n');
      let synthesisMs = 0;
      let checkMs = 0;
      let audioMs = 0;
      for (const [index, paragraph] of paragraphs.entries()) {
        const text = toSpeechText(paragraph);
        const data = {
          renderId: 'bench-qa',
          index,
          provider: 'senseaudio',
          text,
          voice: 'male_0004_a',
          audio: AUDIO,
          key: `bench/${index}.mp3`,
        } as unknown as SynthesizeJobData;
        const synthStarted = performance.now();
        const take = await receiveTake(
          dir,
          data,
          provider.synthesize({ text, voice: data.voice, model: senseAudioDefinition.defaultModel, voiceSettings: {}, audio: AUDIO }),
          DEFAULT_DURATION_CEILING,
        );
        synthesisMs += performance.now() - synthStarted;
        const checkStarted = performance.now();
        const signal = await measureTake(take.path, AUDIO, { silenceDb: DEFAULT_QA_THRESHOLDS.silenceDb });
        const verdict = judgeTake(signal, textExpectation(text), EMPTY_RATE, DEFAULT_QA_THRESHOLDS);
        checkMs += performance.now() - checkStarted;
        audioMs += signal.durationMs;
        if (!verdict.passed) throw new Error(`a clean take failed its checks: ${JSON.stringify(verdict.checks.filter((c) => !c.passed))}`);
        await take.discard();
      }
      options.log(`qa: ${segments} segments, synthesis ${Math.round(synthesisMs)} ms, checks ${Math.round(checkMs)} ms`);
      return [
        figure({
          id: 'qa.cost',
          title: `Take checks: ${segments} segments of ~240 characters (MP3 24 kHz), ${LATENCY_MS} ms latency, ${MS_PER_CHAR} ms of speech per character`,
          value: round(checkMs / 1000, 3),
          unit: 's of checks (decode, meter, judgement)',
          baseline: round(synthesisMs / 1000, 3),
          baselineLabel: 'the same segments’ synthesis wall time (request to the take on disk)',
          better: 'lower',
          target: { op: '<=', ratio: 0.05 },
          command: benchCommand('qa', options.quick),
          details: {
            segments,
            latencyMs: LATENCY_MS,
            msPerChar: MS_PER_CHAR,
            audioSeconds: round(audioMs / 1000, 1),
            checkMsPerSegment: round(checkMs / segments, 1),
            synthesisMsPerSegment: round(synthesisMs / segments, 1),
            checkMsPerAudioSecond: round(checkMs / (audioMs / 1000), 2),
          },
        }),
      ];
    } finally {
      await simulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

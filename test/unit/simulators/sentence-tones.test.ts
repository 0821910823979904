import { describe, expect, it } from 'vitest';
import { taskAudio } from '../../simulators/ai302/audio.ts';
import { sentenceToneSpeech } from '../../simulators/cosyvoice/sentence-tone.ts';
import { takeSentences } from '../../simulators/cosyvoice/sentences.ts';
import type { Utterance } from '../../simulators/cosyvoice/utterance.ts';
import { generateSenseAudioAudio } from '../../simulators/senseaudio/audio.ts';
import { LEAD_MS, sentenceTimeline, simSentences, TAIL_MS } from '../../simulators/shared/sentence-tones.ts';
import { ffmpegDecodeSamples, withTempFile } from '../../support/ffmpeg.ts';

const TEXT = 'The harbour light, keeper of the night, burns on. 灯塔亮了，海风很大。Is the tide in? 船到了！ The last one.';
const MS_PER_CHAR = 8;
/** Quiet at least this long before a burst marks a sentence start (comma pauses are 150 ms, sentence gaps 300–600). */
const SENTENCE_QUIET_MS = 250;

/** Where bursts start after a sentence's worth of quiet (or at the first sound), ms into mono samples. */
function burstStartsMs(samples: Int16Array, sampleRate: number): number[] {
  const starts: number[] = [];
  let quietSince = 0;
  let sounding = false;
  for (let i = 0; i < samples.length; i += 1) {
    const loud = Math.abs(samples[i] ?? 0) > 200;
    if (loud && !sounding && (starts.length === 0 || i - quietSince >= (SENTENCE_QUIET_MS * sampleRate) / 1000)) {
      starts.push((i * 1000) / sampleRate);
    }
    if (loud) {
      sounding = true;
      quietSince = i;
    } else if (sounding && i - quietSince > sampleRate / 1000) {
      // A millisecond without a loud sample is quiet (a sine crosses zero every half period).
      sounding = false;
    }
  }
  return starts;
}

async function decoded(bytes: Uint8Array, extension: string, inputArgs: readonly string[] = []): Promise<Int16Array> {
  const { errors, samples } = await withTempFile(bytes, extension, (path) => ffmpegDecodeSamples(path, inputArgs, ['-ac', '1']));
  expect(errors).toBe('');
  return samples;
}

function expectStartsNear(measured: readonly number[], recorded: readonly number[]): void {
  expect(measured).toHaveLength(recorded.length);
  measured.forEach((ms, i) => expect(Math.abs(ms - (recorded[i] ?? Number.NaN)), `sentence ${i}`).toBeLessThanOrEqual(2));
}

describe('shared sentence timeline (tone "sentences")', () => {
  it('one entry per sentence by the shared rule, 120 ms lead, 300–600 ms gaps, 200 ms tail', () => {
    const timeline = sentenceTimeline(TEXT, MS_PER_CHAR);
    expect(timeline.sentences.map((s) => s.text)).toEqual(simSentences(TEXT));
    expect(simSentences(TEXT)).toHaveLength(5);
    expect(timeline.sentenceStartsMs[0]).toBe(LEAD_MS);
    const gaps = timeline.silences.filter((s) => s.durationMs >= 300);
    expect(gaps).toHaveLength(4);
    expect(gaps.every((g) => g.durationMs <= 600)).toBe(true);
    expect(timeline.silences.at(-1)).toEqual({ atMs: timeline.durationMs - TAIL_MS, durationMs: TAIL_MS });
    // Three commas inside sentences: three 150 ms pauses.
    expect(timeline.silences.filter((s) => s.durationMs === 150)).toHaveLength(3);
  });
});

describe('simulator audio in tone "sentences": bursts start where the simulator records', () => {
  it('SenseAudio / SenseNova generator, mp3 with Info frame (decoded gaplessly) and pcm', async () => {
    for (const format of ['mp3', 'pcm'] as const) {
      const audio = generateSenseAudioAudio(
        TEXT,
        { format, sampleRate: 32000, channels: 1, bitrate: 128000 },
        { msPerChar: MS_PER_CHAR, mp3Tags: true, tone: 'sentences' },
      );
      expect(audio.sentenceTexts).toEqual(simSentences(TEXT));
      const samples = await decoded(audio.bytes, format, format === 'pcm' ? ['-f', 's16le', '-ar', '32000', '-ac', '1'] : []);
      expectStartsNear(burstStartsMs(samples, 32000), audio.sentenceStartsMs ?? []);
    }
  });

  it('302.AI result file (wav, 24 kHz)', async () => {
    const audio = taskAudio(`[SPEAKER0]${TEXT}`, MS_PER_CHAR, 'wav', 'sentences');
    expect(audio.sentenceTexts).toEqual(simSentences(TEXT));
    expectStartsNear(burstStartsMs(await decoded(audio.bytes, 'wav'), 24000), audio.sentenceStartsMs ?? []);
  });

  it('CosyVoice, spoken utterance by utterance with an SSML pause: audio, recorded starts and word times agree', async () => {
    const { sentences } = takeSentences(`${TEXT} `);
    const utterances: Utterance[] = sentences.map((text) => ({ text, pieces: [{ kind: 'speech', text }] }));
    // A pause inside the second utterance, as an SSML <break> makes.
    const second = utterances[1];
    if (second) second.pieces = [{ kind: 'pause', ms: 400 }, ...second.pieces];
    const parts: Uint8Array[] = [];
    const starts: number[] = [];
    let atMs = 0;
    for (const [index, utterance] of utterances.entries()) {
      const speech = sentenceToneSpeech(utterance, MS_PER_CHAR, index === 0, atMs);
      parts.push(speech.audio('pcm', 22050, index === 0));
      starts.push(...speech.sentences.map((s) => Math.round(s.startMs)));
      for (const sentence of speech.sentences) {
        const first = speech.words.find((w) => Math.abs(w.begin_time - sentence.startMs) <= 1);
        expect(first, `a word starts with "${sentence.text}"`).toBeDefined();
        expect([...utterance.text].slice(first?.begin_index, first?.end_index).join('')).toBe(first?.text);
      }
      atMs += speech.durationMs;
    }
    expect(starts).toHaveLength(simSentences(TEXT).length);
    const samples = await decoded(Buffer.concat(parts), 'pcm', ['-f', 's16le', '-ar', '22050', '-ac', '1']);
    expectStartsNear(burstStartsMs(samples, 22050), starts);
  });
});

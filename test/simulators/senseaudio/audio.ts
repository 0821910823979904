import { synthAudio, type SynthAudioOptions } from '../../support/audio-synth.ts';
import { encodeFlacVerbatim } from '../shared/flac-verbatim.ts';
import { firstMp3AudioFrame } from '../shared/mp3-frame-info.ts';
import { fnv1a } from '../../support/seeded-random.ts';
import { sentenceTimeline, simSentences as sharedSimSentences } from '../shared/sentence-tones.ts';
import { encodeSamples, samplesOf } from '../shared/encode-samples.ts';
import { applyBadTake, otherTextOf, type BadTake } from '../shared/take-faults.ts';

export interface SimAudioSetting {
  format: 'mp3' | 'wav' | 'pcm' | 'flac';
  sampleRate: number;
  channels: 1 | 2;
  /** Requested mp3 bitrate in bits/s. */
  bitrate: number;
}

export interface SimAudioOptions {
  /** Milliseconds of speech per spoken character. */
  msPerChar: number;
  /** mp3: wrap like real providers do (ID3v2 tag + LAME Info frame), so stitchers must strip them. */
  mp3Tags: boolean;
  /** What the speech sounds like (see SimTone); default 'per-text'. */
  tone?: SimTone;
}

/**
 * The audio's content, which the provider documents do not describe (they promise speech):
 * - `per-text`: a tone whose pitch comes from a hash of the text, faded in and out, so
 *   neighbouring segments are told apart;
 * - `continuous`: one pitch for every answer (≈440 Hz, a whole number of samples a period),
 *   full level from the first sample to the last, each answer a whole number of periods: the
 *   answers joined back to back are one unbroken tone, so any hole a join leaves is measurable.
 *   Lengths round up to the next whole period (under 2.3 ms); `<break>` pauses stay silent.
 * - `sentences`: known sentence boundaries for the timing tests (issue 13 item 4), by the rule
 *   and timeline all simulators share (../shared/sentence-tones.ts): one burst per sentence,
 *   150 ms of quiet after each comma, 300–600 ms between sentences, 120 ms before the first and
 *   200 ms after the last; the start of every sentence is recorded (`sentenceStartsMs`).
 *   `<break>` pauses are not heard in this tone: the timeline's own gaps stand for them.
 */
export type SimTone = 'per-text' | 'continuous' | 'sentences';

export const SIM_TONES: readonly SimTone[] = ['per-text', 'continuous', 'sentences'];

const CONTINUOUS_TONE_HZ = 440;

export interface SimAudio {
  bytes: Uint8Array;
  durationMs: number;
  /** The mp3 bitrate actually encoded (see `encodeMp3`); the requested one for other formats. */
  bitrate: number;
  /** tone `sentences`: where each sentence's burst starts, ms into the audio. */
  sentenceStartsMs?: number[];
  /** tone `sentences`: the sentences those starts are of (simSentences of the text). */
  sentenceTexts?: string[];
}

const BREAK_TAG = /<break\b[^<>]*?\btime\s*=\s*["']?(\d+(?:\.\d+)?)\s*(ms|s)?["']?[^<>]*>/giu;
const ANY_BREAK_TAG = /<break\b[^<>]*>/giu;
const HAN = /\p{Script=Han}/u;
const DOCUMENTED_BITRATES = [32000, 64000, 128000, 256000];

/** Text without pause tags: what is read aloud and billed. */
export function spokenText(text: string): string {
  return text.replace(ANY_BREAK_TAG, '');
}

/** The pause of each `<break time=…>` in the text, in milliseconds (seed 001: the unit is ms; `s` read too). */
export function pauseTagsMs(text: string): number[] {
  return [...text.matchAll(BREAK_TAG)].map((match) => {
    const amount = Number(match[1]);
    return match[2]?.toLowerCase() === 's' ? amount * 1000 : amount;
  });
}

/** Speech length: msPerChar per spoken code point plus every `<break time=…>` pause. */
export function speechDurationMs(text: string, msPerChar: number): number {
  return speechTimeline(text, msPerChar).durationMs;
}

/**
 * Where the speech is silent: each `<break time=N>` is N ms of silence at its place in the text,
 * as the document says the tag pauses the speech there.
 */
export function speechTimeline(text: string, msPerChar: number): { durationMs: number; silences: { atMs: number; durationMs: number }[] } {
  const silences: { atMs: number; durationMs: number }[] = [];
  let atMs = 0;
  let from = 0;
  for (const match of text.matchAll(BREAK_TAG)) {
    atMs += [...spokenText(text.slice(from, match.index))].length * msPerChar;
    const [ms = 0] = pauseTagsMs(match[0]);
    silences.push({ atMs: Math.round(atMs), durationMs: ms });
    atMs += ms;
    from = match.index + match[0].length;
  }
  atMs += [...spokenText(text.slice(from))].length * msPerChar;
  return { durationMs: Math.max(1, Math.round(atMs)), silences };
}

/** SenseAudio bills a Chinese character as 2, anything else as 1 (docs/providers/senseaudio.md). */
export function usageCharacters(text: string): number {
  let count = 0;
  for (const char of spokenText(text)) count += HAN.test(char) ? 2 : 1;
  return count;
}

/** Han characters count one word each, runs of other letters or digits one word. */
export function wordCount(text: string): number {
  const spoken = spokenText(text);
  const han = spoken.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = spoken.replace(/\p{Script=Han}/gu, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return han + words;
}

/**
 * Real, decodable audio for a text: a tone (`options.tone`, see SimTone: by default its pitch
 * comes from a hash of the text, so neighbouring segments differ) whose length follows the text.
 */
export function generateSenseAudioAudio(text: string, setting: SimAudioSetting, options: SimAudioOptions): SimAudio {
  const plan = tonePlan(text, setting, options);
  const audio = encodeTone(plan, setting, options);
  return plan.sentenceStartsMs === undefined
    ? audio
    : { ...audio, sentenceStartsMs: plan.sentenceStartsMs, sentenceTexts: plan.sentenceTexts ?? [] };
}

/** A bad take's audio (../shared/take-faults.ts) and, for `otherText`, the text it speaks. */
export interface BadTakeAudio extends SimAudio {
  spokenInstead?: string;
}

/**
 * A bad take of the text: the tone generateSenseAudioAudio would make, as mono samples, spoiled
 * by `take`, then encoded as the request asked (mp3 wrapped as `options.mp3Tags` says, at the
 * bitrate generateSenseAudioAudio would pick). `durationMs` is the audio's real length; no
 * sentence starts (the tone's timeline no longer holds).
 */
export function generateSenseAudioBadTake(text: string, setting: SimAudioSetting, options: SimAudioOptions, take: BadTake): BadTakeAudio {
  const other = otherTextOf(take, text);
  const monoOf = (spoken: string): Int16Array => samplesOf(synthAudio('pcm', { ...tonePlan(spoken, setting, options).base, channels: 1 }));
  const samples = applyBadTake(take, monoOf(text), setting.sampleRate, other === undefined ? undefined : () => monoOf(other));
  const durationMs = Math.round((samples.length * 1000) / setting.sampleRate);
  const encoding = { format: setting.format, sampleRate: setting.sampleRate, channels: setting.channels } as const;
  const spokenInstead = other === undefined ? {} : { spokenInstead: other };
  if (setting.format !== 'mp3') return { bytes: encodeSamples(samples, encoding), durationMs, bitrate: setting.bitrate, ...spokenInstead };
  const tags = { id3: options.mp3Tags, xing: options.mp3Tags };
  const mp3 = keepingRate(setting, (bitrate) => encodeSamples(samples, { ...encoding, ...tags, bitrate }));
  return { ...mp3, durationMs, ...spokenInstead };
}

/** The SenseAudio simulator's sentences of a text: the shared rule over what is spoken (pause tags removed). */
export function simSentences(text: string): string[] {
  return sharedSimSentences(spokenText(text));
}

/** What synthAudio is asked for a text, and the truths of the `sentences` tone. */
interface TonePlan {
  base: Omit<SynthAudioOptions, 'bitrate' | 'id3' | 'xing' | 'id3v1'>;
  durationMs: number;
  sentenceStartsMs?: number[];
  sentenceTexts?: string[];
}

function tonePlan(text: string, setting: SimAudioSetting, options: SimAudioOptions): TonePlan {
  if (options.tone === 'sentences') {
    const known = sentenceTimeline(spokenText(text), options.msPerChar);
    return {
      ...timelineBase(text, setting, known, null),
      sentenceStartsMs: known.sentenceStartsMs,
      sentenceTexts: known.sentences.map((s) => s.text),
    };
  }
  const timeline = speechTimeline(text, options.msPerChar);
  const shape = options.tone === 'continuous' ? continuousTone(timeline.durationMs, setting.sampleRate) : null;
  return timelineBase(text, setting, timeline, shape);
}

function timelineBase(
  text: string,
  setting: SimAudioSetting,
  timeline: { durationMs: number; silences: { atMs: number; durationMs: number }[] },
  shape: ReturnType<typeof continuousTone> | null,
): TonePlan {
  const { silences } = timeline;
  return {
    durationMs: shape === null ? timeline.durationMs : Math.round(shape.durationMs),
    base: {
      durationMs: shape?.durationMs ?? timeline.durationMs,
      ...(silences.length > 0 ? { silences } : {}),
      sampleRate: setting.sampleRate,
      channels: setting.channels,
      frequencyHz: shape?.frequencyHz ?? 180 + (fnv1a(text) % 520),
      ...(shape === null ? {} : { fadeEnds: false }),
    },
  };
}

function encodeTone(plan: TonePlan, setting: SimAudioSetting, options: SimAudioOptions): SimAudio {
  const { base, durationMs } = plan;
  switch (setting.format) {
    case 'mp3':
      return { ...encodeMp3(base, setting, options), durationMs };
    case 'wav':
    case 'pcm':
      return { bytes: synthAudio(setting.format, base), durationMs, bitrate: setting.bitrate };
    case 'flac':
      return {
        bytes: encodeFlacVerbatim(synthAudio('pcm', base), setting.sampleRate, setting.channels),
        durationMs,
        bitrate: setting.bitrate,
      };
  }
}

/**
 * The continuous tone's pitch and length at this rate: a period of exactly `period` samples
 * (the rate over it is the pitch), and the length rounded up to whole periods, so every answer
 * ends where the next one's sine starts (phase 0).
 */
function continuousTone(durationMs: number, sampleRate: number): { frequencyHz: number; durationMs: number } {
  const period = Math.round(sampleRate / CONTINUOUS_TONE_HZ);
  const samples = Math.ceil(Math.round((durationMs * sampleRate) / 1000) / period) * period;
  return { frequencyHz: sampleRate / period, durationMs: (samples * 1000) / sampleRate };
}

/**
 * lamejs quietly resamples when the bitrate is low for the rate (32 kbps at 44.1 kHz comes out
 * at 22.05 kHz) and caps MPEG-2 rates at 160 kbps. A real provider honours the sample rate, so
 * we keep the rate and raise the bitrate to the next documented one that preserves it.
 */
function encodeMp3(
  base: Omit<SynthAudioOptions, 'bitrate' | 'id3' | 'xing' | 'id3v1'>,
  setting: SimAudioSetting,
  options: SimAudioOptions,
): { bytes: Uint8Array; bitrate: number } {
  return keepingRate(setting, (bitrate) => synthAudio('mp3', { ...base, bitrate, id3: options.mp3Tags, xing: options.mp3Tags }));
}

/** The first of the requested and the higher documented bitrates whose mp3 keeps the sample rate. */
function keepingRate(setting: SimAudioSetting, encode: (bitrate: number) => Uint8Array): { bytes: Uint8Array; bitrate: number } {
  const candidates = [setting.bitrate, ...DOCUMENTED_BITRATES.filter((bitrate) => bitrate > setting.bitrate)];
  let fallback: { bytes: Uint8Array; bitrate: number } | undefined;
  for (const bitrate of candidates) {
    const bytes = encode(bitrate);
    const frame = firstMp3AudioFrame(bytes);
    const result = { bytes, bitrate: frame?.bitrate ?? bitrate };
    if (frame?.sampleRate === setting.sampleRate) return result;
    fallback ??= result;
  }
  if (fallback === undefined) throw new Error('no bitrate candidates');
  return fallback;
}

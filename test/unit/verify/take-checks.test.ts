import { describe, expect, it } from 'vitest';
import { DEFAULT_QA_THRESHOLDS } from '../../../src/verify/qa-thresholds.ts';
import { addRate, EMPTY_RATE, type RateStats } from '../../../src/verify/speaking-rate.ts';
import { judgeTake, type CheckName } from '../../../src/verify/take-checks.ts';
import { createSignalMeter, type TakeSignal } from '../../../src/verify/take-signal.ts';
import { textExpectation } from '../../../src/verify/text-expectation.ts';

const RATE = 16_000;

/** Speech-like s16le: a 220 Hz tone whose level swells and falls 4 times a second, faded at both ends. */
function speech(ms: number, level = 0.4): Int16Array {
  const n = Math.round((RATE * ms) / 1000);
  const out = new Int16Array(n);
  const fade = Math.round(RATE * 0.03);
  for (let i = 0; i < n; i += 1) {
    const t = i / RATE;
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    const edge = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = Math.round(32_767 * level * envelope * edge * Math.sin(2 * Math.PI * 220 * t));
  }
  return out;
}

function silence(ms: number): Int16Array {
  return new Int16Array(Math.round((RATE * ms) / 1000));
}

function join(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Measures samples fed in uneven chunks (odd byte counts too), as ffmpeg's pipe hands them. */
function measure(samples: Int16Array, channels: 1 | 2 = 1): TakeSignal {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const meter = createSignalMeter({ sampleRate: RATE, channels, silenceDb: DEFAULT_QA_THRESHOLDS.silenceDb });
  for (let at = 0, step = 1; at < bytes.length; at += step, step = (step * 7 + 3) % 4093) meter.push(bytes.subarray(at, at + step));
  return meter.end();
}

// 60 ms per unit: 100 units (the text below) are 6 s of speech.
const TEXT = 'The quick brown fox jumps over the lazy dog, and then it runs far away into the green hills!!';
const expectation = textExpectation(TEXT);
const MS_PER_UNIT = 60;
const GOOD = join(silence(150), speech(expectation.units * MS_PER_UNIT), silence(250));

/** A rate learned from 20 accepted takes around 60 ms per unit (±5 %). */
function learned(): RateStats {
  let stats = EMPTY_RATE;
  for (let i = 0; i < 20; i += 1) stats = addRate(stats, MS_PER_UNIT * (1 + ((i % 5) - 2) * 0.025));
  return stats;
}

function failed(samples: Int16Array, rate: RateStats = learned(), text = expectation): CheckName[] {
  return judgeTake(measure(samples), text, rate, DEFAULT_QA_THRESHOLDS)
    .checks.filter((check) => !check.passed)
    .map((check) => check.check);
}

describe('signal meter', () => {
  it('measures edges, inner silence and speech of a known signal, whatever the chunking', () => {
    const signal = measure(join(silence(300), speech(1000), silence(800), speech(500), silence(400)));
    expect(signal.durationMs).toBe(3000);
    expect(signal.leadingSilenceMs).toBeGreaterThanOrEqual(290);
    expect(signal.leadingSilenceMs).toBeLessThanOrEqual(320);
    expect(signal.trailingSilenceMs).toBeGreaterThanOrEqual(390);
    expect(signal.trailingSilenceMs).toBeLessThanOrEqual(420);
    expect(signal.longestInnerSilenceMs).toBeGreaterThanOrEqual(790);
    expect(signal.longestInnerSilenceMs).toBeLessThanOrEqual(840);
    expect(signal.clippedShare).toBe(0);
    expect(Math.abs(signal.dcOffset)).toBeLessThan(0.001);
  });

  it('counts flattened runs at full scale as clipping, not a full-level sine touching its peak', () => {
    const sine = new Int16Array(RATE).map((_, i) => Math.round(32_767 * Math.sin((2 * Math.PI * 440 * i) / RATE)));
    expect(measure(sine).clippedShare).toBe(0);
    const clipped = sine.map((value) => Math.max(-32_768, Math.min(32_767, value * 3)));
    expect(measure(clipped).clippedShare).toBeGreaterThan(0.3);
  });

  it('mixes stereo frames for the level and counts clipping per sample', () => {
    const mono = speech(1000);
    const stereo = new Int16Array(mono.length * 2);
    mono.forEach((value, i) => {
      stereo[2 * i] = value;
      stereo[2 * i + 1] = value;
    });
    const signal = measure(stereo, 2);
    expect(signal.durationMs).toBe(1000);
    expect(signal.speechMs).toBeGreaterThan(900);
  });
});

describe('take checks', () => {
  it('passes a good take, with a learned rate and without one', () => {
    expect(failed(GOOD)).toEqual([]);
    expect(failed(GOOD, EMPTY_RATE)).toEqual([]);
  });

  it('catches each bad take by the check meant for it', () => {
    const speechPart = speech(expectation.units * MS_PER_UNIT);
    // Truncated mid-sound: stops at full level, and too short for the text.
    const truncated = join(silence(150), speechPart.subarray(0, Math.round(speechPart.length * 0.5) + 37));
    expect(failed(truncated)).toEqual(expect.arrayContaining(['cutEnding', 'duration']));
    expect(failed(silence(6400))).toEqual(expect.arrayContaining(['silent']));
    expect(failed(join(silence(3150), speechPart, silence(250)))).toEqual(['leadingSilence']);
    expect(failed(join(silence(150), speechPart, silence(3250)))).toEqual(['trailingSilence']);
    const half = Math.round(speechPart.length / 2);
    expect(failed(join(silence(150), speechPart.subarray(0, half), silence(3000), speechPart.subarray(half), silence(250)))).toEqual(
      expect.arrayContaining(['innerSilence']),
    );
    expect(failed(join(silence(150), speechPart, speechPart, silence(250)))).toEqual(['duration']);
    const loud = GOOD.map((value) => Math.max(-32_768, Math.min(32_767, value * 8)));
    expect(failed(loud)).toEqual(['clipping']);
    const offset = GOOD.map((value) => Math.min(32_767, value + 4000));
    expect(failed(offset)).toEqual(expect.arrayContaining(['dcOffset']));
  });

  it('allows the silence a pause tag asks for', () => {
    const text = textExpectation('Before the pause, some words.<break time=3000>After it, more words here.');
    expect(text.longestPauseMs).toBe(3000);
    const part = speech(1200);
    const take = join(silence(150), part, silence(3100), part, silence(250));
    const verdict = judgeTake(measure(take), text, EMPTY_RATE, DEFAULT_QA_THRESHOLDS);
    expect(verdict.checks.find((check) => check.check === 'innerSilence')).toMatchObject({ passed: true, max: 5500 });
  });

  it('judges the duration only once the voice has a learned rate, and only a runaway take before', () => {
    const speechPart = speech(expectation.units * MS_PER_UNIT);
    const doubled = join(silence(150), speechPart, speechPart, silence(250));
    expect(failed(doubled, EMPTY_RATE)).toEqual([]);
    const runaway = join(silence(150), ...Array.from({ length: 10 }, () => speechPart), silence(250));
    expect(failed(runaway, EMPTY_RATE)).toEqual(['duration']);
  });

  it('scores a take by the checks it passes, the best take highest', () => {
    const rate = learned();
    const good = judgeTake(measure(GOOD), expectation, rate, DEFAULT_QA_THRESHOLDS);
    const speechPart = speech(expectation.units * MS_PER_UNIT);
    const doubled = judgeTake(measure(join(silence(150), speechPart, speechPart, silence(250))), expectation, rate, DEFAULT_QA_THRESHOLDS);
    const silent = judgeTake(measure(silence(6400)), expectation, rate, DEFAULT_QA_THRESHOLDS);
    expect(good.passed).toBe(true);
    expect(good.score).toBeGreaterThan(doubled.score);
    expect(doubled.score).toBeGreaterThan(silent.score);
    expect(good.msPerUnit).toBeGreaterThan(MS_PER_UNIT * 0.95);
    expect(good.msPerUnit).toBeLessThan(MS_PER_UNIT * 1.05);
  });
});

describe('text expectation', () => {
  it('counts spoken code points, pauses and the script', () => {
    expect(textExpectation('<break time=500>Hi there.<break time="1s"/>')).toEqual({
      units: 8,
      script: 'other',
      cjkUnits: 0,
      pausesMs: 1500,
      longestPauseMs: 1000,
      leadingPauseMs: 500,
      trailingPauseMs: 1000,
    });
    expect(textExpectation('<speak>你好，世界。Hi</speak>')).toMatchObject({ units: 8, script: 'cjk', cjkUnits: 4 });
  });
});

describe('a text of two scripts', () => {
  // One Han sentence in English: espeak's en-us spells each Han character out (~0.9 s each).
  const MIXED = `${TEXT} 她把旧地图摊在桌上，用铅笔圈出了三个地方。`;
  const mixed = textExpectation(MIXED);
  const spelledOut = join(silence(150), speech((mixed.units - mixed.cjkUnits) * MS_PER_UNIT + mixed.cjkUnits * 900), silence(250));

  it('is held to the cold bound only, whatever the voice has learned, and teaches it nothing', () => {
    const verdict = judgeTake(measure(spelledOut), mixed, learned(), DEFAULT_QA_THRESHOLDS);
    const duration = verdict.checks.find((check) => check.check === 'duration');
    // The cold bound: a ceiling in ms, not a ratio to the learned rate.
    expect(duration?.min).toBeUndefined();
    expect(duration?.max).toBeGreaterThan(duration?.value ?? Infinity);
    expect(verdict.passed).toBe(true);
    expect(verdict.msPerUnit).toBeNull();
  });

  it('still fails a runaway take (far past the cold bound)', () => {
    const runaway = join(spelledOut, spelledOut, spelledOut, spelledOut, spelledOut);
    expect(failed(runaway, learned(), mixed)).toContain('duration');
  });
});

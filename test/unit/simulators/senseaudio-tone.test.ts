import { describe, expect, it } from 'vitest';
import { generateSenseAudioAudio } from '../../simulators/senseaudio/audio.ts';

function samplesOf(pcm: Uint8Array): Int16Array {
  const copy = pcm.slice();
  return new Int16Array(copy.buffer, 0, copy.length >> 1);
}

const PCM_32K = { format: 'pcm', sampleRate: 32000, channels: 1, bitrate: 128000 } as const;

describe('SenseAudio simulator tone', () => {
  it('continuous: answers of whole periods at full level, joined back to back one unbroken sine', () => {
    const options = { msPerChar: 7, mp3Tags: true, tone: 'continuous' } as const;
    const first = generateSenseAudioAudio('One sentence here.', PCM_32K, options);
    const second = generateSenseAudioAudio('And quite another, of another length.', PCM_32K, options);
    const a = samplesOf(first.bytes);
    const b = samplesOf(second.bytes);
    // 32 kHz / 73 samples a period = 438.4 Hz; 18 characters × 7 ms = 126 ms → 4032 samples → 56 periods.
    expect(a.length).toBe(56 * 73);
    expect(b.length % 73).toBe(0);
    expect(first.durationMs).toBe(Math.round((a.length * 1000) / 32000));
    const joined = new Int16Array(a.length + b.length);
    joined.set(a, 0);
    joined.set(b, a.length);
    const amplitude = 0.3 * 32767; // audio-synth's level
    // Every sample is the one sine: no fade at either end of either answer, no phase jump at the join.
    const step = (2 * Math.PI) / 73;
    const worst = joined.reduce((most, sample, i) => Math.max(most, Math.abs(sample - Math.round(Math.sin(step * i) * amplitude))), 0);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('per-text (the default): each text its own pitch, faded to silence at both ends', () => {
    const options = { msPerChar: 7, mp3Tags: true } as const;
    const a = samplesOf(generateSenseAudioAudio('One sentence here.', PCM_32K, options).bytes);
    expect(a.length).toBe(4032 * 1);
    expect([a[0], a.at(-1)]).toEqual([0, 0]);
    expect(Math.abs(a[10] ?? 0)).toBeLessThan(Math.max(...a.map(Math.abs)) / 10);
  });
});

import { describe, expect, it } from 'vitest';
import { parseMeasurements } from '../../../src/master/parse-measurements.ts';
import { gainFor } from '../../../src/master/master-book.ts';
import { masteringFilter } from '../../../src/master/mastering-filter.ts';
import { getProfile, profileFor, PROFILES } from '../../../src/master/profiles.ts';

/** ffmpeg 5.1's own words (trimmed from a real run on espeak speech). */
const STDERR = `[silencedetect @ 0x1] silence_start: 0
[silencedetect @ 0x1] silence_end: 0.750023 | silence_duration: 0.750023
[Parsed_ebur128_0 @ 0x2] Summary:

  Integrated loudness:
    I:         -19.8 LUFS
    Threshold: -30.0 LUFS

  Loudness range:
    LRA:         2.5 LU
    Threshold: -40.1 LUFS
    LRA low:   -21.0 LUFS
    LRA high:  -18.5 LUFS

  True peak:
    Peak:       -4.2 dBFS
[Parsed_astats_1 @ 0x3] Overall
[Parsed_astats_1 @ 0x3] DC offset: 0.000040
[Parsed_astats_1 @ 0x3] Peak level dB: -4.436001
[Parsed_astats_1 @ 0x3] RMS level dB: -21.040902
[Parsed_astats_1 @ 0x3] Noise floor dB: -72.246139
[Parsed_astats_1 @ 0x3] Number of samples: 975574
[silencedetect @ 0x1] silence_start: 19.7713
[silencedetect @ 0x1] silence_end: 22.1218 | silence_duration: 2.35052
`;

describe('parseMeasurements', () => {
  it('reads the ebur128 summary, the astats overall block and the silences', () => {
    expect(parseMeasurements(STDERR)).toEqual({
      loudness: { integratedLufs: -19.8, lraLu: 2.5, truePeakDbtp: -4.2, rmsDb: -21.040902, noiseFloorDb: -72.246139 },
      samples: 975_574,
      silences: [
        { startMs: 0, endMs: 750.023 },
        { startMs: 19_771.3, endMs: 22_121.8 },
      ],
    });
  });

  it('gives null for -inf (digital silence), since JSON has no -Infinity', () => {
    const silent = STDERR.replace('-4.2 dBFS', '-inf dBFS').replace('Noise floor dB: -72.246139', 'Noise floor dB: -inf');
    const { loudness } = parseMeasurements(silent);
    expect(loudness.truePeakDbtp).toBeNull();
    expect(loudness.noiseFloorDb).toBeNull();
  });

  it('refuses output without a summary instead of inventing figures', () => {
    expect(() => parseMeasurements('Conversion failed!')).toThrow(/no ebur128 summary/);
  });
});

describe('profiles and gain', () => {
  it('podcast aims at −16 LUFS stereo and −19 LUFS mono, and checks the same figure', () => {
    const mono = profileFor(PROFILES.podcast, 1);
    expect(mono.target).toEqual({ kind: 'integrated', lufs: -19 });
    expect(mono.rules.integrated).toEqual({ lufs: -19, toleranceLu: 1 });
    expect(profileFor(PROFILES.podcast, 2).target).toEqual({ kind: 'integrated', lufs: -16 });
  });

  it('gain brings the measured level to the target (integrated or RMS), 0 for silence, clamped to ±30 dB', () => {
    const measured = { integratedLufs: -21.3, lraLu: 3, truePeakDbtp: -1.2, rmsDb: -22.5, noiseFloorDb: null };
    expect(gainFor(PROFILES.audiobook, measured)).toBeCloseTo(3.3, 9);
    expect(gainFor(PROFILES.acx, measured)).toBeCloseTo(2.5, 9);
    expect(gainFor(PROFILES.audiobook, { ...measured, integratedLufs: null })).toBe(0);
    expect(gainFor(PROFILES.audiobook, { ...measured, integratedLufs: -90 })).toBe(30);
    expect(() => getProfile('loud')).toThrow(/^profile: must be one of audiobook, acx, podcast, raw/);
  });

  it('the mastering filter limits with delay compensation and auto-level off, and pins the length', () => {
    const filter = masteringFilter({ gainDb: 2.5, ceilingDb: -4, roomToneDb: -64, sampleRate: 44_100, channels: 1, totalSamples: 12_345 });
    expect(filter).toContain('volume=2.500dB');
    expect(filter).toMatch(/alimiter=limit=0\.630957:level=0:latency=1/);
    expect(filter).toContain('anoisesrc=r=44100:a=0.000631:c=pink');
    expect(filter).toContain('amix=inputs=2:duration=first:normalize=0');
    expect(filter).toContain('atrim=end_sample=12345,apad=whole_len=12345');
  });
});

import { z } from 'zod';
import type { AudioSettings } from '../../audio/audio-settings.ts';
import type { VoiceSettings } from '../voice-settings.ts';

/** espeak-ng writes wav; ffmpeg turns it into any of these, which the stitcher joins. */
export const ESPEAK_FORMATS = ['mp3', 'wav', 'pcm'] as const;
/** espeak-ng speaks at 22,050 Hz; ffmpeg resamples to the others. */
export const ESPEAK_SAMPLE_RATES = [16000, 22050, 24000, 32000, 44100, 48000] as const;
/**
 * mp3 bitrates (bits/s) that both MPEG-1 (32–48 kHz) and MPEG-2 (16–24 kHz) layer III have,
 * plus 192 kbit/s. At 16–24 kHz MPEG-2 stops at 160 kbit/s, and lame encodes 192000 as 160000
 * there; speech needs far less anyway.
 */
export const ESPEAK_BITRATES = [32000, 40000, 48000, 56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000] as const;
export const ESPEAK_CHANNELS = [1, 2] as const;

/**
 * espeak's own output: 16-bit WAV, mono 22,050 Hz, so nothing is resampled or encoded twice.
 * The book is encoded once, by the mastering; nothing crosses a network, so the bigger segments
 * cost only local disk (about 2.6 MB a minute), and WAV segments are joined without an ffmpeg
 * process each.
 */
// bitrate: what an mp3 segment (--segment-format mp3) is asked at; a WAV segment has none.
export const ESPEAK_DEFAULT_AUDIO: AudioSettings = { format: 'wav', sampleRate: 22050, channels: 1, bitrate: 64000 };

/** espeak-ng's defaults for `-s` (words per minute), `-p` (0–99) and `-a` (0–200). */
export const ESPEAK_DEFAULT_WPM = 175;
export const ESPEAK_DEFAULT_PITCH = 50;
export const ESPEAK_DEFAULT_AMPLITUDE = 100;
/** One step of the generic pitch (−12…12, as on SenseAudio) moves espeak's 0–99 pitch by this. */
export const ESPEAK_PITCH_PER_STEP = 4;

/**
 * The generic settings, in the ranges other providers use, mapped onto espeak's flags by
 * `espeakArguments`: `speed` 0.5–2 times 175 words/min; `vol` (0, 2] times amplitude 100;
 * `pitch` −12…12, 0 being espeak's default 50 and ±12 its extremes (2 and 98). Strict: a
 * setting espeak lacks (blend, refAudio, …) is refused by name.
 */
const voiceSettingsShape = z.strictObject({
  speed: z.number().min(0.5).max(2).optional(),
  vol: z.number().gt(0).max(2).optional(),
  pitch: z.number().min(-12).max(12).optional(),
});

export type EspeakVoiceSettings = z.infer<typeof voiceSettingsShape>;

/** Validated voice settings, with absent keys left out (never present-but-undefined). */
export const espeakVoiceSettingsSchema: z.ZodType<VoiceSettings> = voiceSettingsShape.transform(
  (settings) => Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Record<string, number>,
);

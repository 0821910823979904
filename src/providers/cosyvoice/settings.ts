import { z } from 'zod';
import type { AudioSettings } from '../../audio/audio-settings.ts';
import type { VoiceSettings } from '../voice-settings.ts';

/**
 * Containers we ask CosyVoice for. It also returns opus (the only format that takes a
 * bit_rate), which the stitcher cannot join.
 */
export const COSYVOICE_FORMATS = ['mp3', 'wav', 'pcm'] as const;
export const COSYVOICE_SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;
/** The service speaks mono only. */
export const COSYVOICE_CHANNELS = [1] as const;
export const COSYVOICE_DEFAULT_SAMPLE_RATE = 22050;

/** The documented defaults: mp3 at 22,050 Hz; no bitrate (CosyVoice takes one for opus only). */
export const COSYVOICE_DEFAULT_AUDIO: AudioSettings = {
  format: 'mp3',
  sampleRate: COSYVOICE_DEFAULT_SAMPLE_RATE,
  channels: 1,
};

/**
 * The generic settings CosyVoice has (docs/providers/cosyvoice.md, "Messages we send"), under the
 * names the CLI uses; the client maps them to the wire: vol → volume (integer 0–100), speed → rate
 * (0.5–2), pitch → pitch (0.5–2). Strict: blend, refAudio, temperature and the like are refused by
 * name.
 */
const voiceSettingsShape = z.strictObject({
  speed: z.number().min(0.5).max(2).optional(),
  vol: z.number().int('vol must be a whole number from 0 to 100').min(0).max(100).optional(),
  pitch: z.number().min(0.5).max(2).optional(),
  /**
   * `word_timestamp_enabled` (`--set wordTimestamps=true`), off by default: per-word times in the
   * segment's meta. Not on the SDK page; the WebSocket page documents it for cosyvoice-v2 and v3
   * cloned voices and for system voices its newer voice list marks, which the SDK page's table
   * does not: a voice without them gets an empty list (docs/providers/cosyvoice.md).
   */
  wordTimestamps: z.boolean().optional(),
});

/** Validated voice settings, with absent keys left out (never present-but-undefined). */
export const cosyVoiceVoiceSettingsSchema: z.ZodType<VoiceSettings> = voiceSettingsShape.transform(
  (settings) => Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Record<string, number | boolean>,
);

/** Whether the request asks for word timestamps. */
export function wantsWordTimestamps(settings: VoiceSettings): boolean {
  return settings.wordTimestamps === true;
}

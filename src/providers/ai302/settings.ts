import { z } from 'zod';
import type { AudioSettings } from '../../audio/audio-settings.ts';
import type { VoiceSettings } from '../voice-settings.ts';

/**
 * Higgs Audio v2 speaks 24 kHz mono; whatever container 302.AI returns is converted by ffmpeg
 * (src/audio/transcode.ts), so any rate and bitrate the mp3 encoder honours is on offer. 8 kHz
 * is left out: libmp3lame quietly caps it at 64 kbps. Every bitrate listed exists at every rate
 * listed (MPEG-2 layer III tops out at 160 kbps).
 */
export const AI302_SAMPLE_RATES = [16000, 22050, 24000, 32000, 44100, 48000] as const;
export const AI302_BITRATES = [32000, 48000, 64000, 96000, 128000, 160000] as const;
export const AI302_CHANNELS = [1, 2] as const;

/** The model's own rate, one channel, and a bitrate that is plenty for one voice at 24 kHz. */
export const AI302_DEFAULT_AUDIO: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL the provider can fetch' },
);

/**
 * The generic settings this provider takes (docs/providers/ai302.md, "Settings"), strict: anything
 * else is refused.
 * - refAudio / refText: voice cloning, reference clips and their transcripts, paired in order;
 * - systemPrompt: the scene description of voice generation (not available when cloning);
 * - multiSpeaker: the text is a dialogue of `[SPEAKERn]` turns (segments end only between turns);
 * - temperature, topK, topP: the sampling knobs, with the documented ranges.
 */
const voiceSettingsShape = z
  .strictObject({
    refAudio: z.array(httpUrl).min(1).max(8).optional(),
    refText: z.array(z.string().trim().min(1, 'must not be empty')).min(1).max(8).optional(),
    systemPrompt: z.string().trim().min(1, 'must not be empty').max(4000).optional(),
    multiSpeaker: z.boolean().optional(),
    temperature: z.number().min(0).max(1.5).optional(),
    topK: z.number().int().min(-1).max(100).optional(),
    topP: z.number().min(0.1).max(1).optional(),
  })
  .superRefine((settings, context) => {
    const links = settings.refAudio?.length ?? 0;
    const texts = settings.refText?.length ?? 0;
    if (links > 0 && texts !== links) {
      context.addIssue({
        code: 'custom',
        path: ['refText'],
        message: `each refAudio clip needs its transcript, in the same order: ${links} refAudio but ${texts} refText`,
      });
    }
    if (links === 0 && texts > 0) {
      context.addIssue({ code: 'custom', path: ['refText'], message: 'refText transcribes refAudio clips; give the clips with refAudio' });
    }
    if (links > 0 && settings.systemPrompt !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['systemPrompt'],
        message: 'voice cloning (refAudio) takes no system prompt; the reference clips set the voice',
      });
    }
  });

export type Ai302VoiceSettings = z.infer<typeof voiceSettingsShape>;

/** Validated voice settings, absent keys left out (never present-but-undefined). */
export const ai302VoiceSettingsSchema: z.ZodType<VoiceSettings> = voiceSettingsShape.transform(
  (settings) => Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as VoiceSettings,
);

/** Reads settings that already passed the schema (job data is re-parsed, never trusted as typed). */
export function readAi302Settings(settings: VoiceSettings): Ai302VoiceSettings {
  return voiceSettingsShape.parse(settings);
}

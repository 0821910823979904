import { z } from 'zod';
import type { AudioSettings } from '../../audio/audio-settings.ts';
import type { VoiceSettings } from '../voice-settings.ts';
import { blendProblem } from './blend.ts';
import { SENSENOVA_LANGUAGE_SETTINGS } from './language.ts';

/** audio_setting.response_format (docs/providers/sensenova.md, "Request body"). */
export const SENSENOVA_FORMATS = ['mp3', 'wav', 'pcm'] as const;
export const SENSENOVA_SAMPLE_RATES = [8000, 16000, 22050, 24000, 32000, 44100] as const;
/** mp3 only. */
export const SENSENOVA_BITRATES = [32000, 64000, 128000, 256000] as const;
export const SENSENOVA_CHANNELS = [1, 2] as const;

/**
 * Documented sample rate and bitrate defaults; mono by our choice (the API defaults to stereo,
 * but a voice carries nothing stereo, and one channel gets all the mp3 bits).
 */
export const SENSENOVA_DEFAULT_AUDIO: AudioSettings = { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 };

/**
 * Loose here, checked in superRefine: a strict object's unknown key would be reported as an
 * unknown top-level setting, naming the key but not the blend entry it sits in.
 */
const blendEntrySchema = z.looseObject({
  voice: z.string().trim().min(1, 'a blended voice needs a name'),
  weight: z.number(),
});

/** `language`: auto, ZH or EN, in any case (`--set language=en`), kept upper-case as documented. */
const languageSchema = z.preprocess(
  (value) => (typeof value !== 'string' ? value : value.toLowerCase() === 'auto' ? 'auto' : value.toUpperCase()),
  z.enum(SENSENOVA_LANGUAGE_SETTINGS, { message: 'must be auto, ZH or EN' }),
);

/**
 * Generic settings mapped onto voice_setting (docs/providers/sensenova.md, "Request body"): speed
 * [0.5, 2], vol → volume (0, 10], pitch an integer in [-12, 12]; `blend` becomes timbre_weights;
 * `language` picks the top-level `language` (language.ts). Strict: anything else is refused. The
 * blend rules are checked here, before anything is enqueued.
 */
export const senseNovaVoiceSettingsShape = z
  .strictObject({
    speed: z.number().min(0.5).max(2).optional(),
    vol: z.number().gt(0).max(10).optional(),
    pitch: z.number().int().min(-12).max(12).optional(),
    blend: z.array(blendEntrySchema).optional(),
    language: languageSchema.optional(),
  })
  .superRefine((settings, context) => {
    for (const [index, entry] of (settings.blend ?? []).entries()) {
      const extra = Object.keys(entry).filter((key) => key !== 'voice' && key !== 'weight');
      if (extra.length > 0) {
        context.addIssue({
          code: 'custom',
          path: ['blend', index],
          message: `unknown key ${extra.join(', ')}; a blend entry is {voice, weight}`,
        });
        return;
      }
    }
    const problem = settings.blend === undefined ? undefined : blendProblem(settings.blend);
    if (problem !== undefined) context.addIssue({ code: 'custom', path: ['blend'], message: problem });
  });

export type SenseNovaVoiceSettings = z.infer<typeof senseNovaVoiceSettingsShape>;

/**
 * Validated settings with absent keys left out, an empty blend dropped (it means one voice), and
 * `language` always present ('auto' by default). It is part of every segment's cache key that
 * way: audio cached before the language was sent (English spoken under ZH) is never reused.
 */
export const senseNovaVoiceSettingsSchema: z.ZodType<VoiceSettings> = senseNovaVoiceSettingsShape.transform((settings) => {
  const out: Record<string, number | string | { voice: string; weight: number }[]> = {};
  if (settings.speed !== undefined) out.speed = settings.speed;
  if (settings.vol !== undefined) out.vol = settings.vol;
  if (settings.pitch !== undefined) out.pitch = settings.pitch;
  if (settings.blend !== undefined && settings.blend.length > 0) out.blend = settings.blend.map(({ voice, weight }) => ({ voice, weight }));
  out.language = settings.language ?? 'auto';
  return out;
});

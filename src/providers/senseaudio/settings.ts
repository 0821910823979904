import type { VoiceSettings } from '../voice-settings.ts';
import { z } from 'zod';
import type { AudioSettings } from '../../audio/audio-settings.ts';

/** Containers SenseAudio returns (audio_setting.format: docs/providers/senseaudio.md, "Request body"). */
export const SENSEAUDIO_FORMATS = ['mp3', 'wav', 'pcm', 'flac'] as const;
export const SENSEAUDIO_SAMPLE_RATES = [8000, 16000, 22050, 24000, 32000, 44100] as const;
/** mp3 only; the API ignores bitrate for the other formats. */
export const SENSEAUDIO_BITRATES = [32000, 64000, 128000, 256000] as const;
export const SENSEAUDIO_CHANNELS = [1, 2] as const;

export const SENSEAUDIO_DEFAULT_SAMPLE_RATE = 32000;
export const SENSEAUDIO_DEFAULT_BITRATE = 128000;

/**
 * The audio we ask for unless a render says otherwise. The API's own default is stereo, but
 * one voice carries nothing stereo: mono halves pcm/wav size and, at one mp3 bitrate, gives the
 * single channel all the bits. Sample rate and bitrate keep the documented defaults.
 */
export const SENSEAUDIO_DEFAULT_AUDIO: AudioSettings = {
  format: 'mp3',
  sampleRate: SENSEAUDIO_DEFAULT_SAMPLE_RATE,
  channels: 1,
  bitrate: SENSEAUDIO_DEFAULT_BITRATE,
};

/**
 * voice_setting beyond voice_id (docs/providers/senseaudio.md, "Request body"), strict: a key
 * SenseAudio does not document is refused. `vol` is documented as [0, 10] but 0 is refused
 * elsewhere (a secondary source, same page): we require > 0.
 */
const voiceSettingsShape = z.strictObject({
  speed: z.number().min(0.5).max(2).optional(),
  vol: z.number().gt(0).max(10).optional(),
  pitch: z.number().int().min(-12).max(12).optional(),
  latex_read: z.boolean().optional(),
  /**
   * Pronunciation fixes, sent as the request's `dictionary` (seed 001; providers.md §1 gives the
   * shape `[{"original":"好干净","replacement":"[hao4]干净"}]`). No size limit is documented.
   * Which models and voices take it is checked with the voice (definition.ts), not here.
   */
  dictionary: z
    .array(
      z.strictObject({
        original: z.string().min(1, 'original must not be empty'),
        replacement: z.string(),
      }),
    )
    .optional(),
});

export type SenseAudioVoiceSettings = z.infer<typeof voiceSettingsShape>;

/** Validated voice settings, with absent keys left out (never present-but-undefined). */
export const senseAudioVoiceSettingsSchema: z.ZodType<VoiceSettings> = voiceSettingsShape.transform(
  (settings): VoiceSettings => Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as VoiceSettings,
);

const oneOf = <T extends number>(values: readonly T[], what: string) =>
  z.number().refine((value): value is T => (values as readonly number[]).includes(value), {
    message: `${what} must be one of ${values.join(', ')}`,
  });

/** An AudioSettings SenseAudio can produce; bitrate only with mp3. */
export const senseAudioAudioSettingsSchema = z
  .strictObject({
    format: z.enum(SENSEAUDIO_FORMATS).default('mp3'),
    sampleRate: oneOf(SENSEAUDIO_SAMPLE_RATES, 'sampleRate').default(SENSEAUDIO_DEFAULT_SAMPLE_RATE),
    channels: z.union([z.literal(1), z.literal(2)]).default(SENSEAUDIO_DEFAULT_AUDIO.channels),
    bitrate: oneOf(SENSEAUDIO_BITRATES, 'bitrate').optional(),
  })
  .superRefine((settings, context) => {
    if (settings.bitrate !== undefined && settings.format !== 'mp3') {
      context.addIssue({ code: 'custom', path: ['bitrate'], message: 'bitrate applies to mp3 only' });
    }
  })
  .transform((settings): AudioSettings => {
    const { bitrate, ...rest } = settings;
    if (rest.format !== 'mp3') return rest;
    return { ...rest, bitrate: bitrate ?? SENSEAUDIO_DEFAULT_BITRATE };
  });

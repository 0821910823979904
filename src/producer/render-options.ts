import type { AudioSettings } from '../audio/audio-settings.ts';
import { InputError } from '../errors/input-error.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import type { SettingValue, VoiceSettings } from '../providers/voice-settings.ts';

/** Options as a user gives them (CLI flags or API fields), before validation. */
export interface RawRenderOptions {
  model?: string | undefined;
  voice?: string | undefined;
  format?: string | undefined;
  sampleRate?: number | undefined;
  bitrate?: number | undefined;
  channels?: number | undefined;
  voiceSettings?: Record<string, SettingValue | undefined>;
}

export interface RenderOptions {
  model: string;
  voice: string;
  audio: AudioSettings;
  voiceSettings: VoiceSettings;
}

const STITCHABLE = new Set(['mp3', 'wav', 'pcm']);

/** Checks options against the provider's documented ranges; the first broken rule is an InputError. */
export function resolveRenderOptions(definition: ProviderDefinition, raw: RawRenderOptions): RenderOptions {
  const model = raw.model ?? definition.defaultModel;
  if (!model.trim()) throw new InputError('model', 'must not be empty', model);
  const voice = raw.voice ?? definition.defaultVoice;
  if (!voice.trim()) throw new InputError('voice', 'must not be empty', voice);

  const format = raw.format ?? definition.defaultAudio.format;
  if (format === 'flac') {
    throw new InputError(
      'segmentFormat',
      'flac segments are not supported yet; use mp3, wav or pcm (the output can be flac: --format flac)',
      format,
    );
  }
  if (!STITCHABLE.has(format) || !(definition.formats as readonly string[]).includes(format)) {
    const allowed = definition.formats.filter((f) => STITCHABLE.has(f));
    throw new InputError('segmentFormat', `must be one of ${allowed.join(', ')} for ${definition.name}`, format);
  }
  const audio: AudioSettings = {
    format: format as AudioSettings['format'],
    sampleRate: raw.sampleRate ?? definition.defaultAudio.sampleRate,
    channels: (raw.channels ?? definition.defaultAudio.channels) as 1 | 2,
  };
  if (!definition.sampleRates.includes(audio.sampleRate)) {
    throw new InputError('sampleRate', `must be one of ${definition.sampleRates.join(', ')} for ${definition.name}`, audio.sampleRate);
  }
  if (!(definition.channels as readonly number[]).includes(audio.channels)) {
    throw new InputError('channels', `must be one of ${definition.channels.join(', ')} for ${definition.name}`, audio.channels);
  }
  if (audio.format === 'mp3' && definition.bitrates.length > 0) {
    const bitrate = raw.bitrate ?? definition.defaultAudio.bitrate ?? definition.bitrates[0];
    if (bitrate === undefined || !definition.bitrates.includes(bitrate)) {
      throw new InputError('bitrate', `must be one of ${definition.bitrates.join(', ')} for ${definition.name}`, bitrate);
    }
    audio.bitrate = bitrate;
  } else if (raw.bitrate !== undefined) {
    throw new InputError(
      'bitrate',
      `applies to mp3 output only${definition.bitrates.length ? '' : ` and ${definition.name} takes none`}`,
      raw.bitrate,
    );
  }

  const given = Object.fromEntries(Object.entries(raw.voiceSettings ?? {}).filter(([, v]) => v !== undefined));
  const parsed = definition.voiceSettingsSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const field = issue.keys.join(', ');
      throw new InputError(
        field,
        `${definition.name} has no such setting (a setting the provider lacks is refused, not ignored)`,
        given[issue.keys[0] ?? ''],
      );
    }
    const field = issue?.path.length ? issue.path.join('.') : 'voiceSettings';
    throw new InputError(field, `${issue?.message ?? 'invalid'} (${definition.name})`, given[field]);
  }
  return { model, voice, audio, voiceSettings: parsed.data };
}

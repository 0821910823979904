import { ProviderError } from '../../errors/provider-error.ts';
import type { SynthesisRequest } from '../provider.ts';
import { blendProblem, timbreWeights } from './blend.ts';
import { languageFor } from './language.ts';
import { senseNovaVoiceSettingsShape } from './settings.ts';

/** How the audio comes back: SSE with audio inline, or one JSON answer carrying a link. */
export type SenseNovaOutput = 'stream' | 'url';

/**
 * The /audio/speech_fusion body for one segment (docs/providers/sensenova.md, "Request body").
 * Settings are parsed again here: job data can outlive a deploy, and a blend that names the main
 * voice can only be caught once the voice is known. Either is a ProviderError of kind 'fatal',
 * raised before anything is sent.
 */
export function buildRequestBody(request: SynthesisRequest, output: SenseNovaOutput): Record<string, unknown> {
  const parsed = senseNovaVoiceSettingsShape.safeParse(request.voiceSettings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : 'voiceSettings';
    throw invalidSettings(`${field}: ${issue?.message ?? 'invalid'}`);
  }
  const settings = parsed.data;
  const blend = settings.blend ?? [];
  const problem = blendProblem(blend, request.voice);
  if (problem !== undefined) throw invalidSettings(`blend: ${problem}`);

  const voiceSetting: Record<string, unknown> = { voice: request.voice };
  if (settings.speed !== undefined) voiceSetting.speed = settings.speed;
  if (settings.vol !== undefined) voiceSetting.volume = settings.vol;
  if (settings.pitch !== undefined) voiceSetting.pitch = settings.pitch;

  const audioSetting: Record<string, unknown> = {
    sample_rate: request.audio.sampleRate,
    channel: request.audio.channels,
    response_format: request.audio.format,
  };
  if (request.audio.format === 'mp3' && request.audio.bitrate !== undefined) audioSetting.bitrate = request.audio.bitrate;

  const weights = timbreWeights(request.voice, blend);
  return {
    model: request.model,
    input: request.text,
    // url output exists only for one-shot answers (docs/providers/sensenova.md, "Request body").
    stream: output === 'stream',
    // Per segment: the server's ZH default would speak English text as Chinese (language.ts).
    language: languageFor(request.text, settings.language),
    voice_setting: voiceSetting,
    audio_setting: audioSetting,
    ...(weights === undefined ? {} : { timbre_weights: weights }),
    // The documented streaming examples send "hex" too; it picks the inline encoding.
    output_format: output === 'url' ? 'url' : 'hex',
  };
}

function invalidSettings(detail: string): ProviderError {
  return new ProviderError(`invalid voice settings (${detail})`, {
    provider: 'sensenova',
    kind: 'fatal',
    providerCode: 'INVALID_SETTINGS',
  });
}

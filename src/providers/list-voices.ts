import type { ProviderConfig, ProviderDefinition } from './provider-definition.ts';
import type { VoiceList } from './voice-list.ts';

/** One provider's answer to "which voices": its documented list, or none when it documents none. */
export interface ProviderVoices {
  provider: string;
  /** Absent when the definition has no voiceList: no documented list. */
  list?: VoiceList;
}

/**
 * The voice lists of these providers, in their order: what `tts-batch voices` prints and
 * GET /v1/voices returns. A provider without voiceList is kept, with no list, so that its absence
 * is said rather than hidden.
 */
export async function listVoices(definitions: Iterable<ProviderDefinition>, config: ProviderConfig): Promise<ProviderVoices[]> {
  const answers: ProviderVoices[] = [];
  for (const definition of definitions) {
    const list = definition.voiceList === undefined ? undefined : await definition.voiceList(config);
    answers.push(list === undefined ? { provider: definition.name } : { provider: definition.name, list });
  }
  return answers;
}

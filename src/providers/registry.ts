import { InputError } from '../errors/input-error.ts';
import type { ProviderDefinition } from './provider-definition.ts';
import { ai302Definition } from './ai302/definition.ts';
import { espeakDefinition } from './espeak/definition.ts';
import { cosyVoiceDefinition } from './cosyvoice/definition.ts';
import { senseAudioDefinition } from './senseaudio/definition.ts';
import { senseNovaDefinition } from './sensenova/definition.ts';

/** Every provider the system knows, by the name users type. */
export const PROVIDERS: ReadonlyMap<string, ProviderDefinition> = new Map(
  [senseAudioDefinition, espeakDefinition, senseNovaDefinition, ai302Definition, cosyVoiceDefinition].map((definition) => [definition.name, definition]),
);

export function providerDefinition(name: string): ProviderDefinition {
  const definition = PROVIDERS.get(name);
  if (!definition) {
    throw new InputError('provider', `unknown provider "${name}"; known: ${[...PROVIDERS.keys()].join(', ')}`, name);
  }
  return definition;
}

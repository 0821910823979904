import type { z } from 'zod';
import { InputError } from '../errors/input-error.ts';
import type { ProviderDefinition } from './provider-definition.ts';
import { ai302Definition } from './ai302/definition.ts';
import { espeakDefinition } from './espeak/definition.ts';
import { cosyVoiceDefinition } from './cosyvoice/definition.ts';
import { senseAudioDefinition } from './senseaudio/definition.ts';
import { senseNovaDefinition } from './sensenova/definition.ts';

/**
 * Every provider, in the order they are listed (and their flags shown). A new provider is its
 * folder plus one entry here: its config fragment, settings and flags come with its definition.
 */
const DEFINITIONS = [senseAudioDefinition, espeakDefinition, senseNovaDefinition, ai302Definition, cosyVoiceDefinition] as const;

/** Every provider the system knows, by the name users type. */
export const PROVIDERS: ReadonlyMap<string, ProviderDefinition> = new Map(DEFINITIONS.map((definition) => [definition.name, definition]));

type UnionToIntersection<Union> = (Union extends unknown ? (part: Union) => void : never) extends (whole: infer Whole) => void
  ? Whole
  : never;

/** Every provider's environment variables as parsed, typed: the intersection of their config fragments. */
export type ProvidersConfig = UnionToIntersection<z.output<(typeof DEFINITIONS)[number]['configSchema']>>;

export function providerDefinition(name: string): ProviderDefinition {
  const definition = PROVIDERS.get(name);
  if (!definition) {
    throw new InputError('provider', `unknown provider "${name}"; known: ${[...PROVIDERS.keys()].join(', ')}`, name);
  }
  return definition;
}

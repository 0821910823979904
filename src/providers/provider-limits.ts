import type { CoreConfig } from '../config/core-config.ts';
import type { TextLimits } from './provider.ts';
import type { ProviderDefinition } from './provider-definition.ts';

/** The limits a render is planned with: the provider's, under the parsed configuration. */
export function providerLimits(definition: ProviderDefinition, config: CoreConfig): TextLimits {
  return definition.limitsFor?.(config) ?? definition.limits;
}

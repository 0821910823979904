import type { CoreConfig } from '../config/core-config.ts';
import type { PauseSupportQuery } from './pause-support.ts';
import type { TextLimits } from './provider.ts';
import type { ProviderDefinition } from './provider-definition.ts';

/**
 * The limits a render is planned with: the provider's, under the parsed configuration, and for
 * the render's model and voice when given (they can change how much one request may carry).
 */
export function providerLimits(definition: ProviderDefinition, config: CoreConfig, query?: PauseSupportQuery): TextLimits {
  return definition.limitsFor?.(config, query) ?? definition.limits;
}

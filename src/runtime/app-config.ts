import { z } from 'zod';
import { coreConfigSchema, type CoreConfig } from '../config/core-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { PROVIDERS, type ProvidersConfig } from '../providers/registry.ts';

/*
 * The composition root of the configuration: the shared schema (config/core-config.ts) with
 * every registered provider's fragment (providers/<name>/config.ts) merged in. It sits above the
 * providers, since it needs the registry; everything below reads the core part or its own
 * provider's part.
 */

/** The whole parsed environment: the shared variables and every provider's, each typed. */
export type AppConfig = CoreConfig & ProvidersConfig;

/** The core schema with every provider's fragment merged in; a variable claimed twice is a programming error. */
function mergeProviderFragments(): z.ZodType<AppConfig> {
  const shape: Record<string, z.ZodType> = { ...coreConfigSchema.shape };
  for (const definition of PROVIDERS.values()) {
    for (const [variable, rule] of Object.entries<z.ZodType>(definition.configSchema.shape)) {
      if (variable in shape) throw new Error(`${definition.name} declares ${variable}, which another part of the config already has`);
      shape[variable] = rule;
    }
  }
  // The fragments' types are ProvidersConfig (the registry infers it from the same definitions).
  return z.object(shape) as unknown as z.ZodType<AppConfig>;
}

export const appConfigSchema = mergeProviderFragments();

/** Parses the environment; a bad value is one clear ConfigError naming the variable and its rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset" (a common way to blank a variable in a shell or compose file).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = appConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

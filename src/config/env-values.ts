import { z } from 'zod';

/** A yes/no environment variable: true, false, 1, 0, yes or no. */
export const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A secret (key, token): trimmed; blank or absent is unset. Parsed values stay in the config object and go nowhere else. */
export const optionalSecret = z.string().trim().min(1).optional().catch(undefined);

/** A service's base URL (http or https), e.g. a provider's API or its local simulator. */
export const httpBaseUrl = z.url({ protocol: /^https?$/ });

/** A whole number from the environment (a string, coerced), from `min` to `max` inclusive. */
export const integerFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Bearer tokens, comma-separated (blanks between commas ignored), at least one, each at least 16 characters. */
export const bearerTokenList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token !== ''),
  )
  .pipe(z.array(z.string().min(16, 'each token must be at least 16 characters')).min(1, 'list at least one token'));

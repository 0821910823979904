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

/**
 * Per-provider values: `name=value` pairs, comma-separated (`senseaudio=6,cosyvoice=4`); blank
 * is none. Each value goes through `value`; a pair without `=`, an empty name or a name given
 * twice is refused by name. Whether each name is a provider is checked where providers are known.
 */
export const perProvider = <T>(value: z.ZodType<T>) =>
  z
    .string()
    .transform((text, context) => {
      const map: Record<string, T> = {};
      for (const pair of text.split(',').map((p) => p.trim())) {
        if (pair === '') continue;
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim().toLowerCase();
        if (at <= 0 || name === '') {
          context.addIssue({ code: 'custom', message: `"${pair}" is not name=value` });
          return z.NEVER;
        }
        if (name in map) {
          context.addIssue({ code: 'custom', message: `${name} is given twice` });
          return z.NEVER;
        }
        const parsed = value.safeParse(pair.slice(at + 1).trim());
        if (!parsed.success) {
          context.addIssue({ code: 'custom', message: `${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
          return z.NEVER;
        }
        map[name] = parsed.data;
      }
      return map;
    })
    .default({});

/** A request rate: `MAX/MS` (20 requests per 1000 ms is `20/1000`). */
export const rateFromEnv = z
  .string()
  .regex(/^\d+\/\d+$/u, 'must be MAX/MS, e.g. 20/1000')
  .transform((text) => {
    const [max = 0, durationMs = 0] = text.split('/').map(Number);
    return { max, durationMs };
  })
  .refine((rate) => rate.max >= 1 && rate.durationMs >= 10, 'needs at least 1 request per at least 10 ms');

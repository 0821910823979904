import { z } from 'zod';
import { ConfigError } from '../errors/config-error.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalSecret = z
  .string()
  .trim()
  .min(1)
  .optional()
  .catch(undefined);

/** The environment, parsed once at the edge. Secrets stay in this object and go nowhere else. */
export const appConfigSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,64}$/, 'letters, digits, _ . - { } only, at most 64')
    .default('ttsb'),
  /** Unset: `info` for workers, `warn` for `render --local` (so its progress line stays readable). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SENSEAUDIO_API_KEY: optionalSecret,
  SENSEAUDIO_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.senseaudio.cn'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: booleanFromEnv.optional(),
  AWS_ACCESS_KEY_ID: optionalSecret,
  AWS_SECRET_ACCESS_KEY: optionalSecret,
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  STITCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** Attempts per segment (first try included); rate-limit waits do not spend attempts. */
  RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** First retry delay; doubles each attempt, with jitter. */
  RETRY_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  /** How long a provider queue pauses on a 429 that carries no Retry-After. */
  RATE_LIMIT_WAIT_MS: z.coerce.number().int().min(10).max(600_000).default(5000),
  /** A job whose worker stops renewing its lock for this long is handed to another worker. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  WORKER_STALLED_CHECK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

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

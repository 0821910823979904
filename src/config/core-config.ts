import { z } from 'zod';
import { webhookAllowListSchema } from './webhook-address-policy.ts';
import { bearerTokenList, booleanFromEnv, integerFromEnv, optionalSecret, perProvider, rateFromEnv } from './env-values.ts';

/**
 * The environment every part shares, parsed once at the edge; each provider's own variables are
 * in its folder (config.ts) and merged below. Secrets stay in the parsed object and go nowhere else.
 */
export const coreConfigSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]{1,64}$/, 'letters, digits, _ . - { } only, at most 64')
    .default('ttsb'),
  /** Unset: `info` for workers, `warn` for `render --local` (so its progress line stays readable). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Comma-separated voice ids accepted as they are by every provider's voice check: cloned or custom voices of this account. */
  CUSTOM_VOICES: z.string().default(''),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: booleanFromEnv.optional(),
  /** How long the output check before enqueue (probe write + delete) may take before the output counts as unreachable. */
  STORAGE_PREFLIGHT_TIMEOUT_MS: integerFromEnv(100, 120_000).default(5000),
  AWS_ACCESS_KEY_ID: optionalSecret,
  AWS_SECRET_ACCESS_KEY: optionalSecret,
  WORKER_CONCURRENCY: integerFromEnv(1, 256).default(4),
  /**
   * Per provider, the most requests in flight across every worker process at once
   * (`senseaudio=6,cosyvoice=4`): the account's concurrency limit from its plan. Unset: each
   * process runs WORKER_CONCURRENCY, however many processes there are.
   */
  PROVIDER_MAX_CONCURRENCY: perProvider(integerFromEnv(1, 10_000)),
  /** Per provider, the request rate across every worker (`senseaudio=20/1000`: 20 a second); unset: RATE_LIMIT_MAX per RATE_LIMIT_DURATION_MS. */
  PROVIDER_RATE_LIMIT: perProvider(rateFromEnv),
  /**
   * Per provider, the units it may bill per window (`senseaudio=500000`): a render that would take
   * more than is left waits for the next window with room (it is enqueued delayed), a render
   * larger than a whole window is refused. Unset: no budget.
   */
  PROVIDER_DAILY_BUDGET: perProvider(integerFromEnv(1, 1_000_000_000_000)),
  /** The budget's window: a UTC day by default (windows start at multiples of it since the epoch). */
  BUDGET_WINDOW_MS: integerFromEnv(1000, 31 * 86_400_000).default(86_400_000),
  /** Per provider, the price of a million billable units in the account's currency (`senseaudio=15,cosyvoice=2.2`): estimates show a cost. */
  PROVIDER_PRICE_PER_MILLION: perProvider(z.coerce.number().nonnegative().max(1_000_000)),
  STITCH_CONCURRENCY: integerFromEnv(1, 16).default(1),
  /** Attempts per segment (first try included); rate-limit waits do not spend attempts. */
  RETRY_ATTEMPTS: integerFromEnv(1, 100).default(8),
  /** First retry delay; doubles each attempt, with jitter. */
  RETRY_BACKOFF_MS: integerFromEnv(10, 600_000).default(2000),
  /** Segment jobs a provider queue may start per RATE_LIMIT_DURATION_MS, across all workers. */
  RATE_LIMIT_MAX: integerFromEnv(1, 1_000_000).default(1000),
  RATE_LIMIT_DURATION_MS: integerFromEnv(10, 3_600_000).default(1000),
  /** How long a provider queue pauses on a 429 that carries no Retry-After. */
  RATE_LIMIT_WAIT_MS: integerFromEnv(10, 600_000).default(5000),
  /**
   * A render still `queued` with no flow this long after its enqueue began (the enqueuing
   * process died between its writes) is failed and its Idempotency-Key released; a key's claim
   * lives twice this until its enqueue finishes. Workers and the API check every quarter of it.
   */
  ENQUEUE_RECONCILE_MS: integerFromEnv(200, 3_600_000).default(60_000),
  /** A job whose worker stops renewing its lock for this long is handed to another worker. */
  WORKER_LOCK_MS: integerFromEnv(1000, 600_000).default(30_000),
  WORKER_STALLED_CHECK_MS: integerFromEnv(500, 600_000).default(30_000),
  /** First webhook retry delay; doubles each attempt (8 attempts: the last about an hour later). */
  WEBHOOK_BACKOFF_MS: integerFromEnv(10, 3_600_000).default(30_000),
  /** A webhook receiver must answer (headers and body) within this, or the attempt fails. */
  WEBHOOK_TIMEOUT_MS: integerFromEnv(100, 120_000).default(10_000),
  WEBHOOK_CONCURRENCY: integerFromEnv(1, 256).default(8),
  /** Host names, IPs and CIDRs webhooks may reach although loopback/private/link-local (internal receivers); comma-separated. */
  WEBHOOK_ALLOW_HOSTS: webhookAllowListSchema,
  /** How often a worker process refreshes its heartbeat key (which lives 6 intervals, at least 60 s). */
  HEARTBEAT_INTERVAL_MS: integerFromEnv(50, 60_000).default(10_000),
  /** A segment's audio may last at most this many seconds per character of its text (plus pauses and SEGMENT_EXTRA_SECONDS); longer is a bad answer, cut and retried. */
  SEGMENT_MAX_SECONDS_PER_CHAR: z.coerce.number().min(0.01).max(60).default(1),
  SEGMENT_EXTRA_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  /** How often the stitch may send one damaged cached segment back to synthesis before the render fails. */
  STITCH_MAX_HEALS: integerFromEnv(0, 10).default(2),
  /** `tts-batch api`: Bearer tokens, comma-separated, each at least 16 characters. Never logged or echoed. */
  API_TOKENS: bearerTokenList.optional(),
  /** Bearer tokens of admins (cache eviction and pruning routes), comma-separated, each at least 16 characters. */
  API_ADMIN_TOKENS: bearerTokenList.optional(),
  /** Days an ended render's Redis record (status, result, progress) is kept before it expires. */
  RENDER_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(30),
  PORT: integerFromEnv(0, 65_535).default(8080),
  API_HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** Largest request body the API reads, in bytes (a bigger one is answered 413). */
  API_BODY_LIMIT: integerFromEnv(1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Longest text a POST /v1/renders takes, in characters (code points). */
  API_MAX_TEXT_CHARS: integerFromEnv(1, 100_000_000).default(5_000_000),
  /**
   * Segments (provider requests) one render may have. 20,000 holds a 5,000,000-character book (the
   * API's default text cap) at 250 characters a segment; each is a BullMQ job in Redis.
   */
  RENDER_MAX_SEGMENTS: integerFromEnv(1, 200_000).default(20_000),
  /**
   * Chapters one render may have. Web novels run to a few thousand; 10,000 leaves room. At most
   * 65,025, the most an MP3's ID3 tables of contents hold (255 tables of 255).
   */
  RENDER_MAX_CHAPTERS: integerFromEnv(1, 65_025).default(10_000),
  /** Sentences the manifest lists inline; a book with more gets them in timings.json beside it (about 150 bytes each). */
  MANIFEST_MAX_SENTENCES: integerFromEnv(0, 1_000_000).default(2000),
  /** Where API renders go when a request names no output: a folder or s3://bucket/prefix. */
  API_DEFAULT_OUTPUT: z.string().trim().min(1).default('./renders'),
  /** Comma-separated folders and/or s3://bucket/prefix locations; when set, API callers may write only inside them. */
  API_OUTPUT_ROOT: z.string().trim().min(1).optional(),
  /** Explicit opt-in: with API_OUTPUT_ROOT unset, callers may name any location (else only API_DEFAULT_OUTPUT and below). */
  API_OUTPUT_ANY: booleanFromEnv.default(false),
  /** GET /v1/renders/:id/audio on S3 output answers with a presigned URL instead of streaming. */
  API_AUDIO_REDIRECT: booleanFromEnv.default(false),
  API_AUDIO_URL_TTL_S: integerFromEnv(1, 604_800).default(300),
  /** How often an idle server-sent event stream gets a keep-alive comment. */
  API_SSE_HEARTBEAT_MS: integerFromEnv(50, 300_000).default(15_000),
  /** When set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalSecret,
  /** A worker whose key a provider refused pauses that provider's queue (for itself only) this long before re-checking; doubles each refusal. */
  CREDENTIAL_RECHECK_MS: integerFromEnv(100, 3_600_000).default(30_000),
  /** The longest pause between two re-checks of refused credentials. */
  CREDENTIAL_RECHECK_MAX_MS: integerFromEnv(100, 86_400_000).default(600_000),
  /** A render whose provider has had no worker with valid credentials this long fails with that reason. */
  RENDER_STALL_MS: integerFromEnv(1000, 604_800_000).default(1_800_000),
  /** /readyz is 200 only while some worker fetched jobs at most this long ago. */
  READY_WORKER_MAX_AGE_MS: integerFromEnv(1000, 3_600_000).default(60_000),
  /** Take checks (docs/verify.md): a 10 ms window quieter than this (dBFS) is silence. */
  QA_SILENCE_DB: z.coerce.number().min(-120).max(0).default(-50),
  /** A take with speech in less than this share of its length is silent. */
  QA_MIN_SPEECH_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** Silence allowed before the speech, beyond a pause tag that opens the text. */
  QA_MAX_LEADING_SILENCE_MS: integerFromEnv(1, 600_000).default(1500),
  /** Silence allowed after the speech, beyond a pause tag that closes the text. */
  QA_MAX_TRAILING_SILENCE_MS: integerFromEnv(1, 600_000).default(2000),
  /** The longest silence allowed inside the speech, beyond the text's longest pause tag. */
  QA_MAX_INNER_SILENCE_MS: integerFromEnv(1, 600_000).default(2500),
  /** Share of samples allowed in flattened runs at full scale. */
  QA_MAX_CLIPPED_SHARE: z.coerce.number().min(0).max(1).default(0.001),
  QA_MAX_DC_OFFSET: z.coerce.number().min(0).max(1).default(0.05),
  /** A take whose last 2 ms is louder than this (dB against the 20 ms before) stops mid-sound: cut. */
  QA_CUT_END_DB: z.coerce.number().min(-120).max(0).default(-10),
  /** Accepted takes of a voice before its learned speaking rate judges durations. */
  QA_RATE_MIN_SAMPLES: integerFromEnv(2, 100_000).default(10),
  QA_MIN_DURATION_TOLERANCE: z.coerce.number().gt(1).max(10).default(1.25),
  QA_MAX_DURATION_TOLERANCE: z.coerce.number().gt(1).max(10).default(1.8),
  /**
   * The transcript check (docs/verify.md), off while unset: a command, split like a shell's argv
   * and run without one, given a 16 kHz mono WAV's path as its last argument, that prints the
   * words it hears (e.g. scripts/asr/pocketsphinx-words).
   */
  QA_ASR_COMMAND: z.string().trim().min(1).optional(),
  /** The recognizer is killed past this, per take. */
  QA_ASR_TIMEOUT_MS: integerFromEnv(100, 3_600_000).default(60_000),
  /** Accepted transcript scores of a voice before its own distribution judges takes (until then: a fixed floor). */
  QA_ASR_MIN_SAMPLES: integerFromEnv(2, 100_000).default(20),
  /** A pronunciation lexicon (PLS or the line format, docs/lexicon.md) every render uses; a render's own entries win. Read per render. */
  LEXICON_FILE: z.string().trim().min(1).optional(),
});

export type CoreConfig = z.infer<typeof coreConfigSchema>;

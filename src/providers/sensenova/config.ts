import { z } from 'zod';
import { httpBaseUrl, optionalSecret } from '../../config/env-values.ts';

/**
 * SenseNova's environment variables, merged into the app's config at start-up: a static API key,
 * or an AccessKey pair from which short-lived JWTs are minted.
 */
export const senseNovaConfigSchema = z.object({
  SENSENOVA_API_KEY: optionalSecret,
  SENSENOVA_ACCESS_KEY_ID: optionalSecret,
  SENSENOVA_SECRET_ACCESS_KEY: optionalSecret,
  SENSENOVA_BASE_URL: httpBaseUrl.default('https://api.sensenova.cn/v1'),
  /** `stream`: SSE with audio inline; `url`: one JSON answer with a link, downloaded at once. */
  SENSENOVA_OUTPUT: z.enum(['stream', 'url']).default('stream'),
  /** Code points per request; the docs give no limit, so the default is conservative. */
  SENSENOVA_MAX_CHARS: z.coerce.number().int().min(100).max(100_000).default(2000),
});

export type SenseNovaConfig = z.infer<typeof senseNovaConfigSchema>;

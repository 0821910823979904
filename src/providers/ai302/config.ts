import { z } from 'zod';
import { httpBaseUrl, optionalSecret } from '../../config/env-values.ts';

const endpointPath = z.string().regex(/^\/[^?#\s]*$/, 'a path starting with /, no query');

/**
 * 302.AI's environment variables (Higgs Audio v2 tasks), merged into the app's config at start-up.
 * Every path is a guess (docs/providers/ai302.md, UNCONFIRMED): POST on a create path creates a
 * task, GET `?task_id=` on a query path polls one. A query path left unset is its create path.
 */
export const ai302ConfigSchema = z.object({
  AI302_API_KEY: optionalSecret,
  AI302_BASE_URL: httpBaseUrl.default('https://api.302.ai'),
  AI302_CLONE_PATH: endpointPath.default('/302/higgs-audio-v2/voice-clone'),
  AI302_GENERATE_PATH: endpointPath.default('/302/higgs-audio-v2/voice-generate'),
  AI302_CLONE_QUERY_PATH: endpointPath.optional(),
  AI302_GENERATE_QUERY_PATH: endpointPath.optional(),
  /** Code points per task; the docs give no limit, so the default is conservative. */
  AI302_MAX_CHARS: z.coerce.number().int().min(100).max(100_000).default(2000),
  AI302_POLL_FIRST_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  AI302_POLL_MAX_MS: z.coerce.number().int().min(10).max(600_000).default(15_000),
  /** A task still running this long after it was created fails its segment. */
  AI302_TASK_DEADLINE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(900_000),
});

export type Ai302Config = z.infer<typeof ai302ConfigSchema>;

import { z } from 'zod';
import type { RenderEstimate } from '../producer/estimate-render.ts';

const part = (what: string) => z.object({ segments: z.number().int(), units: z.number().int() }).describe(what);

/** POST /v1/estimates answers the estimate as `tts-batch estimate --json` prints it (producer/estimate-render.ts). */
export const estimateSchema = z.object({
  provider: z.string(),
  model: z.string(),
  voice: z.string(),
  output: z.string().describe('the output whose cache was looked at'),
  segments: z.number().int(),
  chapters: z.number().int(),
  characters: z.number().int().describe('code points of the planned text'),
  unit: z.string().describe('what one unit is, as the provider bills'),
  units: z.number().int().describe('units the whole render bills with nothing cached, counted the provider’s way on the text as sent'),
  cached: part('segments already in the output’s cache, and their units: they cost 0'),
  toBill: part('what is left to pay for: every segment not cached (what maxUnits compares)'),
  durationMs: z.number().int().describe('estimated length of the book: the text at fixed speaking rates, plus the pauses (docs/api.md)'),
  cost: z
    .object({ pricePerMillion: z.number(), amount: z.number().describe('toBill.units at that price') })
    .optional()
    .describe('only when PROVIDER_PRICE_PER_MILLION names the provider'),
}) satisfies z.ZodType<RenderEstimate>;

import type { ProviderDefinition } from '../providers/provider-definition.ts';
import type { Storage } from '../storage/storage.ts';
import { estimateDurationMs } from './estimate-duration.ts';
import type { RenderPlan } from './plan.ts';
import type { RenderOptions } from './render-options.ts';
import { segmentIdentities } from './segment-identities.ts';
import { SegmentLexicon, type RenderLexicon } from './segment-lexicon.ts';

/** What a render would cost, before it is enqueued (`tts-batch estimate`, `--dry-run`, POST /v1/estimates). */
export interface RenderEstimate {
  provider: string;
  model: string;
  voice: string;
  /** The output whose cache was looked at. */
  output: string;
  segments: number;
  chapters: number;
  /** Code points of the planned text. */
  characters: number;
  /** What one unit is, as the provider bills (BillingRule.unit). */
  unit: string;
  /** Units the whole render bills with nothing cached, counted the provider's way on the text as sent. */
  units: number;
  /** Segments whose audio is already in the output's cache, and their units: they cost 0. */
  cached: { segments: number; units: number };
  /** What is left to pay for: every segment not cached. */
  toBill: { segments: number; units: number };
  /** Estimated length of the book: the text at fixed speaking rates, plus the plan's pauses (estimate-duration.ts). */
  durationMs: number;
  /** Only when PROVIDER_PRICE_PER_MILLION names this provider: the price and what `toBill` costs at it. */
  cost?: { pricePerMillion: number; amount: number } | undefined;
}

export interface EstimateRequest {
  plan: RenderPlan;
  provider: ProviderDefinition;
  options: RenderOptions;
  lexicon?: RenderLexicon | undefined;
  /** The render's output: where its segments would be found cached. */
  storage: Storage;
  /** The price of a million units for this provider, when configured. */
  pricePerMillion?: number | undefined;
}

/** How many cache lookups are in flight at once (an S3 output answers each in a round trip). */
const PARALLEL_HEADS = 16;

/**
 * Counts what a render would bill: each segment's text as its job would carry it (same identity,
 * same key as enqueueRender), counted by the provider's billing rule, and looked up in the output
 * by its key (a HEAD, 16 at a time; a key shared by two segments is looked up once). A segment
 * found costs 0. Every other segment is counted, even one whose text repeats an earlier one's:
 * spoken after its twin it would be found in the cache, spoken alongside it, billed twice. So
 * `toBill` is what the render can cost at most, which is what a budget must compare.
 */
export async function estimateRender(request: EstimateRequest): Promise<RenderEstimate> {
  const { plan, provider, options } = request;
  const lexicon = request.lexicon === undefined ? undefined : new SegmentLexicon(provider, options, request.lexicon);
  const jobs = segmentIdentities(plan, provider, options, lexicon);
  const query = { model: options.model, voice: options.voice };
  const units = jobs.map((job) => provider.billing.units(job.identity.text, query));
  const found = await cachedKeys(
    request.storage,
    jobs.map((job) => job.key),
  );
  const cached = { segments: 0, units: 0 };
  const toBill = { segments: 0, units: 0 };
  jobs.forEach((job, index) => {
    const bucket = found.has(job.key) ? cached : toBill;
    bucket.segments += 1;
    bucket.units += units[index] ?? 0;
  });
  const speed = options.voiceSettings.speed;
  const price = request.pricePerMillion;
  return {
    provider: provider.name,
    model: options.model,
    voice: options.voice,
    output: request.storage.url,
    segments: plan.segments.length,
    chapters: plan.chapters.length,
    characters: plan.characters,
    unit: provider.billing.unit,
    units: cached.units + toBill.units,
    cached,
    toBill,
    durationMs: estimateDurationMs(
      plan,
      jobs.map((job) => job.identity.text),
      typeof speed === 'number' && speed > 0 ? speed : 1,
    ),
    ...(price === undefined ? {} : { cost: { pricePerMillion: price, amount: roundMoney((toBill.units * price) / 1_000_000) } }),
  };
}

/** The keys present in `storage`, each asked once. */
async function cachedKeys(storage: Storage, keys: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(keys)];
  const found = new Set<string>();
  for (let i = 0; i < unique.length; i += PARALLEL_HEADS) {
    const batch = unique.slice(i, i + PARALLEL_HEADS);
    const heads = await Promise.all(batch.map((key) => storage.head(key)));
    heads.forEach((head, offset) => {
      const key = batch[offset];
      if (head !== null && key !== undefined) found.add(key);
    });
  }
  return found;
}

/** A millionth of the currency is below anything a bill shows; floating-point noise is not shown. */
function roundMoney(amount: number): number {
  return Math.round(amount * 1_000_000) / 1_000_000;
}

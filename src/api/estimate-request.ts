import { estimateRender, type RenderEstimate } from '../producer/estimate-render.ts';
import type { ApiContext } from './api-context.ts';
import type { PreparedRenderRequest } from './prepare-render-request.ts';

/** The estimate of a prepared request against its output's cache, priced when PROVIDER_PRICE_PER_MILLION names its provider. */
export function estimatePreparedRequest(prepared: PreparedRenderRequest, ctx: ApiContext): Promise<RenderEstimate> {
  const { definition, options, plan, lexicon, limits, output } = prepared;
  return estimateRender({
    plan,
    provider: definition,
    options,
    storage: ctx.storages.get(output),
    ...(lexicon === undefined ? {} : { lexicon: { entries: lexicon, limits } }),
    pricePerMillion: ctx.config.PROVIDER_PRICE_PER_MILLION[definition.name],
  });
}

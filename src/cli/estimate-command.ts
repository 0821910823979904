import { estimateRender, type RenderEstimate } from '../producer/estimate-render.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { formatEstimate } from './format-estimate.ts';
import { prepareRender, type PreparedRender } from './prepare-render.ts';
import type { RenderCommandOptions } from './render-command-options.ts';

/**
 * `tts-batch estimate FILE [render options]`: plans the book exactly as render would and prints
 * what it would bill (a readable block on stdout, or `--json`). Reads the output's cache and
 * nothing else: no Redis, no provider, no credentials, no write.
 */
export async function estimateCommand(file: string, opts: RenderCommandOptions, config: AppConfig): Promise<number> {
  const prepared = await prepareRender(file, opts, config);
  const storage = openStorage(prepared.output, config);
  try {
    const estimate = await estimatePrepared(prepared, storage, config);
    process.stdout.write(opts.json ? `${JSON.stringify(estimate, null, 2)}\n` : formatEstimate(estimate));
    return 0;
  } finally {
    await storage.close();
  }
}

/** The estimate of a prepared render against its output's cache, priced when PROVIDER_PRICE_PER_MILLION names its provider. */
export function estimatePrepared(prepared: PreparedRender, storage: Storage, config: AppConfig): Promise<RenderEstimate> {
  const { definition, options, plan, lexicon, limits } = prepared;
  return estimateRender({
    plan,
    provider: definition,
    options,
    storage,
    ...(lexicon === undefined ? {} : { lexicon: { entries: lexicon, limits } }),
    pricePerMillion: config.PROVIDER_PRICE_PER_MILLION[definition.name],
  });
}

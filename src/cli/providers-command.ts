import type { AppConfig } from '../runtime/app-config.ts';
import { providerLimits } from '../providers/provider-limits.ts';
import { PROVIDERS } from '../providers/registry.ts';

/** Lists providers, their limits and whether their credentials are set (never the values). */
export function providersCommand(config: AppConfig): number {
  const rows = [...PROVIDERS.values()].map((d) => {
    const limits = providerLimits(d, config);
    return {
      name: d.name,
      description: d.description,
      maxUnitsPerRequest: limits.maxUnits,
      targetSegmentUnits: limits.targetUnits,
      formats: d.formats,
      sampleRates: d.sampleRates,
      defaultModel: d.defaultModel,
      defaultVoice: d.defaultVoice,
      credentials: d.credentialsSet(config) ? 'set' : 'missing',
    };
  });
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

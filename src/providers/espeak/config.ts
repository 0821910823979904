import { z } from 'zod';

/** espeak's one environment variable, merged into the app's config at start-up. */
export const espeakConfigSchema = z.object({
  /** The espeak-ng program the keyless `espeak` provider runs (a name on PATH, or a path). */
  ESPEAK_NG_PATH: z.string().trim().min(1).default('espeak-ng'),
});

export type EspeakConfig = z.infer<typeof espeakConfigSchema>;

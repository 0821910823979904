import { z } from 'zod';
import type { SettingAlias } from '../setting-aliases.ts';

/** `--blend VOICE=WEIGHT` (repeatable) and the API's `blend` list: timbre_weights (settings.ts). */
export const BLEND_ALIAS: SettingAlias = {
  key: 'blend',
  flags: '--blend <voice=weight>',
  description: 'blend another voice in (sensenova; repeatable, up to 4 voices, weights sum to 1)',
  kind: 'blend',
  apiField: z.array(z.strictObject({ voice: z.string().min(1), weight: z.number() })).describe('sensenova voice blend'),
};

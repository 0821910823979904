import { z } from 'zod';

/**
 * Provider settings as they travel in job data and manifests: plain JSON, validated by the
 * provider's own schema. Flat numbers for most providers (speed, vol, pitch); lists and
 * objects where a provider needs them (voice blends, reference audio).
 */
export type SettingValue = string | number | boolean | null | readonly SettingValue[] | { readonly [key: string]: SettingValue };
export type VoiceSettings = Readonly<Record<string, SettingValue>>;

export const settingValueSchema: z.ZodType<SettingValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(settingValueSchema), z.record(z.string(), settingValueSchema)]),
);
export const voiceSettingsRecordSchema = z.record(z.string(), settingValueSchema);

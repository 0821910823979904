import { z } from 'zod';

/**
 * How the CLI reads an alias flag's value, and a `--set KEY=VALUE` of the same key:
 * - number: a number (`speed: must be a number` otherwise);
 * - text: the text as typed;
 * - list: one more item of a list per flag or --set, in order;
 * - switch: a flag without a value; `--set KEY=true|false`;
 * - blend: one more `VOICE=WEIGHT` item of a voice blend.
 */
export type SettingValueKind = 'number' | 'text' | 'list' | 'switch' | 'blend';

/**
 * A provider setting with a flag of its own on the CLI and a flat field of its own in the API
 * body (today's `--speed` and `speed`), kept beside `--set KEY=VALUE` and the body's `settings`.
 * Several providers may declare the same alias (speed, vol, pitch): the CLI and the API list it
 * once, and each provider's settings schema decides what the value may be for it.
 */
export interface SettingAlias {
  /** The setting's name in the provider's settings schema, and the API field. */
  readonly key: string;
  /** The commander flags, e.g. `--top-k <n>`; commander's name for them must be `key`. */
  readonly flags: string;
  readonly description: string;
  readonly kind: SettingValueKind;
  /** The API's flat field (made optional there): its type only; the provider schema checks ranges. */
  readonly apiField: z.ZodType;
}

export const SPEED_ALIAS: SettingAlias = {
  key: 'speed',
  flags: '--speed <x>',
  description: 'speech speed',
  kind: 'number',
  apiField: z.number(),
};
export const VOL_ALIAS: SettingAlias = { key: 'vol', flags: '--vol <x>', description: 'volume', kind: 'number', apiField: z.number() };
export const PITCH_ALIAS: SettingAlias = { key: 'pitch', flags: '--pitch <n>', description: 'pitch', kind: 'number', apiField: z.number() };

/**
 * Every alias the providers declare, each once, in the order the providers and their aliases
 * come. Two different aliases for one key would make the flag mean different things for
 * different providers, so that is refused when the CLI or the API is built.
 */
/** What collectSettingAliases reads of a provider definition (the definition itself imports this file). */
interface DeclaresAliases {
  readonly name: string;
  readonly settingAliases?: readonly SettingAlias[];
}

export function collectSettingAliases(definitions: Iterable<DeclaresAliases>): SettingAlias[] {
  const byKey = new Map<string, SettingAlias>();
  for (const definition of definitions) {
    for (const alias of definition.settingAliases ?? []) {
      const known = byKey.get(alias.key);
      if (known === undefined) byKey.set(alias.key, alias);
      else if (known !== alias)
        throw new Error(`two different aliases for the setting "${alias.key}" (${definition.name}): declare one and share it`);
    }
  }
  return [...byKey.values()];
}

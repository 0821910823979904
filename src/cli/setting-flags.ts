import { Option } from 'commander';
import { InputError } from '../errors/input-error.ts';
import type { SettingAlias } from '../providers/setting-aliases.ts';
import type { SettingValue } from '../providers/voice-settings.ts';
import { numberOption } from './parse-number.ts';
import { blendEntry, collect } from './repeatable.ts';

/** One `--set KEY=VALUE`, as typed; it is read once the provider (and so the key's alias) is known. */
export interface SettingAssignment {
  readonly key: string;
  readonly text: string;
}

/** The commander option of a provider's alias flag (`--speed <x>`, `--ref-audio <url>`, …). */
export function settingAliasOption(alias: SettingAlias): Option {
  const option = new Option(alias.flags, alias.description);
  // render reads the flag's value under the setting's key.
  if (option.attributeName() !== alias.key)
    throw new Error(`the flag ${alias.flags} is read as "${option.attributeName()}", not as the setting "${alias.key}"`);
  if (alias.kind === 'number') option.argParser(numberOption(alias.key));
  else if (alias.kind === 'list') option.argParser(collect);
  else if (alias.kind === 'blend') option.argParser(blendEntry);
  return option;
}

/** Commander collector for `--set KEY=VALUE` (repeatable); the first `=` ends the key. */
export function settingAssignment(value: string, previous: SettingAssignment[] | undefined): SettingAssignment[] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!match?.[1] || match[2] === undefined) throw new InputError('set', 'expected KEY=VALUE, e.g. speed=1.2', value);
  return [...(previous ?? []), { key: match[1], text: match[2] }];
}

/**
 * A render's voice settings from the CLI: every alias flag given, then each `--set`. A key with
 * an alias of the chosen provider is read the alias's way (a number, the text as typed, one more
 * list or blend item, true/false for a switch); any other key is JSON when it parses as JSON
 * (`1.2`, `true`, `[…]`, `{…}`, `"…"`) and the text as typed otherwise. The provider's schema
 * then validates the lot, so a key it lacks is refused by name. A setting given both as a flag
 * and with --set, or twice with --set (lists and blends aside), is refused: which should win?
 */
export function cliVoiceSettings(
  providerAliases: readonly SettingAlias[],
  flagValues: Readonly<Record<string, unknown>>,
  assignments: readonly SettingAssignment[],
): Record<string, SettingValue | undefined> {
  const settings: Record<string, SettingValue | undefined> = {};
  for (const [key, value] of Object.entries(flagValues)) if (value !== undefined) settings[key] = value as SettingValue;
  const fromSet = new Set<string>();
  for (const { key, text } of assignments) {
    const alias = providerAliases.find((candidate) => candidate.key === key);
    if (flagValues[key] !== undefined) {
      throw new InputError(key, `given both as ${alias?.flags.split(' ')[0] ?? 'a flag'} and as --set ${key}=…; give it once`, text);
    }
    const repeatable = alias?.kind === 'list' || alias?.kind === 'blend';
    if (fromSet.has(key) && !repeatable) throw new InputError(key, `given twice with --set; give it once`, text);
    fromSet.add(key);
    settings[key] = readAssignment(alias, key, text, settings[key]);
  }
  return settings;
}

function readAssignment(alias: SettingAlias | undefined, key: string, text: string, previous: SettingValue | undefined): SettingValue {
  switch (alias?.kind) {
    case 'number':
      return numberOption(key)(text);
    case 'text':
      return text;
    case 'list':
      return collect(text, previous as string[] | undefined);
    case 'blend':
      return blendEntry(text, previous as { voice: string; weight: number }[] | undefined);
    case 'switch':
      if (text === 'true' || text === 'false') return text === 'true';
      throw new InputError(key, 'must be true or false', text);
    case undefined:
      return jsonOrText(text);
  }
}

function jsonOrText(text: string): SettingValue {
  try {
    return JSON.parse(text) as SettingValue;
  } catch {
    return text;
  }
}

import type { CoreConfig } from '../config/core-config.ts';
import { InputError } from '../errors/input-error.ts';

/** How many documented voices a refusal names, so the line stays one readable line. */
const SHOWN = 6;

/** The voice ids CUSTOM_VOICES lets through every provider's check (cloned or custom voices). */
export function customVoices(config: Pick<CoreConfig, 'CUSTOM_VOICES'>): ReadonlySet<string> {
  return new Set(
    config.CUSTOM_VOICES.split(',')
      .map((voice) => voice.trim())
      .filter((voice) => voice !== ''),
  );
}

export interface VoiceTable {
  provider: string;
  /** The provider's documented voice ids. */
  voices: readonly string[];
  /** Where the list comes from, for the refusal ("speech fusion v2 docs", "the cosyvoice-v2 table"). */
  source: string;
  /** Whether an id is a cloned voice by the form the provider documents for those (optional). */
  isCloned?(voice: string): boolean;
  /** How a cloned voice passes, in words, for the refusal. */
  clonedRule: string;
}

/**
 * Refuses (InputError on `field`) a voice that is neither in the table, nor cloned by the
 * provider's documented form, nor listed in CUSTOM_VOICES. The line names a few valid ids.
 */
export function checkVoiceInTable(table: VoiceTable, voice: string, config: Pick<CoreConfig, 'CUSTOM_VOICES'>, field = 'voice'): void {
  if (table.voices.includes(voice) || table.isCloned?.(voice) === true || customVoices(config).has(voice)) return;
  const shown = table.voices.slice(0, SHOWN).join(', ');
  throw new InputError(
    field,
    `${table.provider} has no voice "${voice}"; its ${table.voices.length} voices (${table.source}) include ${shown}; ${table.clonedRule}`,
    voice,
  );
}

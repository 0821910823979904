import { InputError } from '../errors/input-error.ts';
import { compileLexicon, type DictionaryEntry } from '../providers/compile-lexicon.ts';
import type { PronunciationSupport } from '../providers/pronunciation.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import type { TextLimits } from '../providers/provider.ts';
import type { SettingValue, VoiceSettings } from '../providers/voice-settings.ts';
import type { LexiconEntry } from '../text/lexicon/lexicon-entry.ts';
import { LEXICON_MAX_ENTRIES } from '../text/lexicon/lexicon-limits.ts';
import type { RenderOptions } from './render-options.ts';

/** A render's lexicon (its own merged over the deployment's) and the limits its segments were planned with. */
export interface RenderLexicon {
  entries: readonly LexiconEntry[];
  limits: TextLimits;
}

/** What the lexicon did to a render, for its log ("lexicon: 3 entries apply to 12 of 51 segments"). */
export interface LexiconSummary {
  /** Entries given. */
  entries: number;
  /** Entries found in at least one segment. */
  applied: number;
  /** Segments some entry applies to: the only ones whose key the lexicon changes. */
  segments: number;
  totalSegments: number;
  /** Entries this provider, model and voice cannot take as written (e.g. only a phoneme, where only respelling works). */
  unusable: number;
  /** How they were compiled, best first (`dictionary, respell`). */
  methods: readonly string[];
}

/** What one segment sends: its text and voice settings, the lexicon applied. */
export interface SpokenSegment {
  text: string;
  voiceSettings: VoiceSettings;
}

const RESPELL_ONLY: PronunciationSupport = { methods: ['respell'], note: 'the provider names no pronunciation support: respell' };

/**
 * Applies a lexicon segment by segment, as the render's provider, model and voice take it
 * (compileLexicon): respelled text, SenseAudio `dictionary` entries in the voice settings, or
 * CosyVoice `<phoneme>` markup in the text (its client escapes the rest when it writes the SSML).
 * A segment no entry applies to is returned exactly as it came, so its identity, and with it its
 * cached audio, is the one it has without a lexicon: an edit re-bills only the segments holding
 * the words it changes.
 */
export class SegmentLexicon {
  readonly #entries: readonly LexiconEntry[];
  readonly #limits: TextLimits;
  readonly #support: PronunciationSupport;
  readonly #provider: string;
  readonly #applied = new Set<LexiconEntry>();
  #unusable = 0;
  #segments = 0;
  #total = 0;

  constructor(provider: ProviderDefinition, options: RenderOptions, lexicon: RenderLexicon) {
    if (lexicon.entries.length > LEXICON_MAX_ENTRIES) {
      throw new InputError(
        'lexicon',
        `the render's lexicon and the default have ${lexicon.entries.length} entries together, over the ${LEXICON_MAX_ENTRIES} one render may use`,
      );
    }
    this.#entries = lexicon.entries;
    this.#limits = lexicon.limits;
    this.#provider = provider.name;
    this.#support = provider.pronunciation?.({ model: options.model, voice: options.voice }) ?? RESPELL_ONLY;
  }

  /** One segment's text as sent, the lexicon applied; an InputError when it no longer fits one request. */
  apply(index: number, text: string, voiceSettings: VoiceSettings): SpokenSegment {
    this.#total += 1;
    if (this.#entries.length === 0) return { text, voiceSettings };
    const compiled = compileLexicon(text, this.#entries, this.#support, { escapeXml: false });
    this.#unusable = compiled.unused.length;
    if (compiled.applied.length === 0) return { text, voiceSettings };
    this.#segments += 1;
    for (const entry of compiled.applied) this.#applied.add(entry);
    const units = this.#limits.count(compiled.text);
    if (units > this.#limits.maxUnits) {
      throw new InputError(
        'lexicon',
        `segment ${index} counts ${units} units once the lexicon is applied, over the ${this.#limits.maxUnits} one ${this.#provider} request takes; ` +
          `shorten the respelling of ${compiled.applied.map((entry) => `"${entry.written}"`).join(', ')}`,
      );
    }
    return {
      text: compiled.text,
      voiceSettings: compiled.dictionary.length === 0 ? voiceSettings : withDictionary(voiceSettings, compiled.dictionary),
    };
  }

  summary(): LexiconSummary {
    return {
      entries: this.#entries.length,
      applied: this.#applied.size,
      segments: this.#segments,
      totalSegments: this.#total,
      unusable: this.#unusable,
      methods: this.#support.methods,
    };
  }
}

/**
 * The segment's dictionary entries after any the render set itself (`--set dictionary=…`, which
 * win for the same text), sorted, so the same entries always make the same identity.
 */
function withDictionary(voiceSettings: VoiceSettings, found: readonly DictionaryEntry[]): VoiceSettings {
  const given: SettingValue | undefined = voiceSettings.dictionary;
  const own: readonly SettingValue[] = Array.isArray(given) ? (given as readonly SettingValue[]) : [];
  const taken = new Set(own.map((entry) => (isDictionaryEntry(entry) ? entry.original : '')));
  const added = found
    .filter((entry) => !taken.has(entry.original))
    .sort((a, b) => (a.original < b.original ? -1 : a.original > b.original ? 1 : 0))
    .map((entry): SettingValue => ({ original: entry.original, replacement: entry.replacement }));
  return { ...voiceSettings, dictionary: [...own, ...added] };
}

function isDictionaryEntry(value: SettingValue): value is { original: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return typeof (value as Readonly<Record<string, SettingValue>>).original === 'string';
}

/** The line the CLI and the API log print: "lexicon: 3 entries apply to 12 of 51 segments (dictionary, respell)". */
export function describeLexicon(summary: LexiconSummary): string {
  const unusable =
    summary.unusable === 0 ? '' : `; ${summary.unusable} cannot be used here (no respelling, or an alphabet it does not take)`;
  return (
    `lexicon: ${summary.applied} of ${summary.entries} entries apply to ${summary.segments} of ${summary.totalSegments} segments ` +
    `(${summary.methods.join(', ')})${unusable}`
  );
}

/** One line of `espeak-ng --voices`. */
export interface EspeakVoice {
  /** The language code espeak selects it by (`en-us`, `cmn`). */
  language: string;
  /** Spaces restored (`English (America)`); espeak prints them as underscores. */
  name: string;
  /** Path under espeak-ng-data/voices (`gmw/en-US`); `mb/…` are MBROLA voices. */
  file: string;
  /** Further codes the voice answers to (`zh`, `zh-cmn`). */
  otherLanguages: string[];
}

/** Everything `-v` accepts on this machine: voices, and variants (`en-us+f3`). */
export interface VoiceCatalog {
  voices: EspeakVoice[];
  /** Variant names as given after `+` (`f3`, `klatt`, `Alex`). */
  variants: string[];
}

/** Voices tried first when suggesting, in this order, when the catalog has them. */
const COMMON_VOICES = ['en-us', 'en-gb', 'cmn', 'yue', 'fr-fr', 'de', 'es', 'ja'];
const MAX_SUGGESTIONS = 6;

/**
 * Parses `espeak-ng --voices` (or `--voices=variant`): a header line, then
 * `Pty Language Age/Gender VoiceName File (other 5)(languages 5)`. Columns are padded, not
 * fixed: a long language code pushes the rest along, so the line is split on whitespace, which
 * no field contains (espeak writes spaces in names as `_`).
 */
export function parseVoiceList(output: string): EspeakVoice[] {
  const voices: EspeakVoice[] = [];
  for (const line of output.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    const [priority, language, , name, file] = fields;
    if (priority === undefined || !/^\d+$/.test(priority) || language === undefined || name === undefined || file === undefined) continue;
    const rest = fields.slice(5).join(' ');
    const otherLanguages = [...rest.matchAll(/\(([^\s()]+)\s+\d+\)/g)].map((match) => match[1] ?? '').filter((code) => code !== '');
    voices.push({ language, name: name.replaceAll('_', ' '), file, otherLanguages });
  }
  return voices;
}

/** Variant names from `espeak-ng --voices=variant`, whose files are `!v/<name>`. */
export function parseVariantList(output: string): string[] {
  return parseVoiceList(output).map((voice) => voice.file.replace(/^!v\//, ''));
}

/**
 * Whether `-v <voice>` names a voice (and variant) of the catalog by code or file. espeak matches
 * voices in any case but variants by file name, case and all: `en-us+F3` silently speaks without
 * the variant. Display names are not taken, although espeak would: `klingon` is the name of
 * espeak-ng's Klingon voice (piqd), and `--voice klingon` rendered a whole English book in it,
 * which sounds like espeak's default voice spelling letters; see voiceByDisplayName.
 */
export function hasVoice(catalog: VoiceCatalog, voice: string): boolean {
  const [base = '', variant, ...extra] = voice.trim().split('+');
  if (base === '' || extra.length > 0) return false;
  if (variant !== undefined && !catalog.variants.includes(variant)) return false;
  return catalog.voices.some((entry) => voiceNames(entry).includes(base.toLowerCase()));
}

/**
 * A few voices to offer instead of an unknown one: those of the same language first (`en-au`
 * → en-us, en-gb, then the other English ones; `zh-tw` → cmn, yue), then common ones. MBROLA voices are left out: they need a separate
 * program and voice data that a plain espeak-ng install lacks.
 */
export function suggestVoices(catalog: VoiceCatalog, voice: string): string[] {
  const usable = catalog.voices.filter((entry) => !entry.file.startsWith('mb/'));
  const languages = [...new Set(usable.map((entry) => entry.language))];
  const family =
    voice
      .trim()
      .toLowerCase()
      .split(/[-+_ ]/)[0] ?? '';
  const inFamily = (code: string): boolean => code.toLowerCase() === family || code.toLowerCase().startsWith(`${family}-`);
  const sameFamily =
    family === ''
      ? []
      : [...new Set(usable.filter((entry) => [entry.language, ...entry.otherLanguages].some(inFamily)).map((entry) => entry.language))];
  const common = COMMON_VOICES.filter((code) => languages.includes(code));
  const commonInFamily = common.filter((code) => sameFamily.includes(code));
  return [...new Set([...commonInFamily, ...sameFamily, ...common, ...languages])].slice(0, MAX_SUGGESTIONS);
}

/** The voice whose display name (`Klingon`, `English (America)`) this is, in any case, variant aside. */
export function voiceByDisplayName(catalog: VoiceCatalog, voice: string): EspeakVoice | undefined {
  const base = (voice.trim().split('+')[0] ?? '').toLowerCase();
  return catalog.voices.find((entry) => entry.name.toLowerCase() === base);
}

/** The spellings of one voice we accept for `-v`, lower-cased: code, other codes, file path, file name. */
function voiceNames(voice: EspeakVoice): string[] {
  const fileName = voice.file.split('/').pop() ?? voice.file;
  return [voice.language, ...voice.otherLanguages, voice.file, fileName].map((name) => name.toLowerCase());
}

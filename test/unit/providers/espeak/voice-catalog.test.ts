import { describe, expect, it } from 'vitest';
import {
  hasVoice,
  parseVariantList,
  parseVoiceList,
  suggestVoices,
  type VoiceCatalog,
} from '../../../../src/providers/espeak/voice-catalog.ts';

/** Lines as espeak-ng 1.51 prints them, including a long code that pushes the columns along. */
const VOICES_OUTPUT = `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  af              --/M      Afrikaans          gmw/af               
 5  chr-US-Qaaa-x-west --/M      Cherokee_          iro/chr              
 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)
 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
 5  yue             --/M      Chinese_(Cantonese) sit/yue              (zh-yue 5)(zh 8)
`;

const VARIANTS_OUTPUT = `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  variant         --/M      Alex               !v/Alex              
 5  variant         --/F      f3                 !v/f3                
 5  variant         --/M      klatt              !v/klatt             
`;

const catalog: VoiceCatalog = { voices: parseVoiceList(VOICES_OUTPUT), variants: parseVariantList(VARIANTS_OUTPUT) };

describe('espeak voice list', () => {
  it('reads every voice line, with names unescaped and other languages collected', () => {
    expect(catalog.voices).toHaveLength(8);
    expect(catalog.voices[2]).toEqual({
      language: 'cmn',
      name: 'Chinese (Mandarin, latin as English)',
      file: 'sit/cmn',
      otherLanguages: ['zh-cmn', 'zh'],
    });
    expect(catalog.voices[1]).toEqual({ language: 'chr-US-Qaaa-x-west', name: 'Cherokee ', file: 'iro/chr', otherLanguages: [] });
    expect(catalog.variants).toEqual(['Alex', 'f3', 'klatt']);
  });

  it('ignores the header, blank lines and anything that is not a voice line', () => {
    expect(parseVoiceList('Pty Language Age/Gender VoiceName File Other Languages\n\nnot a voice\n')).toEqual([]);
  });

  it('accepts code, other code, file and file name in any case; not display names (issue #8: `klingon` is one)', () => {
    for (const voice of ['en-us', 'EN-US', 'en', 'zh', 'zh-cmn', 'cmn', 'gmw/en-US', 'en-US', ' fr-fr ']) {
      expect(hasVoice(catalog, voice), voice).toBe(true);
    }
    for (const voice of ['English (America)', 'english (america)']) expect(hasVoice(catalog, voice), voice).toBe(false);
  });

  it('accepts a variant only as espeak spells its file, since espeak silently drops a misspelt one', () => {
    expect(hasVoice(catalog, 'en-us+f3')).toBe(true);
    expect(hasVoice(catalog, 'en-us+Alex')).toBe(true);
    expect(hasVoice(catalog, 'en-us+F3'), 'espeak speaks en-us+F3 without the variant').toBe(false);
    expect(hasVoice(catalog, 'en-us+nobody')).toBe(false);
    expect(hasVoice(catalog, 'en-us+f3+klatt')).toBe(false);
  });

  it('refuses voices it does not have, and empty ones', () => {
    for (const voice of ['xx', 'en-au', '', '+f3', 'English_(America)', 'male_0004_a']) {
      expect(hasVoice(catalog, voice), voice).toBe(false);
    }
  });

  it('suggests the same language first, then common voices, never an MBROLA voice', () => {
    expect(suggestVoices(catalog, 'en-au')).toEqual(['en-us', 'en-gb', 'cmn', 'yue', 'fr-fr', 'af']);
    expect(suggestVoices(catalog, 'zh-tw')).toEqual(['cmn', 'yue', 'en-us', 'en-gb', 'fr-fr', 'af']);
    expect(suggestVoices(catalog, 'male_0004_a')).toEqual(['en-us', 'en-gb', 'cmn', 'yue', 'fr-fr', 'af']);
    const mbrolaOnly: VoiceCatalog = { voices: parseVoiceList(' 5  de  --/M  german-mbrola-1  mb/mb-de1  (de 8)\n'), variants: [] };
    expect(suggestVoices(mbrolaOnly, 'de')).toEqual([]);
  });
});

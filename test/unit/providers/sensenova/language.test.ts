import { describe, expect, it } from 'vitest';
import { detectLanguage, languageFor } from '../../../../src/providers/sensenova/language.ts';

describe('detectLanguage (SenseNova language under auto)', () => {
  it.each([
    ['The harbour lights were out, and nobody knew why.', 'EN'],
    ["Don't look back, O’Brien said.", 'EN'],
    ['Crème brûlée, naïve café.', 'EN'],
    ['明月几时有，把酒问青天。', 'ZH'],
    // Two Latin words against six Han characters: an English title in a Chinese sentence.
    ['我喜欢 Harry Potter 这本书', 'ZH'],
    // Four Latin words against two Han characters: a Chinese greeting in an English sentence.
    ['Li said 你好 to me', 'EN'],
    ['1984 — 2024!', 'ZH'],
    ['Глава первая', 'ZH'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('is overridden by the setting, and absent means auto', () => {
    expect(languageFor('Hello there.', undefined)).toBe('EN');
    expect(languageFor('Hello there.', 'ZH')).toBe('ZH');
    expect(languageFor('你好', 'EN')).toBe('EN');
  });
});

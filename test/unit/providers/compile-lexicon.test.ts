import { describe, expect, it } from 'vitest';
import { compileLexicon } from '../../../src/providers/compile-lexicon.ts';
import type { LexiconEntry, PronunciationSupport } from '../../../src/providers/pronunciation.ts';

/** Issue 10 item 8: a lexicon compiled into respelled text, a provider dictionary, or SSML <phoneme>. */
const RESPELL: PronunciationSupport = { methods: ['respell'], note: 'respell only' };
const DICTIONARY: PronunciationSupport = { methods: ['dictionary', 'respell'], note: 'SenseAudio 1.5 cloned voice' };
const PHONEME: PronunciationSupport = { methods: ['phoneme', 'respell'], alphabets: ['py'], note: 'CosyVoice SSML' };

const respell = (written: string, respelling: string): LexiconEntry => ({ written, respelling });

describe('compileLexicon: respell', () => {
  it('respells whole words only, in Latin text', () => {
    const nguyen = respell('Nguyen', 'Win');
    const result = compileLexicon('Nguyen met Nguyenson and nguyen; Nguyen.', [nguyen], RESPELL);
    expect(result).toEqual({ text: 'Win met Nguyenson and nguyen; Win.', ssml: false, dictionary: [], unused: [], applied: [nguyen] });
  });

  it('is Unicode-aware: a combining mark or a letter of another alphabet continues the word', () => {
    expect(compileLexicon('cafe\u0301 and cafe', [respell('cafe', 'kaffay')], RESPELL).text).toBe('cafe\u0301 and kaffay');
    expect(compileLexicon('Ольга и Ольгой', [respell('Ольга', 'Olga')], RESPELL).text).toBe('Olga и Ольгой');
    expect(compileLexicon('Zoë, Zoëy', [respell('Zoë', 'Zoey')], RESPELL).text).toBe('Zoey, Zoëy');
  });

  it('finds CJK entries inside running text (no word boundaries), and a Latin name right after Han', () => {
    expect(compileLexicon('这里好干净，真好干净啊', [respell('好干净', '豪干净')], RESPELL).text).toBe('这里豪干净，真豪干净啊');
    expect(compileLexicon('我叫Nguyen。', [respell('Nguyen', 'Win')], RESPELL).text).toBe('我叫Win。');
    expect(compileLexicon('東京タワーへ', [respell('タワー', 'たわー')], RESPELL).text).toBe('東京たわーへ');
  });

  it('lets the longest entry win at a place and never re-reads a replacement', () => {
    const entries = [respell('New York', 'Noo Yawk'), respell('York', 'Yoik'), respell('Yawk', 'never')];
    expect(compileLexicon('New York and York', entries, RESPELL).text).toBe('Noo Yawk and Yoik');
  });

  it('takes names with regex and XML punctuation literally', () => {
    expect(compileLexicon('C++ and C#, (a.b)', [respell('C++', 'see plus plus'), respell('(a.b)', 'a dot b')], RESPELL).text).toBe(
      'see plus plus and C#, a dot b',
    );
  });

  it('never touches text inside a <break> tag', () => {
    expect(compileLexicon('time <break time=500> time', [respell('time', 'tyme')], RESPELL).text).toBe('tyme <break time=500> tyme');
  });

  it('reports an entry the provider cannot take (only a phoneme, for a respell-only provider)', () => {
    const phonemeOnly: LexiconEntry = { written: '重庆', phoneme: { alphabet: 'py', value: 'chong2 qing4' } };
    const result = compileLexicon('重庆', [phonemeOnly], RESPELL);
    expect(result.text).toBe('重庆');
    expect(result.unused).toEqual([phonemeOnly]);
  });
});

describe('compileLexicon: dictionary', () => {
  it('leaves the text as it is and lists the entries the text holds, as {original, replacement}', () => {
    const entries = [respell('好干净', '[hao4]干净'), respell('银行', '[yin2][hang2]'), respell('absent', 'x')];
    const result = compileLexicon('这里好干净，好干净。银行', entries, DICTIONARY);
    expect(result).toEqual({
      text: '这里好干净，好干净。银行',
      ssml: false,
      dictionary: [
        { original: '好干净', replacement: '[hao4]干净' },
        { original: '银行', replacement: '[yin2][hang2]' },
      ],
      unused: [],
      applied: entries.slice(0, 2),
    });
  });
});

describe('compileLexicon: phoneme', () => {
  it('wraps each match in <phoneme> and escapes the rest as XML, keeping pause tags as markup', () => {
    const entries: LexiconEntry[] = [
      { written: '重庆', phoneme: { alphabet: 'py', value: 'chong2 qing4' } },
      respell('Tom & Jerry', 'Tom and Jerry'),
    ];
    const result = compileLexicon('去重庆 <break time=300> "Tom & Jerry" & 1 < 2', entries, PHONEME);
    expect(result.ssml).toBe(true);
    expect(result.text).toBe(
      '去<phoneme alphabet="py" ph="chong2 qing4">重庆</phoneme> <break time=300> &quot;Tom and Jerry&quot; &amp; 1 &lt; 2',
    );
  });

  it('escapes the phonetic value and the word, and refuses an alphabet the provider does not name', () => {
    const quoted: LexiconEntry = { written: 'AT&T', phoneme: { alphabet: 'py', value: 'ei "ti"' } };
    expect(compileLexicon('AT&T', [quoted], PHONEME).text).toBe('<phoneme alphabet="py" ph="ei &quot;ti&quot;">AT&amp;T</phoneme>');
    const ipa: LexiconEntry = { written: 'tomato', phoneme: { alphabet: 'ipa', value: 'təˈmɑːtoʊ' } };
    const result = compileLexicon('tomato', [ipa], PHONEME);
    expect(result).toEqual({ text: 'tomato', ssml: false, dictionary: [], unused: [ipa], applied: [] });
  });

  it('with escapeXml off, leaves the text for the client to escape (CosyVoice toSsml) and a text without a match as it was', () => {
    const chongqing: LexiconEntry = { written: '重庆', phoneme: { alphabet: 'py', value: 'chong2 qing4' } };
    const options = { escapeXml: false };
    expect(compileLexicon('去重庆 "A & B"', [chongqing], PHONEME, options).text).toBe(
      '去<phoneme alphabet="py" ph="chong2 qing4">重庆</phoneme> "A & B"',
    );
    expect(compileLexicon('"A & B" <break time=300>', [chongqing], PHONEME, options).text).toBe('"A & B" <break time=300>');
  });
});

describe('compileLexicon: case rule', () => {
  it('an all-lower-case entry matches any case; one with a capital matches exactly', () => {
    const anyCase = respell('hermione', 'her-MY-oh-nee');
    expect(compileLexicon('Hermione, HERMIONE and hermione; Hermiones', [anyCase], RESPELL).text).toBe(
      'her-MY-oh-nee, her-MY-oh-nee and her-MY-oh-nee; Hermiones',
    );
    const exact = respell('Reading', 'Redding');
    expect(compileLexicon('Reading is reading', [exact], RESPELL).text).toBe('Redding is reading');
  });

  it('where an exact entry and an any-case entry both match, the exact one wins', () => {
    const entries = [respell('us', 'uss'), respell('US', 'you ess')];
    expect(compileLexicon('US and us and Us', entries, RESPELL).text).toBe('you ess and uss and uss');
    expect(compileLexicon('US and us and Us', [...entries].reverse(), RESPELL).text).toBe('you ess and uss and uss');
  });

  it('sends a dictionary entry for each form of an any-case word the text holds', () => {
    const result = compileLexicon('Hermione met hermione', [respell('hermione', 'her-MY-oh-nee')], DICTIONARY);
    expect(result.dictionary).toEqual([
      { original: 'Hermione', replacement: 'her-MY-oh-nee' },
      { original: 'hermione', replacement: 'her-MY-oh-nee' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { countCharacters } from '../../simulators/cosyvoice/count-characters.ts';

describe('the CosyVoice simulator counts characters as the DashScope documents do', () => {
  it('gives the SDK page’s own examples their documented counts, SSML tags included', () => {
    expect(countCharacters('你好')).toBe(4);
    expect(countCharacters('中A文123')).toBe(8);
    expect(countCharacters('中文。')).toBe(5);
    expect(countCharacters('中 文。')).toBe(6);
    // "<speak>你好<speak/>" → 7+2+2+8=19 (seeds/004, as written there).
    expect(countCharacters('<speak>你好<speak/>')).toBe(19);
  });

  it('leaves SSML tags out when set as the WebSocket API page says (<speak>你好</speak> → 4)', () => {
    expect(countCharacters('<speak>你好</speak>', { countSsmlTags: false })).toBe(4);
    expect(countCharacters('<speak>你<break time="500ms"/>好</speak>', { countSsmlTags: false })).toBe(4);
  });

  it('counts traditional, Japanese and Korean Han characters 2, kana, hangul and other marks 1', () => {
    expect(countCharacters('體')).toBe(2);
    expect(countCharacters('漢字かなカナ한글')).toBe(4 + 6);
    // A CJK Compatibility Ideograph (the Korean duplicate of 豈) and an Extension B ideograph.
    expect(countCharacters('\u{F900}\u{20000}')).toBe(4);
    // Han-script symbols that are not ideographs: the iteration mark and the ideographic zero.
    expect(countCharacters('々〇')).toBe(2);
    // Full-width punctuation is punctuation: 1 each.
    expect(countCharacters('，。！？「」')).toBe(6);
  });

  it('counts an emoji as one character (a code point), not two UTF-16 units', () => {
    expect(countCharacters('😀')).toBe(1);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDashScope } from '../../../../src/text/count-units.ts';
import { cosyVoiceSpeechText, textMessages } from '../../../../src/providers/cosyvoice/text-messages.ts';

const ZH = '清晨的雾还没有散开，码头上已经挤满了等船的人。';
const EN = 'The lighthouse swept the sea, counting something only it could see. ';

describe('cosyVoiceSpeechText', () => {
  it('removes pause tags instead of letting them be read aloud, and tidies the whitespace they leave', () => {
    expect(cosyVoiceSpeechText('第一句。<break time=300>第二句。')).toBe('第一句。 第二句。');
    expect(cosyVoiceSpeechText('Wait <break time="500ms"/> for it.\n\n\nNext.')).toBe('Wait for it.\nNext.');
    expect(cosyVoiceSpeechText('<break time=1s>')).toBe('');
  });

  it('leaves text without tags as it is', () => {
    expect(cosyVoiceSpeechText(`${ZH}${EN}`.trim())).toBe(`${ZH}${EN}`.trim());
  });
});

describe('textMessages', () => {
  it('keeps a short text in one message', () => {
    expect(textMessages(ZH, 2000)).toEqual([ZH]);
  });

  it('cuts a long text at sentence ends, every message within the limit, aiming at three quarters of it', () => {
    const text = ZH.repeat(120); // 120 × 45 weighted = 5,400
    const messages = textMessages(text, 2000);
    expect(messages.join('')).toBe(text);
    for (const message of messages) {
      expect(countDashScope(message)).toBeLessThanOrEqual(2000);
      expect(message.endsWith('。'), `message should end a sentence: …${message.slice(-10)}`).toBe(true);
    }
    expect(messages.length).toBe(4);
    expect(countDashScope(messages[0] ?? '')).toBeLessThanOrEqual(1500);
  });

  it('keeps the space between two messages, so no two words fuse', () => {
    const text = EN.repeat(40).trim(); // ~2,800 units of English
    const messages = textMessages(text, 1000);
    expect(messages.length).toBeGreaterThan(2);
    expect(messages.join('')).toBe(text);
    for (const message of messages.slice(0, -1)) expect(message.endsWith(' '), JSON.stringify(message.slice(-12))).toBe(true);
  });

  it('keeps a line break between paragraphs as one newline', () => {
    const paragraph = ZH.repeat(20);
    const text = `${paragraph}\n${paragraph}\n${paragraph}`;
    const messages = textMessages(text, 2000);
    expect(messages.join('')).toBe(text);
    expect(messages[0]?.endsWith('\n')).toBe(true);
  });

  it('cuts Han text without any punctuation between characters, never over the limit', () => {
    const text = '风'.repeat(5000); // 10,000 weighted, no boundary at all
    const messages = textMessages(text, 2000);
    expect(messages.join('')).toBe(text);
    expect(Math.max(...messages.map(countDashScope))).toBeLessThanOrEqual(2000);
  });

  it('never exceeds the limit and never loses a character, for any mixture of scripts and marks', () => {
    const piece = fc.constantFrom('中', '文。', 'a', 'word ', '. ', '\n', '！', '😀', '👨‍👩‍👧', 'e\u0301', '𠀀', ' ', '“引号。”', '3.14', '，');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }), fc.integer({ min: 10, max: 120 }), (pieces, maxUnits) => {
        const text = cosyVoiceSpeechText(pieces.join(''));
        const messages = text === '' ? [] : textMessages(text, maxUnits);
        for (const message of messages) {
          expect(message).not.toBe('');
          expect(countDashScope(message)).toBeLessThanOrEqual(maxUnits);
        }
        expect(messages.join('')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { toSpeechText } from '../../../src/text/speech-text.ts';

describe('toSpeechText', () => {
  it.each([
    ['# Title', 'Title'],
    ['## Closed ##', 'Closed'],
    ['###### Deep\n\nBody text.', 'Deep\nBody text.'],
    ['# Part One\n\n第一章 开始\n他来了。', 'Part One\n第一章 开始\n他来了。'],
    ['  # Indented heading', 'Indented heading'],
  ])('strips heading markers: %j', (input, expected) => {
    expect(toSpeechText(input)).toBe(expected);
  });

  it.each([['C# and F# are languages.'], ['Item #1 ships today.'], ['#hashtag at a line start'], ['####### seven is not a heading']])(
    'leaves other # alone: %j',
    (input) => {
      expect(toSpeechText(input)).toBe(input);
    },
  );

  it('collapses whitespace runs to one space, or one newline when they hold a line break', () => {
    expect(toSpeechText('a   b\t\tc\u3000d')).toBe('a b c d');
    expect(toSpeechText('line one  \n\n\n  line two')).toBe('line one\nline two');
    expect(toSpeechText('  padded  ')).toBe('padded');
  });

  it('passes pause tags, punctuation and emoji through', () => {
    const text = '你好<break time=500>欢迎！ "Wait…" <break time="500ms"/> 👨‍👩‍👧';
    expect(toSpeechText(text)).toBe(text);
  });
});

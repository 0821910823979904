import { describe, expect, it } from 'vitest';
import { ssmlBreak, toEspeakInput } from '../../../../src/providers/espeak/speech-input.ts';

describe('espeak speech input', () => {
  it('sends text without pause tags as it is, not as SSML (-m is not the default)', () => {
    const text = 'Tom & Jerry: 5 < 6 > 4, "quoted" <b>bold</b>\n第二段。';
    expect(toEspeakInput(text)).toEqual({ text, ssml: false });
  });

  it('turns SenseAudio pause tags into SSML breaks and escapes the rest, so no tag is read aloud', () => {
    expect(toEspeakInput('你好<break time=500>欢迎 & <welcome>')).toEqual({
      text: '你好<break time="500ms"/>欢迎 &amp; &lt;welcome&gt;',
      ssml: true,
    });
  });

  it('keeps every tag in place, including ones at the edges and back to back', () => {
    expect(toEspeakInput('<break time=100>a<break time="200ms"/><BREAK TIME=300>b<break time=400>').text).toBe(
      '<break time="100ms"/>a<break time="200ms"/><break time="300ms"/>b<break time="400ms"/>',
    );
  });

  it('reads the time in milliseconds unless it says seconds, in whole milliseconds (espeak reads 1.5s as 1 s)', () => {
    expect(ssmlBreak('<break time=500>')).toBe('<break time="500ms"/>');
    expect(ssmlBreak('<break time="750ms"/>')).toBe('<break time="750ms"/>');
    expect(ssmlBreak("<break time='2s'>")).toBe('<break time="2000ms"/>');
    expect(ssmlBreak('<break time="1.5s"/>')).toBe('<break time="1500ms"/>');
    expect(ssmlBreak('<break time = 80.4 ms>')).toBe('<break time="80ms"/>');
  });

  it('gives a tag without a readable time espeak default pause rather than reading it', () => {
    expect(ssmlBreak('<break>')).toBe('<break/>');
    expect(ssmlBreak('<break strength="strong"/>')).toBe('<break/>');
    expect(toEspeakInput('a<break time=soon>b')).toEqual({ text: 'a<break/>b', ssml: true });
  });
});

import { describe, expect, it } from 'vitest';
import { senseAudioDefinition } from '../../../../src/providers/senseaudio/definition.ts';
import { senseAudioPauseText } from '../../../../src/providers/senseaudio/pause-tags.ts';

describe('SenseAudio pause tags (issue 10, pauseSupport tag)', () => {
  it('declares tag for every model and voice', () => {
    expect(senseAudioDefinition.pauseSupport?.({ model: 'SenseAudio-TTS-1.0', voice: 'male_0004_a' })).toBe('tag');
    expect(senseAudioDefinition.pauseSupport?.({ model: 'senseaudio-tts-1.5-260319', voice: 'my_clone' })).toBe('tag');
  });

  it('sends the documented form as it is', () => {
    expect(senseAudioPauseText('你好<break time=500>欢迎使用我们的服务')).toBe('你好<break time=500>欢迎使用我们的服务');
    expect(senseAudioPauseText('no tags here')).toBe('no tags here');
  });

  it('rewrites other spellings into <break time=N> in whole milliseconds', () => {
    expect(senseAudioPauseText('a<break time="1.5s"/>b<BREAK TIME=\'750ms\'>c<break time = 80.4 ms>')).toBe(
      'a<break time=1500>b<break time=750>c<break time=100>',
    );
  });

  it('raises a pause under the documented 100 ms minimum to 100 ms, and drops a tag without a readable time', () => {
    expect(senseAudioPauseText('a<break time=50>b<break time=0>c')).toBe('a<break time=100>b<break time=100>c');
    expect(senseAudioPauseText('a<break time=soon>b<break/>c')).toBe('abc');
  });
});

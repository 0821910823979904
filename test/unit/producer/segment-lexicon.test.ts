import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { describeLexicon, SegmentLexicon } from '../../../src/producer/segment-lexicon.ts';
import { cosyVoiceDefinition } from '../../../src/providers/cosyvoice/definition.ts';
import { toSsml } from '../../../src/providers/cosyvoice/ssml-text.ts';
import type { ProviderDefinition } from '../../../src/providers/provider-definition.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import { segmentKey, type SegmentIdentity } from '../../../src/queue/segment-key.ts';
import { parseLexicon } from '../../../src/text/lexicon/parse-lexicon.ts';
import { codePointLimits } from '../../../src/text/text-limits.ts';
import type { RenderOptions } from '../../../src/producer/render-options.ts';

/** Issue 12 item 5: a segment's key holds only the lexicon entries that apply to its text. */
const LIMITS = codePointLimits(200, 150);
const SEGMENTS = ['Harry looked up.', 'Hermione sighed, "Honestly."', 'Ron ate & ate.', 'HERMIONE!'];

function keys(definition: ProviderDefinition, options: RenderOptions, lexiconText: string | undefined): SegmentIdentity[] {
  const lexicon =
    lexiconText === undefined ? undefined : new SegmentLexicon(definition, options, { entries: parseLexicon(lexiconText), limits: LIMITS });
  return SEGMENTS.map((text, index) => {
    const spoken = lexicon?.apply(index, text, options.voiceSettings) ?? { text, voiceSettings: options.voiceSettings };
    return {
      provider: definition.name,
      model: options.model,
      voice: options.voice,
      voiceSettings: spoken.voiceSettings,
      audio: { format: 'mp3', sampleRate: 32000, channels: 1 },
      text: spoken.text,
    };
  });
}

const SENSEAUDIO_10: RenderOptions = {
  model: 'SenseAudio-TTS-1.0',
  voice: 'male_0004_a',
  audio: { format: 'mp3', sampleRate: 32000, channels: 1 },
  voiceSettings: { speed: 1.1 },
};

describe('SegmentLexicon: respell', () => {
  it('changes exactly the segments holding the word; the others keep the key they have without a lexicon', () => {
    const without = keys(senseAudioDefinition, SENSEAUDIO_10, undefined);
    const withOne = keys(senseAudioDefinition, SENSEAUDIO_10, 'hermione = her-MY-oh-nee\nDumbledore = DUM-bul-dor');
    expect(withOne.map((identity) => identity.text)).toEqual([
      'Harry looked up.',
      'her-MY-oh-nee sighed, "Honestly."',
      'Ron ate & ate.',
      'her-MY-oh-nee!',
    ]);
    const changed = withOne.map((identity, index) => segmentKey(identity) !== segmentKey(without[index] as SegmentIdentity));
    expect(changed).toEqual([false, true, false, true]);
    expect(withOne[0]).toStrictEqual(without[0]);
    expect(withOne[2]).toStrictEqual(without[2]);
  });

  it('counts what it did for the log line', () => {
    const lexicon = new SegmentLexicon(senseAudioDefinition, SENSEAUDIO_10, {
      entries: parseLexicon('hermione = her-MY-oh-nee\nDumbledore = DUM-bul-dor\nSiobhan = /ʃɪˈvɔːn/'),
      limits: LIMITS,
    });
    SEGMENTS.forEach((text, index) => lexicon.apply(index, text, {}));
    expect(describeLexicon(lexicon.summary())).toBe(
      'lexicon: 1 of 3 entries apply to 2 of 4 segments (respell); 1 cannot be used here (no respelling, or an alphabet it does not take)',
    );
  });

  it('refuses, before anything is enqueued, a segment the respelling pushes over the provider maximum', () => {
    const lexicon = new SegmentLexicon(senseAudioDefinition, SENSEAUDIO_10, {
      entries: parseLexicon(`Ron = ${'Ronald '.repeat(40)}`),
      limits: LIMITS,
    });
    expect(() => lexicon.apply(2, 'Ron ate & ate.', {})).toThrow(InputError);
    expect(() => lexicon.apply(2, 'Ron ate & ate.', {})).toThrow(
      /^lexicon: segment 2 counts \d+ units once the lexicon is applied, over the 200/,
    );
  });
});

describe('SegmentLexicon: SenseAudio dictionary (TTS-1.5, cloned voice)', () => {
  const options: RenderOptions = { ...SENSEAUDIO_10, model: 'senseaudio-tts-1.5-260319', voice: 'my_clone_01' };

  it('keeps the text, adds only the entries the segment holds to its dictionary, sorted, after the render’s own', () => {
    const without = keys(senseAudioDefinition, options, undefined);
    const lexiconText = 'hermione = her-MY-oh-nee\nHonestly = ON-est-lee\nDumbledore = DUM-bul-dor';
    const withLexicon = keys(senseAudioDefinition, options, lexiconText);
    expect(withLexicon.map((identity) => identity.text)).toEqual(SEGMENTS);
    expect(withLexicon[1]?.voiceSettings).toEqual({
      speed: 1.1,
      dictionary: [
        { original: 'Hermione', replacement: 'her-MY-oh-nee' },
        { original: 'Honestly', replacement: 'ON-est-lee' },
      ],
    });
    expect(withLexicon[3]?.voiceSettings).toEqual({ speed: 1.1, dictionary: [{ original: 'HERMIONE', replacement: 'her-MY-oh-nee' }] });
    expect(withLexicon[0]).toStrictEqual(without[0]);
    expect(withLexicon[2]).toStrictEqual(without[2]);

    const own = { ...options, voiceSettings: { dictionary: [{ original: 'Honestly', replacement: 'mine' }] } };
    const merged = keys(senseAudioDefinition, own, lexiconText)[1];
    expect(merged?.voiceSettings).toEqual({
      dictionary: [
        { original: 'Honestly', replacement: 'mine' },
        { original: 'Hermione', replacement: 'her-MY-oh-nee' },
      ],
    });
  });
});

describe('SegmentLexicon: CosyVoice SSML <phoneme>', () => {
  const options: RenderOptions = {
    model: 'cosyvoice-v2',
    voice: 'longxiaochun_v2',
    audio: { format: 'mp3', sampleRate: 22050, channels: 1 },
    voiceSettings: {},
  };

  it('puts <phoneme> markup in the text, which toSsml escapes around exactly once; untouched segments keep their key', () => {
    const lexicon = new SegmentLexicon(cosyVoiceDefinition, options, {
      entries: parseLexicon('Ron = [pinyin: rong2]\nHarry = Harold'),
      limits: LIMITS,
    });
    const spoken = lexicon.apply(2, 'Ron ate & ate.', {});
    expect(spoken.text).toBe('<phoneme alphabet="py" ph="rong2">Ron</phoneme> ate & ate.');
    expect(toSsml(spoken.text)).toBe('<speak><phoneme alphabet="py" ph="rong2">Ron</phoneme> ate &amp; ate.</speak>');
    expect(lexicon.apply(1, 'Hermione sighed, "Honestly."', {}).text).toBe('Hermione sighed, "Honestly."');
  });
});

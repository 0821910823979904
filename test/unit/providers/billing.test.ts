import { describe, expect, it } from 'vitest';
import { ai302Definition } from '../../../src/providers/ai302/definition.ts';
import { toSsml } from '../../../src/providers/cosyvoice/ssml-text.ts';
import { cosyVoiceDefinition } from '../../../src/providers/cosyvoice/definition.ts';
import { cosyVoiceSpeechText } from '../../../src/providers/cosyvoice/text-messages.ts';
import { espeakDefinition } from '../../../src/providers/espeak/definition.ts';
import type { ProviderDefinition } from '../../../src/providers/provider-definition.ts';
import { senseAudioPauseText } from '../../../src/providers/senseaudio/pause-tags.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import { senseNovaDefinition } from '../../../src/providers/sensenova/definition.ts';
import { usageCharacters as ai302Usage } from '../../simulators/ai302/audio.ts';
import { countCharacters } from '../../simulators/cosyvoice/count-characters.ts';
import { usageCharacters as senseAudioUsage } from '../../simulators/senseaudio/audio.ts';

/** Texts as a segment's job carries them: pause tags kept, quotes to escape, emoji, turns, phoneme markup. */
const TEXTS = [
  '清晨的雾还没有散开，码头上已经挤满了等船的人。',
  'The harbour was still wrapped in fog. <break time=300> "Run!" he shouted.',
  '她笑了笑：“明天的事，明天再说吧。”<break time="1.5s"/>Don\'t be afraid 👨‍👩‍👧 🇨🇳',
  '[SPEAKER0] Are you really going alone?\n[SPEAKER1] 我们很快就到了。',
  '他说<phoneme alphabet="py" ph="hao3">好</phoneme>，A & B < C.',
];

/** The provider's default model and voice: what a render without --model and --voice asks. */
const defaults = (definition: ProviderDefinition) => ({ model: definition.defaultModel, voice: definition.defaultVoice });

/**
 * Each provider's billing rule against the simulator's own counter, which is written from the
 * provider's documents (not from the client): on the text the client sends, they must agree.
 */
describe('billing rules count what the simulators bill', () => {
  it('SenseAudio: a Chinese character 2, pause tags not billed', () => {
    for (const text of TEXTS)
      expect(senseAudioDefinition.billing.units(text, defaults(senseAudioDefinition)), text).toBe(
        senseAudioUsage(senseAudioPauseText(text)),
      );
  });

  it('SenseNova: every code point 1', () => {
    for (const text of TEXTS) expect(senseNovaDefinition.billing.units(text, defaults(senseNovaDefinition)), text).toBe([...text].length);
  });

  it('302.AI: code points spoken, turn tags left out', () => {
    for (const text of TEXTS) expect(ai302Definition.billing.units(text, defaults(ai302Definition)), text).toBe(ai302Usage(text));
  });

  it('CosyVoice, SSML voice: the whole <speak> document, tags and escapes counted', () => {
    const query = { model: 'cosyvoice-v2', voice: 'longxiaochun_v2' };
    for (const text of TEXTS) expect(cosyVoiceDefinition.billing.units(text, query), text).toBe(countCharacters(toSsml(text)));
  });

  it('CosyVoice, plain voice: the text without pause tags, a Han character 2', () => {
    const query = { model: 'cosyvoice-v2', voice: 'loongeva_v2' };
    const plain = TEXTS.filter((text) => !text.includes('<phoneme'));
    for (const text of plain) expect(cosyVoiceDefinition.billing.units(text, query), text).toBe(countCharacters(cosyVoiceSpeechText(text)));
  });

  it('espeak: nothing', () => {
    for (const text of TEXTS) expect(espeakDefinition.billing.units(text, defaults(espeakDefinition))).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import { planRender } from '../../../../src/producer/plan.ts';
import { cosyVoiceDefinition } from '../../../../src/providers/cosyvoice/definition.ts';
import { breakMs, countSsmlUnits, toSsml } from '../../../../src/providers/cosyvoice/ssml-text.ts';
import { providerLimits } from '../../../../src/providers/provider-limits.ts';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { countDashScope } from '../../../../src/text/count-units.ts';

const SSML_VOICE = { model: 'cosyvoice-v2', voice: 'longxiaochun_v2' };

describe('CosyVoice pause and pronunciation capability, by model and voice (the SDK page)', () => {
  it('pauses with SSML on cosyvoice-v2 voices the table marks SSML, and nowhere else', () => {
    const pause = (model: string, voice: string) => cosyVoiceDefinition.pauseSupport?.({ model, voice });
    expect(pause('cosyvoice-v2', 'longxiaochun_v2')).toBe('ssml');
    expect(pause('cosyvoice-v2', 'longsanshu')).toBe('ssml');
    // ❌ in the table's SSML column.
    expect(pause('cosyvoice-v2', 'loongeva_v2')).toBe('none');
    // A cloned voice: "声音复刻音色不支持SSML".
    expect(pause('cosyvoice-v2', 'cosyvoice-v2-myvoice-0a1b2c')).toBe('none');
    // SSML only for cosyvoice-v2.
    expect(pause('cosyvoice-v1', 'longxiaochun_v2')).toBe('none');
  });

  it('offers <phoneme> then respelling where SSML works, names no alphabet (the document names none), else respelling', () => {
    const ssml = cosyVoiceDefinition.pronunciation?.(SSML_VOICE);
    expect(ssml?.methods).toEqual(['phoneme', 'respell']);
    expect(ssml?.alphabets).toBeUndefined();
    expect(ssml?.note).toMatch(/names no phoneme alphabet/);
    expect(cosyVoiceDefinition.pronunciation?.({ model: 'cosyvoice-v2', voice: 'loongeva_v2' })?.methods).toEqual(['respell']);
  });
});

describe('the SSML a segment is sent as', () => {
  it('rewrites the book’s pause tags as SSML breaks and wraps the text in <speak>', () => {
    expect(toSsml('第一句。<break time=800>第二句。')).toBe('<speak>第一句。<break time="800ms"/>第二句。</speak>');
    expect(toSsml('a<break time="1.5s"/>b<BREAK TIME="250ms">c')).toBe('<speak>a<break time="1500ms"/>b<break time="250ms"/>c</speak>');
    // A tag that names no time carries no pause: dropped, never read.
    expect(toSsml('a <break> b')).toBe('<speak>a  b</speak>');
    expect(breakMs('<break time=0>')).toBeUndefined();
  });

  it('escapes the text, and passes only <phoneme> markup through as written', () => {
    expect(toSsml('Tom & Jerry <3 "quotes"')).toBe('<speak>Tom &amp; Jerry &lt;3 &quot;quotes&quot;</speak>');
    expect(toSsml('<phoneme alphabet="py" ph="cao3 di4">草地</phoneme>上<b>x</b>')).toBe(
      '<speak><phoneme alphabet="py" ph="cao3 di4">草地</phoneme>上&lt;b&gt;x&lt;/b&gt;</speak>',
    );
  });

  it('refuses phoneme markup that is not whole, naming what is wrong', () => {
    for (const [text, what] of [
      ['<phoneme ph="a">草', /without its <\/phoneme>/],
      ['草</phoneme>', /without its <phoneme>/],
      ['<phoneme ph="a">草<break time=5>地</phoneme>', /<break> inside a <phoneme>/],
    ] as const) {
      let error: unknown;
      try {
        toSsml(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).providerCode).toBe('INVALID_SSML');
      expect((error as Error).message).toMatch(what);
    }
  });

  it('counts a text as it will be sent, tags included (the SDK page), piece by piece', () => {
    expect(countSsmlUnits('你好')).toBe(4);
    expect(countSsmlUnits('<break time=800>')).toBe('<break time="800ms"/>'.length);
    expect(countSsmlUnits('&')).toBe(5);
    const a = '第一句话。<break time=300>';
    const b = 'Second & last.';
    expect(countSsmlUnits(a + b)).toBe(countSsmlUnits(a) + countSsmlUnits(b));
  });
});

describe('planning for an SSML voice: one segment is one continue-task', () => {
  const config = loadConfig({});

  it('limits a segment to the message maximum less the <speak> wrapper, counted as SSML', () => {
    const limits = providerLimits(cosyVoiceDefinition, config, SSML_VOICE);
    expect(limits.maxUnits).toBe(2_000 - '<speak></speak>'.length);
    expect(limits.targetUnits).toBeLessThan(limits.maxUnits);
    expect(limits.count('<break time=800>&')).toBe(21 + 5);
    // A voice without SSML keeps the task limits.
    expect(providerLimits(cosyVoiceDefinition, config, { model: 'cosyvoice-v2', voice: 'loongeva_v2' }).maxUnits).toBe(200_000);
    expect(providerLimits(cosyVoiceDefinition, config).maxUnits).toBe(200_000);
  });

  it('plans a long book with pauses and ampersands into segments whose SSML each fits one 2,000-unit message', () => {
    const paragraph = `${'春眠不觉晓，处处闻啼鸟 & 夜来风雨声。'.repeat(8)}<break time=800>${'Flowers fall, who knows how many? '.repeat(4)}\n\n`;
    const plan = planRender(paragraph.repeat(60), providerLimits(cosyVoiceDefinition, config, SSML_VOICE));
    expect(plan.segments.length).toBeGreaterThan(10);
    for (const segment of plan.segments) expect(countDashScope(toSsml(segment.text))).toBeLessThanOrEqual(2_000);
  });
});

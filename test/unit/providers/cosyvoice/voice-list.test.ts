import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/runtime/app-config.ts';
import { cosyVoiceDefinition } from '../../../../src/providers/cosyvoice/definition.ts';
import { COSYVOICE_V2_TABLE } from '../../../../src/providers/cosyvoice/voices.ts';

describe('CosyVoice voice list (the document’s cosyvoice-v2 table)', () => {
  it('lists all 85 voices of the table, once each, for cosyvoice-v2', async () => {
    const list = await cosyVoiceDefinition.voiceList?.(loadConfig({}));
    expect(list?.complete).toBe(true);
    expect(list?.voices).toHaveLength(85);
    expect(new Set(list?.voices.map((voice) => voice.id)).size).toBe(85);
    expect(list?.voices.every((voice) => voice.models?.join() === 'cosyvoice-v2')).toBe(true);
    expect(list?.otherVoices).toMatch(/cloned voice \(cosyvoice-<prefix>-<id>/);
  });

  it('gives each row’s name, trait, languages and SSML mark as the table writes them', async () => {
    const voices = (await cosyVoiceDefinition.voiceList?.(loadConfig({})))?.voices ?? [];
    const byId = (id: string) => voices.find((voice) => voice.id === id);
    expect(byId('longxiaochun_v2')).toEqual({
      id: 'longxiaochun_v2',
      description: '龙小淳（知性积极女）',
      languages: ['zh', 'en'],
      models: ['cosyvoice-v2'],
      ssml: true,
    });
    expect(byId('longjiayi_v2')).toMatchObject({ description: '龙嘉怡（知性粤语女）', languages: ['yue', 'en'], ssml: true });
    expect(byId('loongeva_v2')).toMatchObject({ languages: ['en-GB'], ssml: false });
    expect(byId('loongabby_v2')).toMatchObject({ languages: ['en-US'], ssml: false });
    expect(byId('loongkyong_v2')).toMatchObject({ languages: ['ko'], ssml: false });
    expect(byId('loongtomoya_v2')).toMatchObject({ languages: ['ja'], ssml: false });
    // The table marks SSML ❌ on exactly its 19 overseas-marketing voices.
    expect(voices.filter((voice) => voice.ssml === false)).toHaveLength(19);
  });

  it('keeps the access column: some voices need an application first', () => {
    expect(COSYVOICE_V2_TABLE.find((voice) => voice.id === 'longhuohuo')?.access).toBe('on-request');
    expect(COSYVOICE_V2_TABLE.find((voice) => voice.id === 'longsanshu')?.access).toBe('direct');
  });
});

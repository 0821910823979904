import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { buildCreateRequest, wrapSystemPrompt } from '../../../../src/providers/ai302/request-body.ts';
import type { SynthesisRequest } from '../../../../src/providers/provider.ts';
import type { VoiceSettings } from '../../../../src/providers/voice-settings.ts';

function request(voiceSettings: VoiceSettings): SynthesisRequest {
  return {
    text: 'The sun rises in the east.',
    voice: 'default',
    model: 'higgs-audio-v2',
    audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
    voiceSettings,
  };
}

describe('buildCreateRequest', () => {
  it('makes a voice-generation body with the wire names, is_multi_speaker always present', () => {
    expect(buildCreateRequest(request({ temperature: 0.7, topK: 20, topP: 0.9 }))).toEqual({
      kind: 'generate',
      body: { is_multi_speaker: false, input_text: 'The sun rises in the east.', temperature: 0.7, top_k: 20, top_p: 0.9 },
    });
    expect(buildCreateRequest(request({ multiSpeaker: true })).body.is_multi_speaker).toBe(true);
  });

  it('wraps a scene in the documented system prompt template, and keeps a prompt that already has it', () => {
    const { body } = buildCreateRequest(request({ systemPrompt: 'Audio is recorded from a quiet room.' }));
    expect(body.system_prompt).toBe(
      'Generate audio following instruction.\n\n<|scene_desc_start|>\nAudio is recorded from a quiet room.\n<|scene_desc_end|>',
    );
    const written = 'Generate audio following instruction.\n<|scene_desc_start|>\nA hall.\n<|scene_desc_end|>';
    expect(wrapSystemPrompt(written)).toBe(written);
  });

  it('makes a clone body when reference clips are given, links and transcripts in the same order', () => {
    const links = ['https://example.com/a.wav', 'https://example.com/b.wav'];
    expect(buildCreateRequest(request({ refAudio: links, refText: ['A.', 'B.'], topP: 0.5 }))).toEqual({
      kind: 'clone',
      body: { input_text: 'The sun rises in the east.', ref_audio_links: links, ref_audio_text: ['A.', 'B.'], top_p: 0.5 },
    });
  });

  it('refuses settings that no longer pass the schema (job data outlives deploys), naming the field', () => {
    expect(() => buildCreateRequest(request({ topK: 1000 }))).toThrow(InputError);
    expect(() => buildCreateRequest(request({ topK: 1000 }))).toThrow(/^topK: /);
  });
});

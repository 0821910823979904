import { InputError } from '../../errors/input-error.ts';
import type { SynthesisRequest } from '../provider.ts';
import { readAi302Settings, type Ai302VoiceSettings } from './settings.ts';

/** The two documented task families (docs/providers/ai302.md); each has its own create/query path. */
export type Ai302TaskKind = 'clone' | 'generate';

export interface Ai302CreateRequest {
  kind: Ai302TaskKind;
  body: Record<string, string | number | boolean | readonly string[]>;
}

const SCENE_START = '<|scene_desc_start|>';

/**
 * The documented system prompt (docs/providers/ai302.md, "Settings"): an instruction, then the
 * scene between markers. A prompt that already carries the markers is taken as written.
 */
export function wrapSystemPrompt(scene: string): string {
  if (scene.includes(SCENE_START)) return scene;
  return `Generate audio following instruction.\n\n${SCENE_START}\n${scene}\n<|scene_desc_end|>`;
}

/**
 * The JSON body of a create call, with the generic settings under their wire names. Reference
 * clips make it a voice clone; otherwise it is voice generation. The voice and model names are
 * labels on our side: neither endpoint takes them (the voice comes from the clips or the prompt).
 */
export function buildCreateRequest(request: SynthesisRequest): Ai302CreateRequest {
  let settings: Ai302VoiceSettings;
  try {
    settings = readAi302Settings(request.voiceSettings);
  } catch (error) {
    // Jobs outlive deploys: settings that passed an older schema are refused here by name.
    const issue = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
    const field = issue?.path.map(String).join('.') || 'voiceSettings';
    throw new InputError(field, `${issue?.message ?? 'invalid'} (ai302)`, request.voiceSettings);
  }
  const temperature = retakeTemperature(settings.temperature, request.take ?? 1);
  const sampling = {
    ...(temperature === undefined ? {} : { temperature }),
    ...(settings.topK === undefined ? {} : { top_k: settings.topK }),
    ...(settings.topP === undefined ? {} : { top_p: settings.topP }),
  };
  if (settings.refAudio !== undefined) {
    return {
      kind: 'clone',
      body: { input_text: request.text, ref_audio_links: settings.refAudio, ref_audio_text: settings.refText ?? [], ...sampling },
    };
  }
  return {
    kind: 'generate',
    body: {
      is_multi_speaker: settings.multiSpeaker === true,
      input_text: request.text,
      ...(settings.systemPrompt === undefined ? {} : { system_prompt: wrapSystemPrompt(settings.systemPrompt) }),
      ...sampling,
    },
  };
}

/** The documented default temperature (docs/providers/ai302.md, seed 003). */
const DEFAULT_TEMPERATURE = 1;
const RETAKE_STEP = 0.15;
const RETAKE_FLOOR = 0.3;

/**
 * A retake (issue 15) asks for a fresh take: the API has no seed, so each take after the first
 * samples 0.15 cooler than the one before (down to 0.3), which also makes a runaway or garbled
 * take less likely. A first take sends exactly what the settings say.
 */
export function retakeTemperature(asked: number | undefined, take: number): number | undefined {
  if (take <= 1) return asked;
  const from = asked ?? DEFAULT_TEMPERATURE;
  return Math.round(Math.max(Math.min(from, RETAKE_FLOOR), from - RETAKE_STEP * (take - 1)) * 100) / 100;
}

import type { ProviderHarness } from '../provider-contract.ts';
import { ai302Harness } from './ai302.ts';
import { cosyVoiceHarness } from './cosyvoice.ts';
import { espeakHarness } from './espeak.ts';
import { senseAudioHarness } from './senseaudio.ts';
import { senseNovaHarness } from './sensenova.ts';

/** Every provider's client + simulator pair; the contract suite runs against each. Add yours at the end. */
export const HARNESSES: Record<string, () => Promise<ProviderHarness>> = {
  senseaudio: senseAudioHarness,
  sensenova: senseNovaHarness,
  espeak: espeakHarness,
  cosyvoice: cosyVoiceHarness,
  ai302: ai302Harness,
};

import type { ProviderHarness } from '../provider-contract.ts';
import { senseAudioHarness } from './senseaudio.ts';

/** Every provider's client + simulator pair; the contract suite runs against each. Add yours at the end. */
export const HARNESSES: Record<string, () => Promise<ProviderHarness>> = {
  senseaudio: senseAudioHarness,
};

import { SenseAudioClient } from '../../../src/providers/senseaudio/client.ts';
import { startSenseAudioSimulator } from '../../simulators/senseaudio/server.ts';
import type { SenseAudioFault } from '../../simulators/senseaudio/faults.ts';
import type { ContractFault, ProviderHarness } from '../provider-contract.ts';

const FAULTS: Record<ContractFault, SenseAudioFault> = {
  'rate-limit': { kind: 'http429', retryAfter: 2 },
  'server-error': { kind: 'http5xx', status: 503 },
  auth: { kind: 'auth401' },
  'cut-mid-audio': { kind: 'cutStream', afterEvents: 2 },
  'slow-first-byte': { kind: 'slowFirstByte', delayMs: 400 },
};

export async function senseAudioHarness(): Promise<ProviderHarness> {
  const secret = 'sa-contract-secret-5d1e';
  const simulator = await startSenseAudioSimulator({ apiKey: secret, msPerChar: 20, chunkHexChars: 1024 });
  const provider = new SenseAudioClient({ apiKey: secret, baseUrl: simulator.url });
  let next: SenseAudioFault | undefined;
  simulator.setFaults(() => {
    const fault = next;
    next = undefined;
    return fault;
  });
  return {
    name: 'senseaudio',
    provider,
    secret,
    request: {
      text: '你好，欢迎收听。Welcome to the contract test of every provider.',
      voice: 'male_0004_a',
      model: 'SenseAudio-TTS-1.0',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
      voiceSettings: {},
    },
    injectNext: (fault) => {
      next = FAULTS[fault];
    },
    requestCount: () => simulator.requests.length,
    close: async () => {
      await provider.close();
      await simulator.close();
    },
  };
}

import { SenseNovaClient } from '../../../src/providers/sensenova/client.ts';
import type { SenseNovaFault } from '../../simulators/sensenova/faults.ts';
import { startSenseNovaSimulator } from '../../simulators/sensenova/server.ts';
import type { ContractFault, ProviderHarness } from '../provider-contract.ts';

const FAULTS: Record<ContractFault, SenseNovaFault> = {
  'rate-limit': { kind: 'http429', retryAfter: 2 },
  'server-error': { kind: 'http5xx', status: 503 },
  auth: { kind: 'auth401' },
  'cut-mid-audio': { kind: 'cutStream', afterEvents: 2 },
  'slow-first-byte': { kind: 'slowFirstByte', delayMs: 400 },
};

/** SenseNova with a static API key over SSE (the key travels on every request: the leak check means something). */
export async function senseNovaHarness(): Promise<ProviderHarness> {
  const secret = 'sn-contract-secret-8c41';
  const simulator = await startSenseNovaSimulator({ apiKey: secret, msPerChar: 20, chunkBytes: 512 });
  const provider = new SenseNovaClient({ credentials: { apiKey: secret }, baseUrl: simulator.url });
  let next: SenseNovaFault | undefined;
  simulator.setFaults(() => {
    const fault = next;
    next = undefined;
    return fault;
  });
  return {
    name: 'sensenova',
    provider,
    secret,
    request: {
      text: '明月几时有，把酒问青天。Welcome to the contract test of every provider.',
      voice: 'female_chunzhen',
      model: 'SenseNova-Audio-Fusion-0603',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
      voiceSettings: { blend: [{ voice: 'female_taimei', weight: 0.3 }] },
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

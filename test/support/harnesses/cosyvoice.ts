import { CosyVoiceClient } from '../../../src/providers/cosyvoice/client.ts';
import type { CosyVoiceFault } from '../../simulators/cosyvoice/faults.ts';
import { startCosyVoiceSimulator } from '../../simulators/cosyvoice/server.ts';
import type { ContractFault, ProviderHarness } from '../provider-contract.ts';

const FAULTS: Record<ContractFault, CosyVoiceFault> = {
  'rate-limit': { kind: 'throttling', code: 'Throttling.RateQuota' },
  'server-error': { kind: 'taskFailed', code: 'InternalError', message: 'Internal server error!' },
  auth: { kind: 'upgradeRefused', status: 401 },
  'cut-mid-audio': { kind: 'closeMidAudio', afterFrames: 2 },
  'slow-first-byte': { kind: 'slowTaskStarted', delayMs: 400 },
};

export async function cosyVoiceHarness(): Promise<ProviderHarness> {
  const secret = 'sk-cosyvoice-contract-9b4e';
  const simulator = await startCosyVoiceSimulator({ apiKey: secret, msPerChar: 20, rtf: 0.01, firstFrameDelayMs: 5 });
  const provider = new CosyVoiceClient({ apiKey: secret, url: simulator.url });
  let next: CosyVoiceFault | undefined;
  simulator.setFaults(() => {
    const fault = next;
    next = undefined;
    return fault;
  });
  return {
    name: 'cosyvoice',
    provider,
    secret,
    request: {
      text: '你好，欢迎收听。Welcome to the contract test of every provider. 这是第三句话！And this is the last one.',
      voice: 'longxiaochun_v2',
      model: 'cosyvoice-v2',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1 },
      voiceSettings: {},
    },
    injectNext: (fault) => {
      next = FAULTS[fault];
    },
    requestCount: () => simulator.tasks.length,
    close: async () => {
      await provider.close();
      await simulator.close();
    },
  };
}

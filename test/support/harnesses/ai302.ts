import { Ai302Client } from '../../../src/providers/ai302/client.ts';
import { ai302Limits } from '../../../src/providers/ai302/limits.ts';
import type { Ai302Fault } from '../../simulators/ai302/faults.ts';
import { startAi302Simulator } from '../../simulators/ai302/server.ts';
import type { ContractFault, ProviderHarness } from '../provider-contract.ts';

/** For a task provider the API faults hit the create call; the audio faults hit the result download. */
const FAULTS: Record<ContractFault, Ai302Fault> = {
  'rate-limit': { kind: 'http429', on: 'create', retryAfter: 2 },
  'server-error': { kind: 'http5xx', on: 'create', status: 503 },
  auth: { kind: 'auth401' },
  'cut-mid-audio': { kind: 'cutDownload', fraction: 0.5 },
  'slow-first-byte': { kind: 'slowFirstByte', on: 'download', delayMs: 400 },
};

export async function ai302Harness(): Promise<ProviderHarness> {
  const secret = 'ai302-contract-secret-93c1';
  const simulator = await startAi302Simulator({ apiKey: secret, msPerChar: 40, stageMs: 60 });
  const provider = new Ai302Client({
    apiKey: secret,
    baseUrl: simulator.url,
    clonePath: simulator.clonePath,
    generatePath: simulator.generatePath,
    cloneQueryPath: simulator.cloneQueryPath,
    generateQueryPath: simulator.generateQueryPath,
    limits: ai302Limits(2000),
    polling: { firstPollMs: 50, maxIntervalMs: 200, deadlineMs: 10_000 },
  });
  let next: Ai302Fault | undefined;
  simulator.setFaults(() => {
    const fault = next;
    next = undefined;
    return fault;
  });
  return {
    name: 'ai302',
    provider,
    secret,
    request: {
      text: 'Welcome to the contract test of every provider. The sun rises in the east.',
      voice: 'default',
      model: 'higgs-audio-v2',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
      voiceSettings: { systemPrompt: 'Audio is recorded from a quiet room.' },
    },
    injectNext: (fault) => {
      next = FAULTS[fault];
    },
    requestCount: () => simulator.requests.filter((request) => request.call === 'create').length,
    close: async () => {
      await provider.close();
      await simulator.close();
    },
  };
}

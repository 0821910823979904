import { startAi302Simulator } from '../simulators/ai302/server.ts';
import { startCosyVoiceSimulator } from '../simulators/cosyvoice/server.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startSenseNovaSimulator } from '../simulators/sensenova/server.ts';
import { startEspeakFaultShim } from './harnesses/espeak.ts';

/**
 * One provider's simulator (for espeak: the real espeak-ng behind the counting shim), seen the way
 * a billing test needs it: the environment and flags that point a render at it, how many
 * requests it has answered, and what it reports having billed, by its own counter (the provider's
 * documents, not the client's count).
 */
export interface BillingSimulator {
  /** The provider a render names. */
  provider: string;
  /** Environment variables for the CLI or the API config. */
  env: Record<string, string>;
  /** Extra render flags (a voice that reads the sample book), and the same as API body fields. */
  args: string[];
  body: Record<string, unknown>;
  /** Synthesis requests (tasks, calls) received so far. */
  requests(): number;
  /** What the provider reported billing, summed over every request so far. */
  billed(): number;
  close(): Promise<void>;
}

/** `cosyvoice-plain`: CosyVoice with a voice that takes no SSML (plain text in several messages, not one `<speak>` document). */
export const BILLING_PROVIDERS = ['senseaudio', 'sensenova', 'ai302', 'cosyvoice', 'cosyvoice-plain', 'espeak'] as const;
export type BillingProvider = (typeof BILLING_PROVIDERS)[number];

const sum = (values: readonly (number | undefined)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

export async function startBillingSimulator(name: BillingProvider): Promise<BillingSimulator> {
  const key = `sim-key-billing-${name}-7c2f`;
  switch (name) {
    case 'senseaudio': {
      const simulator = await startSenseAudioSimulator({ apiKey: key, msPerChar: 2 });
      return {
        provider: name,
        env: { SENSEAUDIO_API_KEY: key, SENSEAUDIO_BASE_URL: simulator.url },
        args: [],
        body: {},
        requests: () => simulator.requests.length,
        billed: () => sum(simulator.requests.map((request) => request.usageCharacters)),
        close: () => simulator.close(),
      };
    }
    case 'sensenova': {
      const simulator = await startSenseNovaSimulator({ apiKey: key, msPerChar: 2 });
      return {
        provider: name,
        env: { SENSENOVA_API_KEY: key, SENSENOVA_BASE_URL: simulator.url },
        args: [],
        body: {},
        requests: () => simulator.requests.length,
        billed: () => sum(simulator.requests.map((request) => request.usageCharacters)),
        close: () => simulator.close(),
      };
    }
    case 'ai302': {
      const simulator = await startAi302Simulator({ apiKey: key, msPerChar: 2, stageMs: 10 });
      return {
        provider: name,
        env: {
          AI302_API_KEY: key,
          AI302_BASE_URL: simulator.url,
          AI302_CLONE_PATH: simulator.clonePath,
          AI302_GENERATE_PATH: simulator.generatePath,
          AI302_CLONE_QUERY_PATH: simulator.cloneQueryPath,
          AI302_GENERATE_QUERY_PATH: simulator.generateQueryPath,
          AI302_POLL_FIRST_MS: '10',
          AI302_POLL_MAX_MS: '50',
        },
        args: [],
        body: {},
        requests: () => simulator.requests.length,
        // A task bills what it spoke once it succeeds (usage.characters in the finished answer).
        billed: () => sum(simulator.tasks.filter((task) => task.lastReported === 'success').map((task) => task.usageCharacters)),
        close: () => simulator.close(),
      };
    }
    case 'cosyvoice':
    case 'cosyvoice-plain': {
      const simulator = await startCosyVoiceSimulator({ apiKey: key, msPerChar: 2, rtf: 0.01, firstFrameDelayMs: 5 });
      const voice = name === 'cosyvoice' ? {} : { voice: 'loongeva_v2' };
      return {
        provider: 'cosyvoice',
        env: { DASHSCOPE_API_KEY: key, DASHSCOPE_WS_URL: simulator.url },
        args: name === 'cosyvoice' ? [] : ['--voice', 'loongeva_v2'],
        body: voice,
        requests: () => simulator.tasks.length,
        billed: () => sum(simulator.tasks.map((task) => task.usageCharacters)),
        close: () => simulator.close(),
      };
    }
    case 'espeak': {
      const shim = await startEspeakFaultShim();
      // cmn reads the sample book's Chinese as Mandarin and its Latin as English.
      return {
        provider: name,
        env: { ESPEAK_NG_PATH: shim.path },
        args: ['--voice', 'cmn'],
        body: { voice: 'cmn' },
        requests: () => shim.calls().length,
        // Nothing meters a local program.
        billed: () => 0,
        close: () => shim.close(),
      };
    }
  }
}

import { randomBytes } from 'node:crypto';
import type { Provider, SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { loadConfig } from '../../src/runtime/app-config.ts';
import type { HarnessFactory, ProviderHarness, UnsupportedFaults } from './provider-contract.ts';

/**
 * The provider contract against the real services (`npm run test:live`, vitest.live.config.ts).
 * Each provider is built from the environment exactly as a worker builds it (its definition's
 * create), so a base-URL variable points it at a simulator as well as at the service. It bills
 * one short sentence per provider: the auth check goes out with a wrong key (refused, unbilled),
 * and the faults a real service cannot be made to show on demand are declared, not run.
 */

/** What the live run needs to know about a provider beyond its definition. */
interface LiveTarget {
  /** Words for the skip line when the credentials are not set. */
  missing: string;
  /** The one sentence it speaks (in the default voice's language): short, since it is billed. */
  text: string;
  /** The environment with the credential replaced by `wrong`, for the auth check. */
  withWrongCredential(env: NodeJS.ProcessEnv, wrong: string): NodeJS.ProcessEnv;
}

const CHINESE_SENTENCE = '你好，这是一次简短的线上检查。';

const LIVE_TARGETS: Readonly<Record<string, LiveTarget>> = {
  senseaudio: {
    missing: 'SENSEAUDIO_API_KEY is not set',
    text: CHINESE_SENTENCE,
    withWrongCredential: (env, wrong) => ({ ...env, SENSEAUDIO_API_KEY: wrong }),
  },
  sensenova: {
    missing: 'neither SENSENOVA_API_KEY nor SENSENOVA_ACCESS_KEY_ID + SENSENOVA_SECRET_ACCESS_KEY is set',
    text: CHINESE_SENTENCE,
    withWrongCredential: (env, wrong) =>
      env.SENSENOVA_API_KEY ? { ...env, SENSENOVA_API_KEY: wrong } : { ...env, SENSENOVA_SECRET_ACCESS_KEY: wrong },
  },
  cosyvoice: {
    missing: 'DASHSCOPE_API_KEY is not set',
    text: CHINESE_SENTENCE,
    withWrongCredential: (env, wrong) => ({ ...env, DASHSCOPE_API_KEY: wrong }),
  },
  ai302: {
    missing: 'AI302_API_KEY is not set',
    text: 'This is a short live check.',
    withWrongCredential: (env, wrong) => ({ ...env, AI302_API_KEY: wrong }),
  },
};

/** Providers that are no remote service: what the skip line says instead. */
const NOT_REMOTE: Readonly<Record<string, string>> = {
  espeak: 'a local program: npm test already runs its contract against the installed espeak-ng',
};

const CANNOT_CAUSE = 'cannot be caused on a live service on demand (and trying would bill)';

const LIVE_UNSUPPORTED: UnsupportedFaults = {
  'rate-limit': `a rate limit ${CANNOT_CAUSE}`,
  'server-error': `a server error ${CANNOT_CAUSE}`,
  'cut-mid-audio': `a stream cut midway ${CANNOT_CAUSE}`,
  'slow-first-byte': `a slow first byte ${CANNOT_CAUSE}`,
};

/** One provider of the live run: a harness factory, or the one line saying why it is skipped. */
export type LiveTargetPlan = { name: string; skip: string } | { name: string; factory: HarnessFactory };

/** Every registered provider, in the registry's order, with what the live run does with it. */
export function liveContractPlan(env: NodeJS.ProcessEnv = process.env): LiveTargetPlan[] {
  const config = loadConfig(env);
  return [...PROVIDERS.values()].map((definition) => {
    const { name } = definition;
    const target = LIVE_TARGETS[name];
    if (target === undefined) return { name, skip: `${name}: skipped, ${NOT_REMOTE[name] ?? 'no live target is written for it yet'}` };
    if (!definition.credentialsSet(config)) return { name, skip: `${name}: skipped, ${target.missing}` };
    const factory = Object.assign(
      (): Promise<ProviderHarness> => {
        const real = definition.create(config);
        const wrong = `live-check-wrong-key-${randomBytes(6).toString('hex')}`;
        const refused = definition.create(loadConfig(target.withWrongCredential(env, wrong)));
        let authNext = false;
        let sent = 0;
        const request: SynthesisRequest = {
          text: target.text,
          voice: definition.defaultVoice,
          model: definition.defaultModel,
          audio: definition.defaultAudio,
          voiceSettings: definition.voiceSettingsSchema.parse({}),
        };
        return Promise.resolve({
          name,
          /** The client for the next call: the wrong-key one once after injectNext('auth'). */
          get provider(): Provider {
            const chosen = authNext ? refused : real;
            authNext = false;
            sent += 1;
            return chosen;
          },
          secret: wrong,
          request,
          injectNext: (fault) => {
            if (fault !== 'auth') throw new Error(`${name}: the live run cannot inject '${fault}'`);
            authNext = true;
          },
          requestCount: () => sent,
          close: async () => {
            await Promise.all([real.close(), refused.close()]);
          },
        });
      },
      { unsupportedFaults: LIVE_UNSUPPORTED },
    );
    return { name, factory };
  });
}

/** "senseaudio: billed 15 characters (the service's count)": what one live request cost. */
export function billingLine(name: string, request: SynthesisRequest, meta: SynthesisMeta): string {
  const sent = [...request.text].length;
  const billed =
    meta.billedCharacters === undefined
      ? `the service reported no billed count; ${sent} characters sent`
      : `billed ${meta.billedCharacters} characters (the service's count; ${sent} sent)`;
  return `${name}: ${billed}, in 1 request`;
}

import { HARNESSES } from './harnesses/index.ts';
import { liveContractPlan } from './live-harnesses.ts';
import type { ProviderHarness } from './provider-contract.ts';

/** Set by vitest.live.config.ts: the contract then runs against the real services, not the simulators. */
export const LIVE_CONTRACT_VARIABLE = 'TTSB_CONTRACT_TARGET';

/** One provider the contract suite covers: a harness to run it on, or the line saying why it does not run. */
export type ContractTarget =
  | { name: string; live: boolean; makeHarness: () => Promise<ProviderHarness>; skip?: undefined }
  | { name: string; live: true; skip: string };

/** The simulator harnesses (npm test), or with TTSB_CONTRACT_TARGET=live the real services whose keys are set. */
export function contractTargets(env: NodeJS.ProcessEnv = process.env): ContractTarget[] {
  if (env[LIVE_CONTRACT_VARIABLE] !== 'live') {
    return Object.entries(HARNESSES).map(([name, makeHarness]) => ({ name, live: false, makeHarness }));
  }
  return liveContractPlan(env).map((plan) =>
    'skip' in plan ? { name: plan.name, live: true, skip: plan.skip } : { name: plan.name, live: true, makeHarness: plan.factory },
  );
}

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspeakProvider } from '../../../src/providers/espeak/client.ts';
import type { ContractFault, HarnessFactory, ProviderHarness } from '../provider-contract.ts';

/**
 * What the shim can do instead of speaking normally:
 * - `crash`: exits 139 with a message on stderr before any audio;
 * - `cut`: the real audio, cut after 6,001 bytes (mid-sample), then exit 1;
 * - `empty`: reads the text, writes nothing, exits 0;
 * - `slow`: waits 0.4 s, then speaks;
 * - `hang`: never writes and never exits (30 s), for the idle watchdog.
 */
export type EspeakFault = 'crash' | 'cut' | 'empty' | 'slow' | 'hang';

/** One speaking call as the shim saw it (voice listings are not calls). */
export interface ShimCall {
  /** 1-based, in the order calls started. */
  call: number;
  fault: EspeakFault | undefined;
  /** The process id, which stays espeak-ng's own when the shim hands over to it (exec). */
  pid: number;
  /** The command line the provider gave. */
  args: string;
}

/**
 * A stand-in for espeak-ng: a small shell script that runs the real program, or fails as told.
 * The provider is pointed at `path` (ESPEAK_NG_PATH), exactly as a user would point it at
 * another build. Faults are chosen per call: the next call (`injectNext`), or call N by a
 * plan (`setPlan`); every call is logged so tests can count calls and faults.
 */
export interface EspeakFaultShim {
  path: string;
  /** The real espeak-ng the shim runs. */
  realBinary: string;
  injectNext(fault: EspeakFault): void;
  /** `plan[i]` is the fault of call i + 1; calls past the end speak normally. */
  setPlan(plan: readonly (EspeakFault | undefined)[]): void;
  calls(): ShimCall[];
  close(): Promise<void>;
}

const FAULTS: ReadonlySet<string> = new Set<EspeakFault>(['crash', 'cut', 'empty', 'slow', 'hang']);

/** The real espeak-ng on PATH; fails (never skips) when it is missing: these tests are the point. */
export function realEspeakBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v espeak-ng'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('espeak-ng is not installed: apt-get install espeak-ng (bash scripts/ensure-system-tools.sh does it)');
  }
}

export async function startEspeakFaultShim(): Promise<EspeakFaultShim> {
  const realBinary = realEspeakBinary();
  const state = await mkdtemp(join(tmpdir(), 'ttsb-espeak-shim-'));
  const path = join(state, 'espeak-ng');
  // Call numbers come from mkdir, which is atomic: concurrent workers never share one.
  // The injected fault is taken by rename, so exactly one call gets it.
  const script = `#!/bin/sh
real=${shellQuote(realBinary)}
state=${shellQuote(state)}
case "$*" in *--voices*|*--version*) exec "$real" "$@" ;; esac
n=1
while ! mkdir "$state/call.$n" 2>/dev/null; do n=$((n + 1)); done
fault=''
if mv "$state/next" "$state/next.$n" 2>/dev/null; then
  fault=$(cat "$state/next.$n")
elif [ -f "$state/plan" ]; then
  fault=$(sed -n "\${n}p" "$state/plan")
fi
printf '%s\n' "$*" > "$state/args.$n"
echo "$n \${fault:-none} $$" >> "$state/log"
case "$fault" in
  crash) cat > /dev/null; echo 'espeak-ng: simulated crash (Segmentation fault)' >&2; exit 139 ;;
  cut) "$real" "$@" | head -c 6001; exit 1 ;;
  empty) cat > /dev/null; exit 0 ;;
  slow) sleep 0.4; exec "$real" "$@" ;;
  hang) exec sleep 30 ;;
  *) exec "$real" "$@" ;;
esac
`;
  await writeFile(path, script);
  await chmod(path, 0o755);
  return {
    path,
    realBinary,
    // Synchronous: a fault must be in place before the very next call starts.
    injectNext: (fault) => writeFileSync(join(state, 'next'), fault),
    setPlan: (plan) => writeFileSync(join(state, 'plan'), `${plan.map((fault) => fault ?? 'none').join('\n')}\n`),
    calls() {
      let log = '';
      try {
        log = readFileSync(join(state, 'log'), 'utf8');
      } catch {
        // No call yet.
      }
      return log
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [call = '0', fault = 'none', pid = '0'] = line.split(' ');
          const args = readFileSync(join(state, `args.${call}`), 'utf8').trim();
          return { call: Number(call), fault: FAULTS.has(fault) ? (fault as EspeakFault) : undefined, pid: Number(pid), args };
        })
        .sort((a, b) => a.call - b.call);
    },
    close: () => rm(state, { recursive: true, force: true }),
  };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** How the contract's faults happen to a local program. */
const CONTRACT_TO_SHIM: Partial<Record<ContractFault, EspeakFault>> = {
  'server-error': 'crash',
  'cut-mid-audio': 'cut',
  'slow-first-byte': 'slow',
};

async function makeEspeakHarness(): Promise<ProviderHarness> {
  const shim = await startEspeakFaultShim();
  const provider = new EspeakProvider({ binary: shim.path });
  return {
    name: 'espeak',
    provider,
    // There is no credential; this string stands for one and must appear nowhere, trivially.
    secret: 'espeak-has-no-credential',
    request: {
      text: 'Welcome to the contract test of every provider. <break time=300> Here espeak-ng speaks it, with no key and no network.',
      voice: 'en-us',
      model: 'espeak-ng',
      audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
      voiceSettings: {},
    },
    injectNext: (fault) => {
      const shimFault = CONTRACT_TO_SHIM[fault];
      if (shimFault === undefined) throw new Error(`espeak declares '${fault}' unsupported; the contract should not inject it`);
      shim.injectNext(shimFault);
    },
    requestCount: () => shim.calls().length,
    close: async () => {
      await provider.close();
      await shim.close();
    },
  };
}

export const espeakHarness: HarnessFactory = Object.assign(makeEspeakHarness, {
  unsupportedFaults: {
    'rate-limit': 'espeak-ng is a local program: nothing meters it, so no request can be rate limited',
    auth: 'espeak-ng needs no key or token: there is no credential to refuse or to leak',
  } satisfies Partial<Record<ContractFault, string>>,
});

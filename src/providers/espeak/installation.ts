import { execFileSync } from 'node:child_process';
import { parseVariantList, parseVoiceList, type VoiceCatalog } from './voice-catalog.ts';

/** An espeak-ng that answered `--voices`: it runs, and this is what it can speak. */
export interface EspeakInstallation {
  binary: string;
  catalog: VoiceCatalog;
}

/** Listing voices reads a few hundred small files; a program that takes longer is not usable. */
const PROBE_TIMEOUT_MS = 10_000;

const probed = new Map<string, EspeakInstallation | null>();

/**
 * Runs `<binary> --voices` and `--voices=variant` once per binary and remembers the answer;
 * undefined when the program is missing or fails. Synchronous on purpose: the definition's
 * checks (`credentialsSet`, voice validation) are synchronous, and this runs once per process.
 */
export function findEspeakInstallation(binary: string): EspeakInstallation | undefined {
  let installation = probed.get(binary);
  if (installation === undefined) {
    installation = probe(binary);
    probed.set(binary, installation);
  }
  return installation ?? undefined;
}

function probe(binary: string): EspeakInstallation | null {
  try {
    const voices = parseVoiceList(listVoices(binary, '--voices'));
    if (voices.length === 0) return null;
    return { binary, catalog: { voices, variants: parseVariantList(listVoices(binary, '--voices=variant')) } };
  } catch {
    // Missing (ENOENT), not executable, or broken: all mean "cannot speak here".
    return null;
  }
}

function listVoices(binary: string, flag: string): string {
  return execFileSync(binary, [flag], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
}

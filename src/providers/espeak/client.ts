import { passThroughOrTranscode } from '../../audio/transcode.ts';
import { ConfigError } from '../../errors/config-error.ts';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import type { StreamingProvider, SynthesisMeta, SynthesisRequest } from '../provider.ts';
import { describeError } from '../shared/network-error.ts';
import { espeakArguments } from './arguments.ts';
import { startEspeak, STOPPED, type EspeakRun } from './espeak-process.ts';
import { findEspeakInstallation } from './installation.ts';
import { ESPEAK_LIMITS } from './limits.ts';
import { toEspeakInput } from './speech-input.ts';
import { hasVoice, suggestVoices } from './voice-catalog.ts';
import { wavSamples } from '../../audio/wav-samples.ts';

export interface EspeakProviderOptions {
  /** The espeak-ng program: a name on PATH or a path (ESPEAK_NG_PATH). */
  binary?: string;
  /** A run that writes nothing for this long while we wait is killed as hung (default 60 s). */
  idleTimeoutMs?: number;
}

const PROVIDER = 'espeak';
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Speaks through the system's espeak-ng (GPL-3), run as a separate program per segment and never
 * linked: no key, no network. espeak writes 16-bit wav at its own rate (22,050 Hz); the
 * samples go through ffmpeg into the render's container, rate and channels, or straight through
 * when they already match (pcm at 22,050 Hz mono).
 *
 * Nothing is billed, so the meta carries no billedCharacters (the manifest counts 0), and
 * there is no trace id.
 */
export class EspeakProvider implements StreamingProvider {
  readonly kind = 'stream';
  readonly name = PROVIDER;
  readonly limits = ESPEAK_LIMITS;
  readonly #binary: string;
  readonly #idleTimeoutMs: number;

  constructor(options: EspeakProviderOptions = {}) {
    this.#binary = options.binary ?? 'espeak-ng';
    if (this.#binary.trim() === '') throw new ConfigError('ESPEAK_NG_PATH is empty');
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  async *synthesize(request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const signal = request.signal;
    signal?.throwIfAborted();
    this.#checkVoice(request.voice);
    const input = toEspeakInput(request.text);
    const run = startEspeak({
      binary: this.#binary,
      args: espeakArguments(request, input.ssml),
      input: input.text,
      voice: request.voice,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
    const onAbort = (): void => run.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const pcm = await wavSamples(run.stdout);
      if (pcm === undefined) {
        await run.finish(); // the exit explains a cut header, if anything does
        throw new IncompleteStreamError(PROVIDER, "espeak-ng's output ended inside its wav header");
      }
      const audio = passThroughOrTranscode(pcm.samples, request.audio, {
        inputFormat: 'pcm',
        inputSampleRate: pcm.sampleRate,
        inputChannels: pcm.channels,
        ...(signal === undefined ? {} : { signal }),
      });
      for await (const chunk of audio) yield chunk;
      // Exit code 0 is the only sign that the audio is complete; until then it is not a segment.
      await run.finish();
      return {};
    } catch (error) {
      signal?.throwIfAborted();
      throw await explainFailure(error, run);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      run.stop();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Refuses an unknown voice before starting anything: espeak would exit 1 on it, and a
   * variant it lacks (`en-us+nobody`) it would silently drop. Skipped when the voices cannot be
   * listed; espeak's own refusal is then classified from its exit.
   */
  #checkVoice(voice: string): void {
    const catalog = findEspeakInstallation(this.#binary)?.catalog;
    if (catalog === undefined || hasVoice(catalog, voice)) return;
    throw new ProviderError(
      `espeak-ng has no voice ${JSON.stringify(voice)}; try ${suggestVoices(catalog, voice).join(', ')} (\`espeak-ng --voices\` lists all)`,
      {
        provider: PROVIDER,
        kind: 'fatal',
        providerCode: 'UNKNOWN_VOICE',
      },
    );
  }
}

/**
 * A failure anywhere in the chain, told from espeak's side first: when espeak crashed, the
 * conversion that choked on its cut output is only a symptom. A conversion failure of complete
 * audio becomes a ProviderError too, so the worker knows what a retry can do.
 */
async function explainFailure(error: unknown, run: EspeakRun): Promise<unknown> {
  if (error instanceof ProviderError) return error;
  // A conversion that gave up leaves espeak blocked on a full pipe: stop it before waiting.
  // Once its output has ended it is exiting on its own, and its exit says more than our kill.
  if (!run.outputEnded) run.stop();
  try {
    await run.finish();
  } catch (espeakFailure) {
    if (espeakFailure instanceof ProviderError && espeakFailure.providerCode !== STOPPED) return espeakFailure;
  }
  if (error instanceof ConfigError) {
    // ffmpeg is missing: nothing a retry can fix.
    return new ProviderError(error.message, { provider: PROVIDER, kind: 'fatal', providerCode: 'FFMPEG_MISSING' });
  }
  return new ProviderError(`converting espeak-ng's audio failed: ${describeError(error)}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: 'CONVERSION_FAILED',
    cause: error,
  });
}

import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';

const PROVIDER = 'espeak';
const INSTALL_HINT = 'apt-get install espeak-ng';
/** A canonical WAV header; espeak-ng writes exactly this much before the first sample. */
export const WAV_HEADER_BYTES = 44;
/** The end of stderr quoted in an error: enough for espeak's one-line reasons, not a log dump. */
const STDERR_TAIL_CHARS = 240;

/** How an espeak-ng run ended, as the client saw it. */
export interface EspeakExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last bytes espeak wrote to stderr. */
  stderr: string;
  /** Bytes read from stdout (header included). */
  stdoutBytes: number;
}

/** espeak-ng could not be started at all. */
export function classifySpawnError(error: unknown, binary: string): ProviderError {
  const code = errnoCode(error);
  if (code === 'ENOENT') {
    const where = binary === 'espeak-ng' ? '' : ` (ESPEAK_NG_PATH is ${JSON.stringify(binary)})`;
    return new ProviderError(`espeak-ng is not installed${where} (${INSTALL_HINT})`, {
      provider: PROVIDER,
      kind: 'fatal',
      providerCode: 'NOT_INSTALLED',
    });
  }
  if (code === 'EACCES') {
    return new ProviderError(`cannot run ${JSON.stringify(binary)}: permission denied (check ESPEAK_NG_PATH)`, {
      provider: PROVIDER,
      kind: 'fatal',
      providerCode: 'NOT_EXECUTABLE',
    });
  }
  const why = error instanceof Error ? error.message : String(error);
  return new ProviderError(`could not start espeak-ng: ${why}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: code ?? 'SPAWN_FAILED',
  });
}

/**
 * Reads an ended run: undefined when it finished with audio. Exit code 0 is espeak's only "the
 * audio is complete" (its wav header claims a size it never meant), so:
 * - a known refusal on stderr (no such voice, no MBROLA) is fatal: a retry speaks no better;
 * - any other non-zero exit or signal is a crash: retryable, and once audio had started to
 *   flow, an incomplete stream whose bytes must be discarded;
 * - exit 0 with no samples is no segment either: an incomplete stream.
 */
export function classifyExit(exit: EspeakExit, voice: string): ProviderError | undefined {
  const tail = stderrTail(exit.stderr);
  const said = tail === '' ? '' : `: ${JSON.stringify(tail)}`;
  if (exit.code === 0 && exit.signal === null) {
    if (exit.stdoutBytes > WAV_HEADER_BYTES) return undefined;
    return new IncompleteStreamError(PROVIDER, `espeak-ng exited 0 without audio (${exit.stdoutBytes} bytes on stdout)${said}`);
  }
  if (/voice does not exist/i.test(exit.stderr)) {
    return new ProviderError(`espeak-ng has no voice ${JSON.stringify(voice)} (\`espeak-ng --voices\` lists them)`, {
      provider: PROVIDER,
      kind: 'fatal',
      providerCode: 'UNKNOWN_VOICE',
    });
  }
  if (/mbrola/i.test(exit.stderr)) {
    return new ProviderError(
      `voice ${JSON.stringify(voice)} needs MBROLA, which is not installed (apt-get install mbrola and its voice)${said}`,
      {
        provider: PROVIDER,
        kind: 'fatal',
        providerCode: 'MBROLA_MISSING',
      },
    );
  }
  const how = exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
  if (exit.stdoutBytes > 0) {
    return new IncompleteStreamError(PROVIDER, `espeak-ng ${how} after ${exit.stdoutBytes} bytes of audio${said}`);
  }
  return new ProviderError(`espeak-ng ${how} before any audio${said}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: exit.signal ?? exit.code ?? 'CRASHED',
  });
}

/** The last line or two of stderr, whitespace folded, at most STDERR_TAIL_CHARS. */
export function stderrTail(stderr: string): string {
  const folded = stderr.replace(/\s+/g, ' ').trim();
  return folded.length > STDERR_TAIL_CHARS ? `…${folded.slice(-STDERR_TAIL_CHARS)}` : folded;
}

function errnoCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

import { describe, expect, it } from 'vitest';
import { IncompleteStreamError } from '../../../../src/errors/incomplete-stream-error.ts';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import { classifyExit, classifySpawnError, stderrTail, type EspeakExit } from '../../../../src/providers/espeak/classify-exit.ts';

const exit = (overrides: Partial<EspeakExit>): EspeakExit => ({ code: 0, signal: null, stderr: '', stdoutBytes: 40_000, ...overrides });

function errnoError(code: string): Error {
  return Object.assign(new Error(`spawn espeak-ng ${code}`), { code });
}

describe('espeak exit classification', () => {
  it('accepts exit 0 with samples after the header', () => {
    expect(classifyExit(exit({ stdoutBytes: 46 }), 'en-us')).toBeUndefined();
  });

  it('treats exit 0 without samples as an incomplete stream: no audio is not a segment', () => {
    for (const stdoutBytes of [0, 44]) {
      const error = classifyExit(exit({ stdoutBytes }), 'en-us');
      expect(error).toBeInstanceOf(IncompleteStreamError);
      expect(error?.message).toContain(`exited 0 without audio (${stdoutBytes} bytes`);
    }
  });

  it('treats a crash after audio began as an incomplete stream, with a short stderr tail', () => {
    const error = classifyExit(exit({ code: 1, stdoutBytes: 6001, stderr: `${'noise '.repeat(200)}\nlast words` }), 'en-us');
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect(error?.kind).toBe('retryable');
    expect(error?.message).toMatch(/exited with code 1 after 6001 bytes of audio: ".*last words"$/);
    expect(error?.message.length).toBeLessThan(400);
  });

  it('treats a crash or a kill before any audio as retryable', () => {
    const crashed = classifyExit(exit({ code: 139, stdoutBytes: 0, stderr: 'Segmentation fault' }), 'en-us');
    expect(crashed).toBeInstanceOf(ProviderError);
    expect(crashed).not.toBeInstanceOf(IncompleteStreamError);
    expect(crashed?.kind).toBe('retryable');
    expect(crashed?.message).toBe('espeak: espeak-ng exited with code 139 before any audio: "Segmentation fault"');
    const killed = classifyExit(exit({ code: null, signal: 'SIGSEGV', stdoutBytes: 0 }), 'en-us');
    expect(killed?.kind).toBe('retryable');
    expect(killed?.message).toBe('espeak: espeak-ng was killed by SIGSEGV before any audio');
  });

  it('makes the refusals a retry cannot cure fatal: an unknown voice, a missing MBROLA', () => {
    const voice = classifyExit(exit({ code: 1, stdoutBytes: 0, stderr: 'Error: The specified espeak-ng voice does not exist.\n' }), 'xx');
    expect(voice?.kind).toBe('fatal');
    expect(voice?.providerCode).toBe('UNKNOWN_VOICE');
    expect(voice?.message).toContain('espeak-ng has no voice "xx"');
    const mbrola = classifyExit(
      exit({ code: 1, stdoutBytes: 0, stderr: 'mbrola executable was not found. Please install MBROLA!' }),
      'mb-us1',
    );
    expect(mbrola?.kind).toBe('fatal');
    expect(mbrola?.providerCode).toBe('MBROLA_MISSING');
  });

  it('names a missing program with the install command, and an unexecutable one by its path', () => {
    const missing = classifySpawnError(errnoError('ENOENT'), 'espeak-ng');
    expect(missing.kind).toBe('fatal');
    expect(missing.message).toBe('espeak: espeak-ng is not installed (apt-get install espeak-ng)');
    expect(classifySpawnError(errnoError('ENOENT'), '/opt/espeak/bin/espeak-ng').message).toContain(
      'ESPEAK_NG_PATH is "/opt/espeak/bin/espeak-ng"',
    );
    const denied = classifySpawnError(errnoError('EACCES'), '/tmp/espeak-ng');
    expect(denied.kind).toBe('fatal');
    expect(denied.message).toContain('permission denied');
    expect(classifySpawnError(errnoError('EAGAIN'), 'espeak-ng').kind).toBe('retryable');
  });

  it('folds stderr to one short line', () => {
    expect(stderrTail('  a\n\n b  ')).toBe('a b');
    expect(stderrTail('x'.repeat(1000))).toHaveLength(241);
  });
});

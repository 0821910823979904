import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncompleteStreamError } from '../../src/errors/incomplete-stream-error.ts';
import { ProviderError } from '../../src/errors/provider-error.ts';
import { walkMp3Frames } from '../../src/audio/mp3-frame-walker.ts';
import { ffmpegDecode, ffprobeDurationSeconds, requireFfmpeg, withTempFile } from '../support/ffmpeg.ts';
import { contractTargets } from '../support/contract-targets.ts';
import { billingLine } from '../support/live-harnesses.ts';
import {
  CONTRACT_FAULTS,
  errorTexts,
  speak,
  unsupportedFaultsOf,
  type ContractFault,
  type ProviderHarness,
} from '../support/provider-contract.ts';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(bytes);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

for (const target of contractTargets()) {
  const { name } = target;
  if (target.skip !== undefined) {
    // test:live only: a provider without its key. One line says why, in the output and the report.
    console.log(target.skip);
    describe.skip(`provider contract: ${target.skip}`, () => {
      it('speaks against the live service', () => undefined);
    });
    continue;
  }
  const { makeHarness } = target;
  describe(`provider contract: ${name}${target.live ? ' (live)' : ''}`, () => {
    const unsupported = unsupportedFaultsOf(makeHarness);
    /** A fault test, unless the provider declared that fault impossible (stated below instead). */
    const faultIt = (fault: ContractFault, title: string, test: () => Promise<void>): void => {
      if (unsupported[fault] === undefined) it(title, test);
    };
    for (const [fault, reason] of Object.entries(unsupported)) {
      it(`declares why it has no '${fault}' fault: ${reason}`, () => {
        expect(CONTRACT_FAULTS, 'a known contract fault').toContain(fault);
        expect(reason.trim().length, 'the reason must say something').toBeGreaterThan(10);
        // A simulator must produce most faults; a live service produces only the ones a wrong key causes.
        if (!target.live) {
          expect(Object.keys(unsupported).length, 'a provider must still face most faults').toBeLessThan(CONTRACT_FAULTS.length - 1);
        }
      });
    }
    let harness: ProviderHarness;
    beforeAll(async () => {
      await requireFfmpeg();
      harness = await makeHarness();
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('speaks a request into decodable mp3 in the requested sample rate and channels', async () => {
      const { audio, meta } = await speak(harness.provider, harness.request);
      if (target.live) console.log(billingLine(name, harness.request, meta));
      const frames = [];
      for await (const frame of walkMp3Frames(once(audio))) frames.push(frame.header);
      expect(frames.length, 'mp3 frames in the audio').toBeGreaterThan(10);
      expect(new Set(frames.map((f) => f.sampleRate))).toEqual(new Set([harness.request.audio.sampleRate]));
      expect(new Set(frames.map((f) => (f.channelMode === 'mono' ? 1 : 2)))).toEqual(new Set([harness.request.audio.channels]));
      await withTempFile(audio, 'mp3', async (path) => {
        expect((await ffmpegDecode(path)).errors).toBe('');
        expect(await ffprobeDurationSeconds(path)).toBeGreaterThan(0.5);
      });
      if (meta.billedCharacters !== undefined) expect(meta.billedCharacters).toBeGreaterThan(0);
    });

    faultIt('rate-limit', 'classifies a rate limit as rate-limited', async () => {
      harness.injectNext('rate-limit');
      const error = await failureOf(speak(harness.provider, harness.request));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('rate-limited');
    });

    faultIt('server-error', 'classifies a server error as retryable', async () => {
      harness.injectNext('server-error');
      const error = await failureOf(speak(harness.provider, harness.request));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('retryable');
    });

    faultIt('auth', 'classifies an auth failure as fatal, without ever showing the credential', async () => {
      harness.injectNext('auth');
      const error = await failureOf(speak(harness.provider, harness.request));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('fatal');
      expect(errorTexts(error)).not.toContain(harness.secret);
    });

    faultIt('cut-mid-audio', 'treats audio cut off midway as incomplete and retryable, never as a finished segment', async () => {
      harness.injectNext('cut-mid-audio');
      const error = await failureOf(speak(harness.provider, harness.request));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('retryable');
      if (harness.provider.kind === 'stream') expect(error).toBeInstanceOf(IncompleteStreamError);
    });

    faultIt('slow-first-byte', 'waits out a slow first byte', async () => {
      harness.injectNext('slow-first-byte');
      const { audio } = await speak(harness.provider, harness.request);
      expect(audio.length).toBeGreaterThan(1000);
    });
  });
}

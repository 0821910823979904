import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { validateSegmentStream } from '../audio/segment-validator.ts';
import type { DurationCeilingPolicy } from '../audio/duration-ceiling.ts';
import type { SynthesisMeta } from '../providers/provider.ts';
import type { SynthesizeJobData } from '../queue/job-data.ts';
import type { Storage } from '../storage/storage.ts';
import { withResult } from '../util/generator-result.ts';
import { startGenerator } from '../util/started-generator.ts';
import type { ProviderCall } from './provider-call.ts';
import { sha256Tap } from './segment-sidecar.ts';

/** A take received whole into a local file, validated as any answer is, not yet anywhere in storage. */
export interface ReceivedTake {
  path: string;
  bytes: number;
  sha256: string;
  meta: SynthesisMeta;
  /** Removes the file (every way out calls it). */
  discard(): Promise<void>;
}

/**
 * Streams one take of a provider's answer through the answer check (format, frames, duration
 * ceiling: a bad answer throws BadAudioError and leaves no file) into `<dir>/<uuid>.<format>`.
 * A take is checked before it is stored (verify/): it must not reach the content-addressed key,
 * where a re-render would reuse it forever, until it is accepted.
 */
export async function receiveTake(
  dir: string,
  data: SynthesizeJobData,
  call: ProviderCall,
  ceiling: DurationCeilingPolicy,
): Promise<ReceivedTake> {
  // The request goes out now, not once the folder and the file are open (started-generator.ts);
  // the call is cut when the file cannot be written.
  const started = startGenerator(call.audio, call.cancel);
  const path = join(dir, `${randomUUID()}.${data.audio.format}`);
  const discard = (): Promise<void> => rm(path, { force: true });
  const stream = withResult(started.generator);
  const checked = validateSegmentStream(stream.items, { provider: data.provider, audio: data.audio, text: data.text, ceiling });
  const hashed = sha256Tap(checked);
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of hashed.stream) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    await mkdir(dir, { recursive: true });
    await pipeline(Readable.from(counted()), createWriteStream(path));
  } catch (error) {
    await discard();
    throw error;
  } finally {
    await started.close();
  }
  return { path, bytes, sha256: hashed.sha256(), meta: stream.result(), discard };
}

/** Copies a received take into storage under `key`. */
export async function storeTake(storage: Storage, key: string, take: ReceivedTake, contentType: string): Promise<void> {
  await storage.put(key, createReadStream(take.path), { contentType });
}

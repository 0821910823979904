import type { AppConfig } from '../runtime/app-config.ts';
import { InputError } from '../errors/input-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Manifest, ManifestSentence } from '../render/manifest.ts';
import { assertRenderId } from '../render/render-id.ts';
import { RenderStore } from '../render/render-store.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { readObject } from '../storage/read-object.ts';
import { flaggedSegments, formatQaReport, segmentTexts } from './format-qa-report.ts';

/**
 * `tts-batch qa ID|MANIFEST`: the flagged segments of a finished render (no take passed its
 * checks; the best was kept), each with its time in the book file, the checks that failed and
 * its text, so a person listens to exactly those. By id, the render's record in Redis says where
 * its manifest is and its outline gives the texts; by a manifest's path (a `--local` render's
 * record is gone once it ends) the manifest's own sentences do. `--json`: the same as a JSON
 * array. Exit 0 when none is flagged, 1 when some are (a script can gate on it), 2 for an
 * unknown or unfinished render.
 */
export async function qaCommand(idOrPath: string, opts: { json?: boolean }, config: AppConfig): Promise<number> {
  const local = await localManifest(idOrPath);
  if (local !== undefined) return report(local.manifest, local.texts, opts);
  const id = idOrPath;
  assertRenderId(id);
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined);
  try {
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS });
    const state = await store.get(id);
    if (!state) throw new InputError('id', `no render with id "${id}"`, id);
    if (state.status !== 'completed' || state.result === undefined)
      throw new InputError('id', `render "${id}" is ${state.status}: its checks are reported once it has completed`, id);
    const storage = openStorage(state.spec.output, config);
    try {
      const manifest = await readManifest(storage, state.result.manifest);
      return report(manifest, segmentTexts(await store.outline(id)), opts);
    } finally {
      await storage.close();
    }
  } finally {
    await connection.quit().catch(() => undefined);
  }
}

async function readManifest(storage: Storage, url: string): Promise<Manifest> {
  const prefix = `${storage.url}/`;
  if (!url.startsWith(prefix))
    throw new TtsBatchError('MANIFEST_UNREADABLE', `the manifest ${url} is not under the render's output ${storage.url}`, {
      retryable: false,
      value: url,
    });
  return parseManifest((await readObject(storage, url.slice(prefix.length))).toString('utf8'), url);
}

function report(manifest: Manifest, texts: readonly string[], opts: { json?: boolean }): number {
  const flagged = flaggedSegments(manifest, texts);
  process.stdout.write(opts.json ? `${JSON.stringify(flagged, null, 2)}\n` : formatQaReport(manifest, flagged));
  return flagged.length === 0 ? 0 : 1;
}

/** A manifest on this machine: the path of a `manifest.json`, or of the render folder holding one. */
async function localManifest(arg: string): Promise<{ manifest: Manifest; texts: string[] } | undefined> {
  if (!arg.includes('/') && !arg.endsWith('.json')) return undefined;
  const path = arg.endsWith('.json') ? resolve(arg) : join(resolve(arg), 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError('manifest', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, path);
  }
  const manifest = parseManifest(text, path);
  // A long book's sentences are in the timing map beside it (manifest-timings.ts).
  const sentences =
    manifest.sentences ??
    (manifest.timings === undefined
      ? []
      : (JSON.parse(await readFile(join(dirname(path), manifest.timings.file), 'utf8')) as { sentences: ManifestSentence[] }).sentences);
  const texts: string[] = [];
  for (const sentence of sentences) texts[sentence.segment] = `${texts[sentence.segment] ?? ''} ${sentence.text.trim()}`.trim();
  return { manifest, texts };
}

function parseManifest(text: string, where: string): Manifest {
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    throw new InputError('manifest', `${where} is not a manifest (JSON): ${error instanceof Error ? error.message : String(error)}`, where);
  }
}

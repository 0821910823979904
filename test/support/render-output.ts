import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Manifest } from '../../src/render/manifest.ts';

/**
 * A finished render's folder under a local output, found by its manifest's id: renders are
 * named after their books (docs/outputs.md, "Names"), so a test that knows only the id looks.
 */
export async function renderFolder(out: string, id: string): Promise<string> {
  for (const entry of await readdir(out, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const manifest = await readFile(join(out, entry.name, 'manifest.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined && (JSON.parse(manifest) as Manifest).id === id) return join(out, entry.name);
  }
  throw new Error(`no folder under ${out} holds the manifest of render ${id}`);
}

export async function renderManifest(out: string, id: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(await renderFolder(out, id), 'manifest.json'), 'utf8')) as Manifest;
}

/** The whole-book file of a finished render (the manifest's `audio` key, under the output). */
export async function renderAudioPath(out: string, id: string): Promise<string> {
  return join(out, (await renderManifest(out, id)).audio);
}

/** A CLI render's output read back: the whole-book file its last stdout line names, that file's folder and the manifest in it. */
export async function cliRendered(stdout: string): Promise<{ bookPath: string; folder: string; manifest: Manifest }> {
  const bookPath = stdout.trimEnd().split('\n').at(-1) ?? '';
  const folder = dirname(bookPath);
  return { bookPath, folder, manifest: JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest };
}

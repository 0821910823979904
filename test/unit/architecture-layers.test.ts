import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/run-cli.ts';

interface Layer {
  name: string;
  folders: string[];
}

/** The layers `npm run depcheck` enforces, from the dependency-cruiser configuration. */
async function ruleLayers(): Promise<Layer[]> {
  const config = (await import(new URL('../../.dependency-cruiser.js', import.meta.url).href)) as { layers: Layer[] };
  return config.layers;
}

/** The rows of the layer picture in docs/architecture.md, top first. */
function pictureLayers(): Layer[] {
  const doc = readFileSync(`${REPO_ROOT}docs/architecture.md`, 'utf8');
  const section = doc.slice(doc.indexOf('## Layers'));
  const picture = section.slice(section.indexOf('```text'), section.indexOf('```', section.indexOf('```text') + 3));
  return [...picture.matchAll(/^ │ (.+?)\s*│ (.+?)\s*│$/gm)].map(([, name = '', folders = '']) => ({
    name,
    folders: folders.split(' · '),
  }));
}

describe('the layer rule', () => {
  it('is the picture in docs/architecture.md, row for row', async () => {
    const picture = pictureLayers();
    expect(picture.length).toBeGreaterThan(0);
    expect(picture).toEqual(await ruleLayers());
  });

  it('places every folder of src/ on exactly one layer', async () => {
    const placed = (await ruleLayers()).flatMap((layer) => layer.folders);
    const folders = readdirSync(`${REPO_ROOT}src`, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...placed].sort()).toEqual([...folders].sort());
    expect(new Set(placed).size).toBe(placed.length);
  });
});

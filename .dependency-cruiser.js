// The layering of src/, checked by `npm run depcheck` (part of `npm test`). docs/architecture.md
// draws the same layers; test/unit/architecture-layers.test.ts fails when the two disagree or a
// folder of src/ is missing here.

/**
 * src/ folders by layer, top first. A folder may import its own files and any folder on a lower
 * layer; never a folder beside it on its own layer, never one above.
 */
export const layers = [
  { name: 'entry points', folders: ['cli'] },
  { name: 'processes', folders: ['api', 'worker'] },
  { name: 'starting and stopping renders', folders: ['producer'] },
  { name: 'around a render', folders: ['webhooks', 'metrics', 'cache'] },
  { name: 'queue contracts', folders: ['queue'] },
  { name: 'render records', folders: ['render'] },
  { name: 'mastering', folders: ['master'] },
  { name: 'stitching, verifying, runtime', folders: ['stitcher', 'verify', 'runtime'] },
  { name: 'providers, storage, books', folders: ['providers', 'storage', 'book'] },
  { name: 'text, audio, configuration', folders: ['text', 'audio', 'config'] },
  { name: 'base', folders: ['errors', 'util'] },
];

const folderPattern = (folders) => `^src/(${folders.join('|')})/`;

/** One rule per folder: what is above it and beside it is out of its reach. */
const layerRules = layers.flatMap((layer, index) => {
  const above = layers.slice(0, index).flatMap((upper) => upper.folders);
  return layer.folders.flatMap((folder) => {
    const outOfReach = [...above, ...layer.folders.filter((peer) => peer !== folder)];
    if (outOfReach.length === 0) return [];
    return {
      name: `layer-${folder}`,
      comment: `src/${folder} (layer "${layer.name}") imports only lower layers, not ${outOfReach.join(', ')}`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: folderPattern(outOfReach) },
    };
  });
});

/** The suites: each may use test/support, test/simulators and anything in src/. */
const SUITES = '^test/(unit|integration|contract|chaos|browser)/';

export default {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'No module reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'provider-to-other-provider',
      comment: 'A provider folder uses providers/shared and the provider contracts, never another provider.',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: { path: '^src/providers/[^/]+/', pathNot: '^src/providers/($1|shared)/' },
    },
    {
      name: 'src-to-tests-or-bench',
      comment: 'The product never imports its tests, simulators or benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'test-support-to-suite',
      comment: 'test/support and test/simulators sit below the suites: they never import a suite.',
      severity: 'error',
      from: { path: '^test/(support|simulators)/' },
      to: { path: SUITES },
    },
    {
      name: 'tests-to-bench',
      comment: 'Benchmarks may use test support; tests never import a benchmark.',
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^bench/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|bench/results|renders|coverage)/' },
    // Type-only imports count: a type from an upper layer is an upward import too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

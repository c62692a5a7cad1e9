// The layer check (docs/architecture.md, "Layers"): a module never imports from a layer above its
// own. Part of `npm run lint`, so CI fails on any import that points upwards.
const layers = [
  [
    'bottom',
    '^engine/(errors|logger|task-id|topic-partition)\\.ts$|^engine/serdes/|^state-stores/(windowed|composite-key)\\.ts$',
  ],
  ['state-stores', '^state-stores/'],
  ['processor', '^engine/processor/'],
  ['topology-dsl', '^engine/(topology|dsl)/'],
  ['transport', '^engine/transport/'],
  ['runtime', '^engine/runtime/'],
  ['testing', '^engine/testing/'],
  ['patterns', '^engine/patterns/'],
  ['index', '^engine/index\\.ts$'],
];

// A module is in the first layer whose pattern it matches: state-stores/windowed.ts is at the bottom.
const below = (index) =>
  layers
    .slice(0, index)
    .map(([, pattern]) => pattern)
    .join('|') || '^$';

module.exports = {
  forbidden: [
    ...layers.flatMap(([name, pattern], i) =>
      layers.slice(i + 1).map(([higher, higherPattern], k) => ({
        name: `${name}-imports-${higher}`,
        comment: `${name} is below ${higher}: it must not import from it`,
        severity: 'error',
        from: { path: pattern, pathNot: below(i) },
        to: { path: higherPattern, pathNot: below(i + 1 + k) },
      })),
    ),
    {
      name: 'apps-import-only-rivulet',
      comment:
        'bench/, topologies/ and interactive-queries/ use the public API: import from "rivulet", never engine internals',
      severity: 'error',
      from: { path: '^(bench|topologies|interactive-queries)/' },
      to: { path: '^(engine|state-stores)/', pathNot: '^engine/index\\.ts$' },
    },
    {
      name: 'engine-below-interactive-queries',
      comment: 'the engine knows nothing of the HTTP layer built on it',
      severity: 'error',
      from: { path: '^(engine|state-stores)/' },
      to: { path: '^interactive-queries/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may reach across layers to set up what they check.
    exclude: { path: '(^|/)tests/|\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

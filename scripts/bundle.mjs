// Bundles the action and the gomod-cap command line into dist/ as CommonJS for node24 runners.
//
// Start-up: the heavy clients (@actions/cache, @actions/artifact: Azure storage, protobuf, ...)
// are two thirds of the action's code but only some runs use them. The source loads them with
// `await import(...)`; here each becomes its own file in dist/ that index.cjs requires only at
// that moment, so a run that does not upload or cache never even parses them.
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

/** Package -> the file in dist/ that holds it. */
export const LAZY_CHUNKS = {
  '@actions/cache': 'actions-cache.cjs',
  '@actions/artifact': 'actions-artifact.cjs',
};

/** Dynamic imports of LAZY_CHUNKS packages become `require('./<chunk>')` (static ones stay bundled). */
const lazyChunks = {
  name: 'lazy-chunks',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY_CHUNKS).join('|').replace(/\//g, '\\/')})$`);
    b.onResolve({ filter }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./${LAZY_CHUNKS[args.path]}`, external: true } : undefined,
    );
  },
};

await Promise.all([
  build({
    ...bundleOptions,
    entryPoints: ['src/index.ts'],
    outfile: 'dist/index.cjs',
    plugins: [lazyChunks],
  }),
  build({ ...bundleOptions, entryPoints: ['src/cli/gomod-cap.ts'], outfile: 'dist/gomod-cap.cjs' }),
  ...Object.entries(LAZY_CHUNKS).map(([pkg, file]) =>
    build({
      ...bundleOptions,
      stdin: { contents: `export * from '${pkg}';\n`, resolveDir: '.', sourcefile: `${file}.js` },
      outfile: `dist/${file}`,
    }),
  ),
]);

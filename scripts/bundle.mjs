// Bundles the action and the gomod-cap command line into dist/ as CommonJS for node24 runners.
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

await Promise.all([
  build({ ...bundleOptions, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs' }),
  build({ ...bundleOptions, entryPoints: ['src/cli/gomod-cap.ts'], outfile: 'dist/gomod-cap.cjs' }),
]);

// Bundles the action and the gomod-cap command line into dist/ as CommonJS for node24 runners.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
  // Some toolkit packages reference import.meta.url; give them a CJS equivalent.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs' }),
  build({ ...common, entryPoints: ['src/cli/gomod-cap.ts'], outfile: 'dist/gomod-cap.cjs' }),
]);

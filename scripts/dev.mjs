// `npm run dev -- [PLUGIN_DIR] [INPUT=VALUE ...] [options]`: bundles the action from src/ as the
// release bundle is made (but into .tmp/dev, leaving dist/ alone) and the dev loop beside it,
// then runs the loop (scripts/dev-loop.ts: options and examples there, and in the README's
// Development section). About a second of bundling; the rest is the action's own run.
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { bundleOptions } from './bundle-options.mjs';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.tmp', 'dev');
process.env.FLOW_DEV_ACTION = join(out, 'action', 'index.cjs');
await Promise.all([
  build({
    ...bundleOptions,
    entryPoints: [join(root, 'src/index.ts')],
    outfile: process.env.FLOW_DEV_ACTION,
  }),
  build({
    entryPoints: [join(root, 'scripts/dev-loop.ts')],
    outfile: join(out, 'dev-loop.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  }),
]);
process.argv[1] = join(out, 'dev-loop.mjs');
await import(pathToFileURL(process.argv[1]).href);

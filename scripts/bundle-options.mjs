// The esbuild options of dist/ (CommonJS for node24 runners, runs on Node 20 too); shared by
// scripts/bundle.mjs and the tests that bundle a module alone to check it works bundled.
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
  // Paths as seen from the project (its path comments stay the same when node_modules is a
  // symlink, as in a git worktree that shares one): the bundle does not depend on where it is made.
  preserveSymlinks: true,
  // Some toolkit packages reference import.meta.url; give them a CJS equivalent.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

// The project's markdown files whose ```yaml blocks are workflows a user copies: README.md,
// CONTRIBUTING.md and every docs/**/*.md. Read by scripts/lint-workflows.mjs (actionlint) and
// __tests__/workflows.test.ts (the with-keys check), so a block is checked wherever it moves.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The documentation files below `root`, as paths relative to it ('/'-separated), sorted. */
export function docFiles(root) {
  const files = ['README.md', 'CONTRIBUTING.md'].filter((f) => existsSync(join(root, f)));
  const walk = (dir) => {
    if (!existsSync(join(root, dir))) return;
    for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile() && e.name.endsWith('.md')) files.push(rel);
    }
  };
  walk('docs');
  return files;
}

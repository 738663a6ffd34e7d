// Every workflow checked: actionlint over .github/workflows/* and over every workflow block of
// README.md, CONTRIBUTING.md and docs/**/*.md (scripts/doc-files.mjs; completed into a workflow the way the README says it is used, see
// scripts/workflow-blocks.mjs, with `uses: Flow/plugin-build-action@...` read as `uses: ./` so
// actionlint checks the step's `with:` keys and output reads against this checkout's action.yml),
// plus the same interface check the tests make without actionlint. Findings in a markdown block are
// reported at its file's line. Exit 1 on any finding.
//   node scripts/lint-workflows.mjs --actionlint /path/to/actionlint [--shellcheck /path/to/shellcheck]
// (.ci/actionlint.sh installs the pinned actionlint and calls this.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { docFiles } from './doc-files.mjs';
import {
  actionInterface,
  asLocalAction,
  interfaceFindings,
  readmeWorkflowBlocks,
} from './workflow-blocks.mjs';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const actionlint = flag('--actionlint') ?? process.env.ACTIONLINT ?? 'actionlint';
const shellcheck = flag('--shellcheck') ?? '';

const workflowsDir = join(root, '.github', 'workflows');
const workflows = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(workflowsDir, f));

// Markdown blocks as files inside this repository (actionlint resolves `uses: ./` from the git root).
const out = join(root, '.tmp', 'readme-workflows');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const docs = docFiles(root);
const blocks = docs.flatMap((doc) =>
  readmeWorkflowBlocks(readFileSync(join(root, doc), 'utf8')).map((b) => ({ ...b, doc })),
);
/** Written file -> how its lines map back to its markdown file. */
const fromReadme = new Map();
for (const b of blocks) {
  if (b.kind === 'other') continue;
  const file = join(out, `${b.doc.replace(/[^A-Za-z0-9]+/g, '-')}-line-${b.line}.yml`);
  writeFileSync(file, `${asLocalAction(b.yaml)}\n`);
  fromReadme.set(file, b);
}

const findings = [];
const where = (file, line, col) => {
  const b = fromReadme.get(file);
  if (!b) return `${relative(root, file)}:${line}:${col}`;
  const inBlock = line - b.prefix;
  if (inBlock < 1)
    return `${b.doc}:${b.line}:1 (the line the block was completed with, ${relative(root, file)}:${line})`;
  return `${b.doc}:${b.line + inBlock - 1}:${Math.max(1, col - b.indent)}`;
};

const files = [...workflows, ...fromReadme.keys()];
const run = spawnSync(
  actionlint,
  [
    '-format',
    '{{json .}}',
    '-shellcheck',
    shellcheck,
    '-pyflakes',
    '',
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, encoding: 'utf8' },
);
if (run.error) {
  console.error(`lint-workflows: cannot run actionlint (${actionlint}): ${run.error.message}`);
  process.exit(2);
}
if (run.status !== 0 && run.status !== 1) {
  console.error(`lint-workflows: actionlint exited ${run.status}\n${run.stderr}${run.stdout}`);
  process.exit(2);
}
for (const e of JSON.parse(run.stdout || '[]')) {
  findings.push(`${where(resolve(root, e.filepath), e.line, e.column)}: ${e.message} [${e.kind}]`);
}

const iface = actionInterface(readFileSync(join(root, 'action.yml'), 'utf8'));
for (const f of workflows)
  for (const x of interfaceFindings(readFileSync(f, 'utf8'), iface))
    findings.push(`${relative(root, f)}:${x.line}:1: ${x.message} [action.yml]`);
for (const [file, b] of fromReadme)
  for (const x of interfaceFindings(b.yaml, iface))
    findings.push(`${where(file, x.line, 1)}: ${x.message} [action.yml]`);

const version = spawnSync(actionlint, ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const skipped = blocks.filter((b) => b.kind === 'other').map((b) => `${b.doc}:${b.line}`);
console.log(
  `actionlint ${version}${shellcheck ? ' with shellcheck' : ''}: ${workflows.length} workflow files, ` +
    `${fromReadme.size} workflow blocks in ${docs.join(', ')} (${[...fromReadme.values()].map((b) => `${b.doc}:${b.line}: ${b.kind}`).join(', ')})` +
    (skipped.length ? `; not workflows: ${skipped.join(', ')}` : ''),
);
for (const f of findings) console.log(f);
console.log(findings.length ? `${findings.length} findings` : 'no findings');
process.exit(findings.length ? 1 : 0);

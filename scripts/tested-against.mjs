// Writes the "Tested against" table of docs/tested-against.md from the results of a real run of
// __tests__/real-plugins.docker.test.ts (.tmp/real-results/<matrix>.json): never by hand.
//   node scripts/tested-against.mjs [results.json]   # default: full.json if present, else quick.json
// Replaces what stands between the two markers in docs/tested-against.md; --check exits 1 when
// the file differs from what the results give.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START =
  '<!-- tested-against:start (scripts/tested-against.mjs writes this table from a run; do not edit) -->';
const END = '<!-- tested-against:end -->';
const TARGETS = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'];

const args = process.argv.slice(2);
const check = args.includes('--check');
const given = args.find((a) => !a.startsWith('--'));
const dir = join(root, '.tmp', 'real-results');
const file = given ?? [join(dir, 'full.json'), join(dir, 'quick.json')].find((f) => existsSync(f));
if (!file || !existsSync(file)) {
  console.error(
    `no results: run the real tests first (npx vitest run __tests__/real-plugins.docker.test.ts)`,
  );
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8'));

const cell = (row) =>
  !row ? '–' : row.result === 'loaded' ? 'loaded' : row.result === 'refused' ? '**refused**' : 'not built';
const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** The server's panic, shortened to what differs: `panic: error while loading plugin x.so: ... package P`. */
const short = (reason) => {
  const m =
    /^(panic: error while loading plugin \S+): .*(plugin was built with a different version of package \S+)/.exec(
      reason,
    );
  if (m) return `${m[1]} ... ${m[2]}`;
  // The action's words are cut at 200 characters by the test: keep whole sentences.
  const cut = reason.length >= 200 && !reason.endsWith('.') ? reason.lastIndexOf('. ') : -1;
  return cut > 0 ? reason.slice(0, cut + 1) : reason;
};

const groups = new Map();
for (const r of results.rows) {
  const key = `${r.server}\u0000${r.plugin}\u0000${r.sync}\u0000${r.run ?? ''}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const serverGo = new Map(results.servers.map((s) => [s.tag, s]));
const order = (tag) => results.servers.findIndex((s) => s.tag === tag);
const pluginOrder = (id) => results.plugins.findIndex((p) => p.id === id);
const sorted = [...groups.values()].sort(
  (a, b) =>
    order(a[0].server) - order(b[0].server) ||
    pluginOrder(a[0].plugin) - pluginOrder(b[0].plugin) ||
    Number(b[0].sync) - Number(a[0].sync),
);

const lines = [];
lines.push(
  `Real gotify releases (built from their module source in the builder images, the way upstream builds them) and real plugins built by this action, then loaded by the real server, which must list the plugin in \`GET /plugin\`. From a ${results.matrix === 'full' ? 'full' : 'quick (CI subset)'} run on ${results.date.slice(0, 10)}; \`go-mod-sync: off\` rows are the negative control.`,
);
lines.push('');
lines.push(`| server (Go) | plugin | go.mod sync | ${TARGETS.join(' | ')} | reason |`);
lines.push(`| --- | --- | --- | ${TARGETS.map(() => '---').join(' | ')} | --- |`);
for (const g of sorted) {
  const first = g[0];
  const s = serverGo.get(first.server);
  const byTarget = new Map(g.map((r) => [r.target, r]));
  const bad = g.find((r) => r.result !== 'loaded');
  const reason = bad ? bad.reason : g[0].reason;
  lines.push(
    `| ${first.server} (${s ? s.goVersion : '?'}) | ${first.plugin} | ${first.sync ? 'on' : 'off'}${first.run ? ` (${first.run})` : ''} | ${TARGETS.map((t) => cell(byTarget.get(t))).join(' | ')} | ${esc(short(reason))} |`,
  );
}
lines.push('');
lines.push('Plugins:');
lines.push('');
for (const p of results.plugins)
  lines.push(`- **${p.id}**: \`${p.source}\` (module \`${p.module}\`): ${p.why}`);
const table = lines.join('\n');

const docFile = join(root, 'docs', 'tested-against.md');
const doc = readFileSync(docFile, 'utf8');
const a = doc.indexOf(START);
const b = doc.indexOf(END);
if (a < 0 || b < a) {
  console.error(`docs/tested-against.md has no tested-against markers`);
  process.exit(2);
}
// Formatted as `npm run format-check` wants it (prettier aligns the table's columns).
const next = await prettier.format(`${doc.slice(0, a + START.length)}\n${table}\n${doc.slice(b)}`, {
  ...(await prettier.resolveConfig(docFile)),
  filepath: docFile,
});
if (check) {
  if (next !== doc) {
    console.error('docs/tested-against.md differs from the results; run node scripts/tested-against.mjs');
    process.exit(1);
  }
} else if (next !== doc) {
  writeFileSync(docFile, next);
  console.log(`docs/tested-against.md written from ${file} (${results.rows.length} rows)`);
}

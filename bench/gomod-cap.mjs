// Benchmark: capping a realistic server/plugin go.mod pair (60 server requires) with our
// TypeScript port vs the original gomod-cap's way (go mod edit -json on both files, then one
// `go mod edit -require=path@version` process per differing module), in the same run.
//   node bench/gomod-cap.mjs [iterations]
// Needs a host Go (bash .ci/install-go.sh). Prints medians and ratios.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const iterations = Number(process.argv[2] ?? 15);
const tmp = mkdtempSync(join(tmpdir(), 'gomod-cap-bench-'));
const require = createRequire(import.meta.url);

function findGo() {
  const found = readdirSync('/usr/lib')
    .map((n) => /^go-(\d+)\.(\d+)$/.exec(n))
    .filter((m) => m && existsSync(`/usr/lib/${m[0]}/bin/go`))
    .sort((a, b) => b[1] - a[1] || b[2] - a[2]);
  if (!found.length) throw new Error('no host Go under /usr/lib; run: bash .ci/install-go.sh');
  return `/usr/lib/${found[0][0]}/bin/go`;
}

// A realistic pair: a server with 60 requires (direct and // indirect blocks, pseudo-versions,
// +incompatible), a plugin sharing 40 of them, 15 at other versions (higher and lower).
function pair() {
  const server = ['module example.com/flow/server/v2', '', 'go 1.24', '', 'toolchain go1.24.4', ''];
  const plugin = ['module example.com/flow-plugin-demo', '', 'go 1.24', ''];
  const mods = [];
  for (let i = 0; i < 60; i++) {
    const path = i % 7 === 0 ? `golang.org/x/mod${i}` : `github.com/org${i % 9}/module-${i}`;
    const version =
      i % 11 === 0
        ? `v0.0.0-2024010${i % 9}120000-abcdef${String(100000 + i)}`
        : i % 13 === 0
          ? `v${2 + (i % 3)}.0.0+incompatible`
          : `v1.${i % 20}.${i % 5}`;
    mods.push({ path, version, indirect: i >= 25 });
  }
  const block = (list) => [
    'require (',
    ...list.map((m) => `\t${m.path} ${m.version}${m.indirect ? ' // indirect' : ''}`),
    ')',
    '',
  ];
  server.push(...block(mods.filter((m) => !m.indirect)), ...block(mods.filter((m) => m.indirect)));
  const shared = mods.filter((_, i) => i % 3 !== 2).slice(0, 40);
  const pluginMods = shared.map((m, i) => {
    if (i % 8 !== 3 && i % 8 !== 6) return m;
    const bump = m.version.startsWith('v1.')
      ? m.version.replace(/^v1\.(\d+)/, (_, n) => `v1.${Number(n) + (i % 2 ? 1 : -1 + 2 * (n === '0'))}`)
      : 'v1.0.0';
    return { ...m, version: bump };
  });
  pluginMods.push({ path: 'github.com/plugin-only/thing', version: 'v0.3.1', indirect: false });
  plugin.push(
    ...block(pluginMods.filter((m) => !m.indirect)),
    ...block(pluginMods.filter((m) => m.indirect)),
  );
  return { server: server.join('\n'), plugin: plugin.join('\n') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t) => `${t.toFixed(3)} ms`;

async function main() {
  const gomod = join(tmp, 'gomod.cjs');
  const cli = join(tmp, 'gomod-cap.cjs');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' };
  await build({ ...common, entryPoints: [join(repo, 'src/gomod/index.ts')], outfile: gomod });
  await build({ ...common, entryPoints: [join(repo, 'src/cli/gomod-cap.ts')], outfile: cli });
  const { capGoMod } = require(gomod);
  const go = findGo();
  const env = {
    PATH: process.env.PATH,
    HOME: join(tmp, 'home'),
    GOPATH: join(tmp, 'gopath'),
    GOCACHE: join(tmp, 'gocache'),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
    GOPROXY: 'off',
    GOENV: 'off',
  };
  mkdirSync(env.HOME, { recursive: true });
  const { server, plugin } = pair();
  const expected = capGoMod(server, plugin);
  console.log(
    `pair: server ${server.split('\n').length} lines (60 requires), plugin ${expected.changes.length} mismatches`,
  );

  // Ours, in process (the pure port; what the action calls).
  for (let i = 0; i < 50; i++) capGoMod(server, plugin);
  const inProc = [];
  for (let i = 0; i < iterations * 20; i++) {
    const t = process.hrtime.bigint();
    capGoMod(server, plugin);
    inProc.push(Number(process.hrtime.bigint() - t) / 1e6);
  }

  // Ours as a command line: one node process (dist/gomod-cap.cjs equivalent), files on disk,
  // paired with a bare node start (node -e 0) in the same loop.
  const cliRuns = [];
  const bareRuns = [];
  // The original: go mod edit -json x2, then go mod edit -require per mismatch.
  const goRuns = [];
  for (let i = 0; i < iterations; i++) {
    const dir = join(tmp, `run-${i}`);
    mkdirSync(join(dir, 'server'), { recursive: true });
    mkdirSync(join(dir, 'ours'));
    mkdirSync(join(dir, 'theirs'));
    writeFileSync(join(dir, 'server', 'go.mod'), server);
    writeFileSync(join(dir, 'ours', 'go.mod'), plugin);
    writeFileSync(join(dir, 'theirs', 'go.mod'), plugin);

    let t = process.hrtime.bigint();
    execFileSync(process.execPath, ['-e', '0'], { cwd: dir, stdio: 'pipe' });
    bareRuns.push(Number(process.hrtime.bigint() - t) / 1e6);

    t = process.hrtime.bigint();
    execFileSync(process.execPath, [cli, '-from', 'server', '-to', 'ours'], { cwd: dir, stdio: 'pipe' });
    cliRuns.push(Number(process.hrtime.bigint() - t) / 1e6);

    t = process.hrtime.bigint();
    const s = JSON.parse(execFileSync(go, ['mod', 'edit', '-json', 'server/go.mod'], { cwd: dir, env }));
    const p = JSON.parse(execFileSync(go, ['mod', 'edit', '-json', 'theirs/go.mod'], { cwd: dir, env }));
    const want = new Map(s.Require.map((r) => [r.Path, r.Version]));
    for (const r of p.Require) {
      const v = want.get(r.Path);
      if (v !== undefined && v !== r.Version) {
        execFileSync(go, ['mod', 'edit', `-require=${r.Path}@${v}`, 'theirs/go.mod'], { cwd: dir, env });
      }
    }
    goRuns.push(Number(process.hrtime.bigint() - t) / 1e6);

    const ours = readFileSync(join(dir, 'ours', 'go.mod'));
    const theirs = readFileSync(join(dir, 'theirs', 'go.mod'));
    if (!ours.equals(theirs) || ours.toString() !== expected.text)
      throw new Error('outputs differ: the bench is invalid');
  }

  const g = median(goRuns);
  const c = median(cliRuns);
  const o = median(inProc);
  console.log(
    `go mod edit processes (original gomod-cap): median ${ms(g)} over ${iterations} runs (${expected.changes.length + 2} processes each)`,
  );
  console.log(`our CLI process (node gomod-cap.cjs):      median ${ms(c)} over ${iterations} runs`);
  console.log(
    `a bare node start (node -e 0), paired:     median ${ms(median(bareRuns))}; the CLI adds ${ms(c - median(bareRuns))}`,
  );
  console.log(`our port in process (capGoMod):            median ${ms(o)} over ${inProc.length} runs`);
  console.log(`ratio (go mod edit processes / our port in process): ${(g / o).toFixed(0)}x`);
  console.log(
    `ratio (go mod edit processes / our CLI process): ${(g / c).toFixed(2)}x (a node process start-up dominates the CLI)`,
  );
  console.log('outputs: byte-identical');
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

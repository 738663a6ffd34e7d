// Benchmark: large go.mod files (issue 12: a 5 MB go.mod took minutes). Generates 5 MB files -
// 65,000 comment lines; 160,000 requires (the server at other versions for all of them: 160,000
// changes); a mixed file with blocks, duplicates, blank lines, comments, replace and exclude -
// and times parse, print, sort+cleanup, the in-process cap, and the whole command line.
//   node bench/gomod-large.mjs [--scale 1] [--src <checkout>] [--runs 3] [--only comments,requires,mixed]
// --src benches another checkout's src/ (e.g. a worktree of main, for before/after numbers);
// --scale 0.125 makes files 8 times smaller. Prints medians in ms and the bytes per second.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const scale = Number(arg('scale', '1'));
const src = resolve(arg('src', repo));
const runs = Number(arg('runs', '3'));
const only = arg('only', 'comments,requires,mixed').split(',');
const tmp = mkdtempSync(join(tmpdir(), 'gomod-large-'));
const require = createRequire(import.meta.url);

const n = (x) => Math.max(1, Math.round(x * scale));

function comments() {
  const l = ['module example.com/flow-plugin-large', '', 'go 1.24', ''];
  for (let i = 0; i < n(65_000); i++) {
    l.push(
      `// comment line ${String(i).padStart(6, '0')}: notes kept by a generator of large files, padded to length`,
    );
  }
  l.push('require example.com/lib v1.3.0', '');
  const server = 'module example.com/server\n\ngo 1.24\n\nrequire example.com/lib v1.2.0\n';
  return { name: `${n(65_000)} comment lines`, server, plugin: l.join('\n') };
}

function requires() {
  const count = n(160_000);
  const p = ['module example.com/flow-plugin-large', '', 'go 1.24', '', 'require ('];
  const s = ['module example.com/server', '', 'go 1.24', '', 'require ('];
  for (let i = 0; i < count; i++) {
    p.push(`\tgithub.com/org${i % 100}/mod${i} v1.${i % 97}.0`);
    s.push(`\tgithub.com/org${i % 100}/mod${i} v1.${(i % 97) + 1}.0`);
  }
  p.push(')', '');
  s.push(')', '');
  return { name: `${count} requires, all changed`, server: s.join('\n'), plugin: p.join('\n') };
}

function mixed() {
  const blocks = n(12_000);
  const p = ['// A plugin with everything', 'module example.com/flow-plugin-large', '', 'go 1.24', ''];
  const s = ['module example.com/server', '', 'go 1.24', '', 'require ('];
  for (let b = 0; b < blocks; b++) {
    p.push(`// block ${b}`, 'require (');
    for (let i = 0; i < 8; i++) {
      const path = `github.com/org${b % 50}/mod-${(b * 8 + i) % (blocks * 4)}`;
      if (i % 3 === 0) p.push('', `\t// why ${i}`);
      p.push(`\t${path} v1.${i}.${b % 7}${i % 2 ? ' // indirect' : ''}`);
      if (b % 2 === 0) s.push(`\t${path} v1.${i + 1}.0`);
    }
    p.push(')', '');
    if (b % 10 === 0) p.push(`replace github.com/org${b % 50}/mod-${b} => ../fork-${b}`, '');
    if (b % 15 === 0) p.push(`exclude github.com/org${b % 50}/mod-${b} v0.${b}.0`, '');
  }
  s.push(')', '');
  return { name: `mixed, ${blocks} blocks`, server: s.join('\n'), plugin: p.join('\n') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** [wall ms, value, CPU ms (user + system, this process)]. */
function time(fn) {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  const v = fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = process.cpuUsage(c);
  return [wall, v, (cpu.user + cpu.system) / 1000];
}

/** Runs the command line under /usr/bin/time: [wall ms, CPU ms of the child]. */
function timeCli(args, cwd) {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`the command line failed: ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return [wall, m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN];
}

async function main() {
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' };
  const engine = join(tmp, 'gomod.cjs');
  const cli = join(tmp, 'gomod-cap.cjs');
  await build({ ...common, entryPoints: [join(src, 'src/gomod/index.ts')], outfile: engine });
  await build({ ...common, entryPoints: [join(src, 'src/cli/gomod-cap.ts')], outfile: cli });
  const g = require(engine);
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(`engine: ${src}/src/gomod, scale ${scale}, median of ${runs} runs; load average ${load()}`);
  console.log('ms: wall (CPU)    parse        print   sort+clean          cap          CLI');
  const all = { comments, requires, mixed };
  for (const c of only.map((name) => all[name]())) {
    const data = Buffer.from(c.plugin);
    const server = Buffer.from(c.server);
    const t = { parse: [], print: [], sort: [], cap: [], cli: [] };
    const cpu = { parse: [], print: [], sort: [], cap: [], cli: [] };
    const add = (k, [wall, , c]) => {
      t[k].push(wall);
      cpu[k].push(c);
    };
    let changes = 0;
    for (let r = 0; r < runs; r++) {
      const parsed = time(() => g.parseGoModBytes(data));
      add('parse', parsed);
      const f = parsed[1];
      add(
        'print',
        time(() => (f.formatLatin1 ?? f.formatBytes).call(f)), // formatBytes: before the Latin1 names
      );
      add(
        'sort',
        time(() => {
          f.sortBlocks();
          f.cleanup();
        }),
      );
      const capped = time(() => g.capGoModBytes(server, data));
      add('cap', capped);
      const res = capped[1];
      changes = res.changes.length;
      const dir = join(tmp, `run-${r}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'server.mod'), server);
      writeFileSync(join(dir, 'go.mod'), data);
      const [wall, c] = timeCli([cli, '-from', 'server.mod', '-to', 'go.mod'], dir);
      t.cli.push(wall);
      cpu.cli.push(c);
      if (!readFileSync(join(dir, 'go.mod')).equals(Buffer.from(res.data))) {
        throw new Error('the CLI wrote other bytes than the in-process cap: the bench is invalid');
      }
    }
    const mb = (data.length / 1e6).toFixed(2);
    const f = (k) => `${median(t[k]).toFixed(0)} (${median(cpu[k]).toFixed(0)})`.padStart(12);
    console.log(`${c.name}, ${changes} changes, ${mb} MB`);
    console.log(`  ${f('parse')} ${f('print')} ${f('sort')} ${f('cap')} ${f('cli')}`);
  }
  console.log(`load average at the end: ${load()} (2 cores: above 2, other processes slow the timings)`);
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

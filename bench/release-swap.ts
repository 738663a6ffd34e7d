// Benchmark: the window in which a downloader could see a mixed set of a release's assets, for
// the all-or-nothing update (src/github/release-update.ts: upload under temporary names, then the
// swap by rename, checksums.txt last) against the old delete-then-upload, per file, in the same
// run, paired (A B A B ...), median of the rounds. Against the GitHub stand-in with GitHub's own
// spacing of write requests (1 s between POST/PATCH/DELETE, as plugin-throttling keeps it), so
// the numbers are what a real release sees, not the stand-in's speed.
//
//   bash bench/release-swap.sh [rounds] [plugins] [plugin MB]   (default 3 rounds, 4 plugins, 5 MB)
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { startGitHubStandIn } from '../__tests__/support/github';
import { createGitHubClient } from '../src/github/client';
import { findReleaseByTag, uploadReleaseAssets } from '../src/github/release-assets';
import { updateReleaseAssets, type ReleaseFile } from '../src/github/release-update';

const rounds = Number(process.argv[2] ?? 3);
const plugins = Number(process.argv[3] ?? 4);
const mb = Number(process.argv[4] ?? 5);
const TOKEN = 'ghs_bench';
const dir = mkdtempSync(join(tmpdir(), 'flow-swap-bench-'));

function files(round: number, kind: string): ReleaseFile[] {
  const out: ReleaseFile[] = [];
  const names = [...Array.from({ length: plugins }, (_, i) => `hello-t${i}.so`), 'checksums.txt'];
  for (const name of names) {
    const bytes = name === 'checksums.txt' ? Buffer.from(`${round} ${kind}\n`) : randomBytes(mb << 20);
    const path = join(dir, `${kind}-${round}-${name}`);
    writeFileSync(path, bytes);
    out.push({ name, path, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const gh = await startGitHubStandIn({ repos: { 'me/hello': { token: TOKEN, releases: [{ tag: 'v1' }] } } });
  const octokit = createGitHubClient({ baseUrl: gh.url, token: TOKEN }) as unknown as Octokit;
  const release = await findReleaseByTag(octokit, { owner: 'me', repo: 'hello', tag: 'v1' });
  // A first full set, so that every round replaces.
  await updateReleaseAssets(octokit, {
    release,
    files: files(0, 'seed'),
    mayReplace: true,
    last: ['checksums.txt'],
  });
  const swap: { mixed: number; gap: number; total: number }[] = [];
  const old: { mixed: number; gap: number; total: number }[] = [];
  for (let r = 1; r <= rounds; r++) {
    // A: the all-or-nothing update.
    let t0 = Date.now();
    const a = await updateReleaseAssets(octokit, {
      release,
      files: files(r, 'swap'),
      mayReplace: true,
      last: ['checksums.txt'],
    });
    if (!a.ok) throw new Error(a.error);
    swap.push({ mixed: a.swapWindowMs ?? 0, gap: a.longestGapMs ?? 0, total: Date.now() - t0 });
    // B: the old delete-then-upload per file: the mixed window runs from the first delete to the
    // last upload; a file is missing from its delete to the end of its upload.
    const before = gh.requests.length;
    t0 = Date.now();
    const b = await uploadReleaseAssets(octokit, {
      release,
      files: files(r, 'old').map((f) => ({
        path: f.path,
        name: f.name,
        contentType: 'application/octet-stream',
      })),
      overwrite: true,
    });
    if (b.some((x) => !x.ok)) throw new Error('old upload failed');
    const reqs = gh.requests.slice(before);
    const deletes = reqs.filter((q) => q.method === 'DELETE');
    const posts = reqs.filter((q) => q.method === 'POST');
    const gaps = deletes.map((d, i) => (posts[i] ? posts[i]!.at - d.at : 0));
    old.push({ mixed: Date.now() - deletes[0]!.at, gap: Math.max(...gaps), total: Date.now() - t0 });
    console.log(
      `round ${r}: swap mixed ${swap.at(-1)!.mixed} ms (longest missing name ${swap.at(-1)!.gap} ms, whole update ${swap.at(-1)!.total} ms); ` +
        `delete+upload mixed ${old.at(-1)!.mixed} ms (longest missing file >= ${old.at(-1)!.gap} ms, whole ${old.at(-1)!.total} ms)`,
    );
  }
  const m = (xs: { mixed: number; gap: number; total: number }[], k: 'mixed' | 'gap' | 'total') =>
    median(xs.map((x) => x[k]));
  console.log(
    `median of ${rounds} paired rounds, ${plugins} plugins of ${mb} MB + checksums.txt, 1 s write spacing:\n` +
      `  mixed-set window: swap ${m(swap, 'mixed')} ms vs delete+upload ${m(old, 'mixed')} ms (${(m(swap, 'mixed') / m(old, 'mixed')).toFixed(2)}x)\n` +
      `  a name absent at most: swap ${m(swap, 'gap')} ms vs delete+upload >= ${m(old, 'gap')} ms\n` +
      `  whole update: swap ${m(swap, 'total')} ms vs delete+upload ${m(old, 'total')} ms (${(m(swap, 'total') / m(old, 'total')).toFixed(2)}x)`,
  );
  await gh.close();
}

void main();

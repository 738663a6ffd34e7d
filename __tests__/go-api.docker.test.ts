// A plugin whose code needs a newer Go than its go line says (the shapes of two real plugins:
// `go 1.18` with errors.Join, Go 1.20, and log/slog, Go 1.21), built for a release with Go 1.19:
// the committed bundle run as the runner runs it says which Go added what and the go line to
// write, and the release is unsupported - skipped with unsupported-server-version: skip (the
// other release still builds), a failure otherwise. linux-amd64, no modules, no server needed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ArtifactEntry } from '../src/report/record';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import { builderGoVersions, removeTree } from './support/fixtures';
import { runAction, type RunResult } from './support/runner';

const versions = await builderGoVersions();
const OLD_GO = versions.find((v) => v.startsWith('1.19.'));
const NEW_GO = versions.at(-1)!;
if (!OLD_GO)
  throw new Error(`need the Go 1.19 builder images (run .ci/docker.sh); have ${versions.join(', ')}`);
const TOKEN = 'ghs_goApiToken';
const root = mkdtempSync(join(tmpdir(), 'flow-go-api-'));
let gh: GitHubStandIn;

const server = (go: string) => ({
  'go.mod': 'module example.com/flow/server\n\ngo 1.19\n',
  GO_VERSION: `${go}\n`,
});

beforeAll(async () => {
  gh = await startGitHubStandIn({
    repos: {
      'flow/server': {
        token: TOKEN,
        commits: { old: server(OLD_GO), new: server(NEW_GO) },
        tags: { 'v1.0.0': 'old', 'v2.0.0': 'new' },
        releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }],
      },
    },
  });
});

afterAll(async () => {
  await gh?.close();
  removeTree(root);
});

function plugin(name: string, imports: string, body: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), `module example.com/plugins/${name}\n\ngo 1.18\n`);
  writeFileSync(
    join(dir, 'main.go'),
    `// Fixture plugin: go 1.18 on its go line, newer Go in its code.\npackage main\n\nimport (\n${imports})\n\n// Hello is looked up by the server.\nfunc Hello() error {\n${body}}\n\nfunc main() {}\n`,
  );
  return dir;
}

async function action(dir: string, inputs: Record<string, string>): Promise<RunResult> {
  return runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'flow/server',
      'github-token': TOKEN,
      'upload-artifacts': 'false',
      release: 'false',
      targets: 'linux-amd64',
      cache: 'false',
      verify: 'false',
      'docker-args': '--network none',
      ...inputs,
    },
    env: { GITHUB_API_URL: gh.url, GOPROXY: 'off', GOFLAGS: '-mod=mod' },
    timeoutMs: 600_000,
  });
}

test(`errors.Join (Go 1.20) for Go ${OLD_GO} and ${NEW_GO}, skip: the old release is skipped with why, the new one builds`, async () => {
  const dir = plugin('joined', '\t"errors"\n', '\treturn errors.Join(errors.New("a"), errors.New("b"))\n');
  const r = await action(dir, { 'server-versions': 'v1.0.0\nv2.0.0', 'unsupported-server-version': 'skip' });
  expect(r.exitCode, r.stdout).toBe(0);
  expect(r.stdout).toContain('undefined: errors.Join');
  expect(r.stdout).toMatch(
    new RegExp(
      `::warning title=Go API newer than v1.0.0's Go,file=go.mod,line=3::The plugin uses errors.Join \\(Go 1.20\\), newer than Go ${OLD_GO.replace(/\./g, '\\.')}, the Go of v1.0.0: it needs Go 1.20 or newer, and go.mod says go 1.18. Raise the go line to at least 1.20 \\(go mod edit -go=1.20\\)`,
    ),
  );
  expect(r.stdout).toContain(
    'Skipped v1.0.0 (unsupported-server-version: skip): The plugin uses errors.Join (Go 1.20)',
  );
  const skipped = JSON.parse(r.outputs['skipped-server-versions'] ?? '[]') as { server: string }[];
  expect(skipped.map((s) => s.server)).toEqual(['v1.0.0']);
  const built = JSON.parse(r.outputs.artifacts ?? '[]') as ArtifactEntry[];
  expect(built.map((e) => [e.server, e.target])).toEqual([['v2.0.0', 'linux-amd64']]);
});

test(`log/slog (Go 1.21) for Go ${OLD_GO}: tidy fails; the step fails saying why, on the go line`, async () => {
  const dir = plugin('slogged', '\t"log/slog"\n', '\tslog.Info("hello")\n\treturn nil\n');
  const r = await action(dir, { 'server-version': 'v1.0.0' });
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain('package log/slog is not in GOROOT');
  expect(r.stdout).toContain(
    `::error title=Go API newer than the server's Go,file=go.mod,line=3::The plugin uses log/slog (Go 1.21), newer than Go ${OLD_GO}, the Go of v1.0.0: it needs Go 1.21 or newer`,
  );
  expect(r.stdout).not.toContain('::group::Built');
});

// Issue 20, for real: the plugins of real companies, built by the committed bundle for a real
// gotify release of the bed (v2.9.1, linux-amd64 only: lean) and loaded by the real server
// (the oracle, loadIntoRealServer).
// - Vendored: the third-party telegram plugin, vendored at its own versions, which the server
//   refuses until aligned: re-vendored by the action, built from the module cache (built with
//   -mod=vendor the real server refused it: other package paths); a stale vendor folder built
//   with -mod=vendor fails with Go's message and the fix.
// - Monorepo: upstream's minimal example in plugin/, importing a sibling module through
//   `replace example.com/flowlib => ../lib`.
// - Private module: the minimal example importing github.com/acme/flowlib-private, served only by
//   a git server on loopback (git http-backend behind basic auth, standing in for GitHub); the
//   containers reach it with --network host and a harness insteadOf (github.com -> the loopback
//   server, like DNS would). With the token it builds and loads; wrong or none fails on the go.mod
//   line; `docker inspect` of the run's containers and the whole log never hold the token; the
//   credentials folder is gone after success, failure and cancel.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeTree } from './support/fixtures';
import { addModule, startGitServer, type GitServer } from './support/git-server';
import { startGitHubStandIn, type GitHubStandIn } from './support/github';
import {
  capPlugin,
  copyPlugin,
  ensureRealBed,
  loadIntoRealServer,
  pluginOf,
  realModuleSetup,
  realServerRepo,
  serverOf,
} from './support/real';
import { hostGo, hostGoBin, hostGoEnv, run } from './support/real/host';
import { runAction, type RunOptions } from './support/runner';
import type { ArtifactEntry as Entry } from '../src/report/record';

const TAG = 'v2.9.1';
const TARGET = 'linux-amd64';
const PAT = 'github_pat_11FLOWPRIVATE0realModuleToken';
const PRIVATE = 'github.com/acme/flowlib-private';

const bed = await ensureRealBed();
const mods = realModuleSetup(bed);
const root = mkdtempSync(join(tmpdir(), 'flow-company-'));
let gh: GitHubStandIn;
let git: GitServer;

beforeAll(async () => {
  gh = await startGitHubStandIn({ repos: { 'gotify/server': realServerRepo(bed) } });
  const repos = join(root, 'git');
  addModule(
    repos,
    'acme/flowlib-private',
    {
      'go.mod': `module ${PRIVATE}\n\ngo 1.18\n`,
      'lib.go':
        'package flowlib\n\n// Route is what the internal routing module answers.\nfunc Route() string { return "private route" }\n',
    },
    'v1.0.0',
  );
  git = await startGitServer({ root: repos, user: 'x-access-token', password: PAT });
});

afterAll(async () => {
  await gh?.close();
  await git?.close();
  removeTree(root);
});

async function action(dir: string, inputs: Record<string, string>, extra: Partial<RunOptions> = {}) {
  return runAction({
    cwd: dir,
    inputs: {
      'server-repository': 'gotify/server',
      'server-version': TAG,
      'github-token': '',
      'build-image': 'flow/build',
      targets: TARGET,
      'upload-artifacts': 'false',
      release: 'false',
      cache: 'false',
      verify: 'false', // the oracle below is the judge
      'docker-args': mods.dockerArgs,
      // The run's GitHub server is the local git server (a host that is not github.com, as on
      // GitHub Enterprise Server): the server repository is on the run's API here too.
      'server-api-url': gh.url,
      ...inputs,
    },
    env: { GITHUB_API_URL: gh.url, ...mods.env, ...extra.env },
    timeoutMs: 900_000,
    // The private module must never land in the module cache runs share: it is fetched anew.
    realModules: !('GOPRIVATE' in (extra.env ?? {})),
    ...(extra.keepRunnerTemp && { keepRunnerTemp: true }),
    ...(extra.onSpawn && { onSpawn: extra.onSpawn }),
  });
}

async function loads(pluginFile: string) {
  return loadIntoRealServer({
    tag: TAG,
    target: TARGET,
    serverBinary: serverOf(bed, TAG).binaries[TARGET]!,
    pluginFile,
  });
}

function builtFile(outputs: Record<string, string>): string {
  const [e] = JSON.parse(outputs.artifacts!) as Entry[];
  return e!.path;
}

/** `go list -deps` from vendor/ alone, offline: succeeds only when vendor/ agrees with go.mod. */
async function vendorAgrees(dir: string) {
  return run(hostGoBin(), ['list', '-mod=vendor', '-deps', '.'], {
    cwd: dir,
    env: hostGoEnv(bed.root, { GOPROXY: 'off', GOFLAGS: '', GOSUMDB: 'off' }),
  });
}

describe('a vendored plugin', () => {
  async function vendored(name: string): Promise<string> {
    const dir = copyPlugin(bed, 'telegram', join(root, name));
    const env = hostGoEnv(bed.root, {
      GOPROXY: `file://${bed.goproxyDir}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
    });
    await hostGo(['mod', 'vendor'], { cwd: dir, env });
    return dir;
  }

  test('re-vendored after the alignment, built from the module cache like the server; the real server loads it', async () => {
    const dir = await vendored('vendored');
    const before = readFileSync(join(dir, 'vendor', 'modules.txt'), 'utf8');
    const r = await action(dir, {});
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('vendor/modules.txt: go mod vendor runs after go mod tidy');
    expect(r.stdout).toContain('go mod tidy && go mod download && go mod vendor');
    // Not -mod=vendor: gotify v2.9.1 refused this plugin built so (golang.org/x/sys/unix: other paths).
    expect(r.stdout).toMatch(/go build -mod=readonly .*-buildmode=plugin/);
    const after = readFileSync(join(dir, 'vendor', 'modules.txt'), 'utf8');
    expect(after).not.toBe(before); // the sync changed go.mod (telegram is refused by v2.9.1 unsynced)
    const check = await vendorAgrees(dir);
    expect(check.code, check.stderr).toBe(0);
    const loaded = await loads(builtFile(r.outputs));
    expect(loaded.panic, loaded.output).toBeUndefined();
    expect(loaded.plugins.map((p) => p.modulePath)).toEqual([pluginOf(bed, 'telegram').module]);
  });

  test("a vendor folder that does not match go.mod fails with Go's message and the fix", async () => {
    // The author ran gomod-cap (the seed's step) and forgot go mod vendor; the action is told to
    // change nothing (go-mod-sync: off, go-mod-tidy: false), so nothing re-vendors, and to build
    // from vendor/ (build-flags: -mod=vendor).
    const dir = await vendored('vendored-stale');
    capPlugin(dir, serverOf(bed, TAG));
    const r = await action(dir, {
      'go-mod-sync': 'off',
      'go-mod-tidy': 'false',
      'build-flags': '-mod=vendor -installsuffix cgo',
    });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('inconsistent vendoring');
    expect(r.stdout).toContain(
      'vendor/modules.txt does not match go.mod: run go mod vendor and commit vendor/',
    );
  });
});

describe('a monorepo: the plugin and a sibling module', () => {
  test('replace => ../lib is seen by every container, read-only; the real server loads the plugin', async () => {
    const ws = join(root, 'monorepo');
    const plugin = copyPlugin(bed, 'minimal', join(ws, 'plugin'));
    mkdirSync(join(ws, 'lib'));
    writeFileSync(join(ws, 'lib', 'go.mod'), 'module example.com/flowlib\n\ngo 1.18\n');
    writeFileSync(
      join(ws, 'lib', 'lib.go'),
      'package flowlib\n\nfunc Greeting() string { return "hello from the monorepo" }\n',
    );
    writeFileSync(
      join(plugin, 'monorepo.go'),
      'package main\n\nimport "example.com/flowlib"\n\nvar greeting = flowlib.Greeting()\n',
    );
    appendFileSync(
      join(plugin, 'go.mod'),
      '\nrequire example.com/flowlib v0.0.0\n\nreplace example.com/flowlib => ../lib\n',
    );
    const r = await action(ws, { 'working-directory': 'plugin' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'Local replace: lib is mounted read-only at /proj/lib, the plugin at /proj/plugin.',
    );
    expect(r.stdout).toContain(`type=bind,source=${join(ws, 'lib')},target=/proj/lib,readonly`);
    expect(readdirSync(join(ws, 'lib')).sort()).toEqual(['go.mod', 'lib.go']);
    const loaded = await loads(builtFile(r.outputs));
    expect(loaded.panic, loaded.output).toBeUndefined();
    expect(loaded.plugins.map((p) => p.modulePath)).toEqual([pluginOf(bed, 'minimal').module]);
  });
});

describe('a private module on the run GitHub server', () => {
  function privatePlugin(name: string): string {
    const dir = copyPlugin(bed, 'minimal', join(root, name));
    writeFileSync(
      join(dir, 'private.go'),
      `package main\n\nimport flowlib "${PRIVATE}"\n\nvar route = flowlib.Route()\n`,
    );
    appendFileSync(join(dir, 'go.mod'), `\nrequire ${PRIVATE} v1.0.0\n`);
    return dir;
  }
  /** The go.mod line of the private require (what the refusal is annotated on). */
  const requireLine = (dir: string) =>
    readFileSync(join(dir, 'go.mod'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(PRIVATE)) + 1;
  // The containers reach the loopback git server; github.com means it (the harness's DNS).
  const network = () =>
    `--network host -v ${bed.goproxyDir}:/goproxy:ro -e GIT_CONFIG_COUNT=1 -e GIT_CONFIG_KEY_0=url.${git.url}/.insteadOf -e GIT_CONFIG_VALUE_0=https://github.com/`;
  const env = () => ({ GOPRIVATE: 'github.com/acme', GITHUB_SERVER_URL: git.url });
  /** The whole log, without the runner's own mask commands (the runner reads them, never shows them). */
  const shown = (r: { stdout: string; stderr: string; summary: string }) =>
    `${r.stdout}${r.stderr}${r.summary}`
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  const credentialFolders = (temp: string) =>
    readdirSync(temp).filter((n) => n.startsWith('flow-credentials-'));

  test('with the token: fetched by git with it, built, loaded; no token in docker inspect or the log; the folder is gone', async () => {
    const dir = privatePlugin('private-ok');
    const inspected: string[] = [];
    let temp = '';
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const ps = spawn('docker', ['ps', '-q', '--filter', 'name=flow-build-']);
        let ids = '';
        ps.stdout.on('data', (d: Buffer) => (ids += d.toString()));
        await new Promise((r) => ps.on('close', r));
        for (const id of ids.split('\n').filter(Boolean)) {
          const ins = spawn('docker', ['inspect', id]);
          let json = '';
          ins.stdout.on('data', (d: Buffer) => (json += d.toString()));
          await new Promise((r) => ins.on('close', r));
          // A container that ended between ps and inspect gives [].
          if (/^\[\s*\{/.test(json.trim())) inspected.push(json);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const r = await action(
      dir,
      { 'github-token': PAT, 'docker-args': network() },
      { env: env(), keepRunnerTemp: true, onSpawn: (_, t) => (temp = t) },
    );
    polling = false;
    await poll;
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      `Private modules (github.com/acme): git in the builder containers uses github-token for ${git.url}.`,
    );
    expect(git.requests.some((q) => q.auth === 'ok' && q.path.endsWith('/git-upload-pack'))).toBe(true);
    const loaded = await loads(builtFile(r.outputs));
    expect(loaded.panic, loaded.output).toBeUndefined();
    expect(loaded.plugins.map((p) => p.modulePath)).toEqual([pluginOf(bed, 'minimal').module]);
    // Every container of this run (other runs may share the machine) mounted the folder
    // read-only and got paths, never the token.
    const ours = inspected.filter((json) => json.includes(dir));
    expect(ours.length).toBeGreaterThan(0);
    for (const json of ours) {
      expect(json).not.toContain(PAT);
      const [c] = JSON.parse(json) as {
        Config: { Env: string[] };
        Mounts: { Destination: string; RW: boolean }[];
      }[];
      expect(c!.Config.Env).toContain('GIT_CONFIG_GLOBAL=/flow-credentials/git/config');
      expect(c!.Mounts.find((m) => m.Destination === '/flow-credentials')).toMatchObject({ RW: false });
    }
    expect(r.stdout).toContain(`::add-mask::${PAT}`);
    expect(shown(r)).not.toContain(PAT);
    expect(credentialFolders(temp)).toEqual([]);
    removeTree(temp);
  });

  test('a wrong token (modules-token wins over github-token): refused on the go.mod line with what to give it; the folder is gone', async () => {
    const dir = privatePlugin('private-wrong');
    let temp = '';
    const wrong = 'github_pat_11WRONGwrongWRONGwrong';
    const r = await action(
      dir,
      { 'github-token': PAT, 'modules-token': wrong, 'docker-args': network() },
      { env: env(), keepRunnerTemp: true, onSpawn: (_, t) => (temp = t) },
    );
    expect(r.exitCode).toBe(1);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error title=private module'));
    expect(annotation).toContain(`file=go.mod,line=${requireLine(dir)}::`);
    expect(annotation).toContain(
      `Cannot fetch the private module ${PRIVATE}: github.com refused the token (modules-token)`,
    );
    expect(annotation).toContain('read access to the repository acme/flowlib-private');
    expect(git.requests.some((q) => q.auth === 'wrong')).toBe(true);
    expect(shown(r)).not.toContain(wrong);
    expect(credentialFolders(temp)).toEqual([]);
    removeTree(temp);
  });

  test('no token: git has no credentials, and the refusal says to give one', async () => {
    const dir = privatePlugin('private-none');
    const r = await action(dir, { 'docker-args': network() }, { env: env() });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('but no token: git in the builder containers has no credentials');
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error title=private module'));
    expect(annotation).toContain(
      `git asked for credentials for github.com and had none. Fix: set github-token or modules-token`,
    );
  });

  test('cancelled while the containers run: the credentials folder is removed', async () => {
    const dir = privatePlugin('private-cancel');
    const temp = join(root, 'cancel-temp');
    mkdirSync(temp);
    let seen = false;
    const r = await action(
      dir,
      { 'github-token': PAT, 'docker-args': network() },
      {
        env: { ...env(), RUNNER_TEMP: temp },
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (credentialFolders(temp).length === 0) return;
            seen = true;
            clearInterval(timer);
            child.kill('SIGINT');
          }, 20);
          child.on('close', () => clearInterval(timer));
        },
      },
    );
    // The run's containers are removed by the cancel; wait for them before the folders go.
    for (let i = 0; i < 100; i++) {
      const ps = spawn('docker', ['ps', '-aq', '--filter', 'name=flow-build-']);
      let ids = '';
      ps.stdout.on('data', (d: Buffer) => (ids += d.toString()));
      await new Promise((res) => ps.on('close', res));
      if (ids.trim() === '') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(seen).toBe(true);
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toMatch(/Cancelled: credentials folder/);
    expect(credentialFolders(temp)).toEqual([]);
    expect(existsSync(temp)).toBe(true);
  });
});

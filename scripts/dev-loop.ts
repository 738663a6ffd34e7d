// The local dev loop: the action built from src/ a moment ago (scripts/dev.mjs), run the way the
// runner runs it, on a plugin folder and inputs of your choice, against the local GitHub stand-in
// (and the Actions artifact stand-in), with the log as it comes. What @github/local-action gives
// other actions, with the server side too. The plugin folder is copied into a new workspace
// (go.mod is rewritten there, never in your folder) unless --in-place.
//
//   npm run dev -- [PLUGIN_DIR] [INPUT=VALUE ...] [--server fixture|real] [--modules fixture|bed|proxy]
//                  [--go VERSION] [--env NAME=VALUE ...] [--in-place]
//
//   npm run dev -- build=false                                  the fixture plugin, resolve and sync: ~1 s
//   npm run dev -- targets=linux-amd64                          the fixture plugin built for Flow v2.0.0
//   npm run dev -- .github/self-test/plugins/gin-echo --server real targets=linux-amd64 verify=true
//                                                               a plugin folder on the real gotify bed
//
// --server fixture (default): `flow/server` v2.0.0, a fixture server whose Go is the newest local
//   builder image's (--go to choose), sharing `example.com/lib` with the fixture plugin (verify off: it publishes
//   no server binaries).
// --server real: `gotify/server` with the real test bed's releases (bash .ci/real-bed): go.mod,
//   GO_VERSION and the release assets of real gotify builds, so verify loads into the real server.
// --modules: where the containers get modules - `fixture` (the fixture proxy folder; the default
//   with the fixture plugin), `bed` (the real bed's module cache; the bed's plugins), `proxy` (the
//   Go module proxy, the default for a plugin folder you name).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { actionInterface } from './workflow-blocks.mjs';

export interface DevArgs {
  plugin?: string;
  server: 'fixture' | 'real';
  /** The fixture server's Go (its GO_VERSION); default the newest local builder image's. */
  go?: string;
  modules: 'fixture' | 'bed' | 'proxy';
  inPlace: boolean;
  inputs: Record<string, string>;
  env: Record<string, string>;
}

/** The command line of the dev loop as data; errors say what to write instead. */
export function parseDevArgs(argv: string[], knownInputs: string[]): DevArgs {
  let plugin: string | undefined;
  let server: DevArgs['server'] = 'fixture';
  let modules: DevArgs['modules'] | undefined;
  let go: string | undefined;
  let inPlace = false;
  const inputs: Record<string, string> = {};
  const env: Record<string, string> = {};
  const pair = (arg: string, what: string) => {
    const at = arg.indexOf('=');
    if (at <= 0) throw new Error(`${what} "${arg}": write NAME=VALUE`);
    return [arg.slice(0, at), arg.slice(at + 1)] as const;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--server') {
      const v = value();
      if (v !== 'fixture' && v !== 'real')
        throw new Error(`--server ${v}: write --server fixture or --server real`);
      server = v;
    } else if (arg === '--modules') {
      const v = value();
      if (v !== 'fixture' && v !== 'bed' && v !== 'proxy')
        throw new Error(`--modules ${v}: write --modules fixture, bed or proxy`);
      modules = v;
    } else if (arg === '--go') {
      go = value();
      if (!/^\d+\.\d+(\.\d+)?$/.test(go))
        throw new Error(`--go ${go}: write a Go version such as --go 1.26.11`);
    } else if (arg === '--env') {
      const [k, v] = pair(value(), '--env');
      env[k] = v;
    } else if (arg === '--in-place') inPlace = true;
    else if (arg.startsWith('-'))
      throw new Error(`unknown option ${arg} (options: --server, --go, --modules, --env, --in-place)`);
    else if (arg.includes('=')) {
      const [k, v] = pair(arg, 'input');
      if (!knownInputs.includes(k))
        throw new Error(`"${k}" is not an input of action.yml; the inputs are: ${knownInputs.join(', ')}`);
      inputs[k] = v;
    } else if (plugin === undefined) plugin = arg;
    else
      throw new Error(
        `a second plugin folder "${arg}" (the first is "${plugin}"); inputs are written NAME=VALUE`,
      );
  }
  if (inPlace && plugin === undefined) throw new Error('--in-place needs a plugin folder');
  if (go !== undefined && server !== 'fixture')
    throw new Error("--go sets the fixture server's Go: it needs --server fixture");
  return {
    plugin,
    server,
    ...(go !== undefined && { go }),
    modules: modules ?? (plugin === undefined ? 'fixture' : 'proxy'),
    inPlace,
    inputs,
    env,
  };
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  const bundle = process.env.FLOW_DEV_ACTION ?? join(root, '.tmp', 'dev', 'action', 'index.cjs');
  const iface = actionInterface(readFileSync(join(root, 'action.yml'), 'utf8'));
  const args = parseDevArgs(process.argv.slice(2), iface.inputs);

  // Test support, loaded only now: the command line above answers without Docker or the bed.
  const { startGitHubStandIn } = await import('../__tests__/support/github');
  const fixtures = await import('../__tests__/support/fixtures');
  const { startResultsService } = await import('../__tests__/support/results-service');
  const { runAction } = await import('../__tests__/support/runner');
  const real = await import('../__tests__/support/real');

  const started = Date.now();
  const TOKEN = 'ghs_devLoopToken';
  const home = mkdtempSync(join(tmpdir(), 'flow-dev-'));
  const workspace = args.inPlace ? resolve(args.plugin!) : join(home, 'workspace');
  const pluginDir = args.inPlace
    ? workspace
    : join(workspace, args.plugin ? basename(resolve(args.plugin)) : 'plugin');
  if (!args.inPlace) {
    if (args.plugin) cpSync(resolve(args.plugin), pluginDir, { recursive: true });
    else fixtures.writePlugin(pluginDir);
  }

  const serverRepos: Record<string, import('../__tests__/support/github').FixtureRepo> = {};
  const defaults: Record<string, string> = { 'github-token': TOKEN, cache: 'false', 'build-cache': 'false' };
  if (args.server === 'real') {
    const bed = real.loadRealBed();
    serverRepos['gotify/server'] = real.realServerRepo(bed, { token: TOKEN });
    defaults['server-repository'] = 'gotify/server';
  } else {
    const go = args.go ?? (await fixtures.builderGoVersions()).at(-1);
    if (!go) throw new Error('no builder images: run bash .ci/docker.sh');
    serverRepos['flow/server'] = fixtures.serverRepo(go, TOKEN);
    defaults['server-repository'] = 'flow/server';
    defaults.verify = 'false';
  }
  let moduleSetup: { dockerArgs: string; env: Record<string, string> };
  if (args.modules === 'fixture')
    moduleSetup = fixtures.actionModuleSetup(fixtures.makeGoEnv(join(home, 'go')));
  else if (args.modules === 'bed') moduleSetup = real.realModuleSetup(real.loadRealBed());
  else moduleSetup = { dockerArgs: '-v /etc/ssl/certs:/etc/ssl/certs:ro', env: {} };
  defaults['docker-args'] = moduleSetup.dockerArgs;
  if (!args.inPlace) defaults['working-directory'] = basename(pluginDir);

  const gh = await startGitHubStandIn({
    repos: { ...serverRepos, 'me/plugin': { token: TOKEN, releases: [{ tag: 'v1.0.0', draft: true }] } },
  });
  const results = await startResultsService({ repository: 'me/plugin' });
  try {
    const inputs = { ...defaults, ...args.inputs };
    console.log(
      `dev loop: the action from src/ (${bundle}) on ${pluginDir}\n` +
        `inputs: ${Object.entries(args.inputs)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}${Object.keys(args.inputs).length ? '' : '(defaults)'}; server: ${args.server} ` +
        `(${inputs['server-repository']} on the stand-in ${gh.url}); modules: ${args.modules}\n--- the action's log ---`,
    );
    const r = await runAction({
      cwd: workspace,
      bundle,
      stream: true,
      realModules: args.modules === 'bed',
      inputs,
      env: {
        ...results.env(),
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'me/plugin',
        ...moduleSetup.env,
        ...args.env,
      },
    });
    console.log(
      `--- exit code ${r.exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s; outputs ---`,
    );
    for (const [k, v] of Object.entries(r.outputs)) console.log(`${k}: ${v}`);
    for (const a of results.artifacts().filter((x) => !x.deleted))
      console.log(`artifact ${a.name}: ${a.bytes.length} bytes`);
    for (const a of gh.uploadedAssets('me/plugin'))
      console.log(`release asset ${a.release}/${a.name}: ${a.size} bytes`);
    console.log(`job summary: ${join(r.home, 'step-summary')}\nworkspace: ${workspace}`);
    process.exitCode = r.exitCode;
  } finally {
    await gh.close();
    await results.close();
  }
}

if (process.argv[1] && /dev-loop\.(mjs|ts)$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(`dev loop: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  });
}

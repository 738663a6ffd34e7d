// The action end to end on this machine, as a person would see it: a fixture Flow server
// published through the local GitHub stand-in (release v2.0.0 with GO_VERSION and go.mod), a
// fixture plugin that requires another version of a shared module, the committed bundle run as
// the runner runs it (artifacts to the Actions results stand-in, assets to a draft release), and
// then every runnable plugin loaded into a server built the way the server is built.
//   bash .ci/e2e-demo
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubStandIn } from '../__tests__/support/github';
import {
  RUNNABLE_TARGETS,
  buildHost,
  builderGoVersions,
  loadPlugins,
  makeGoEnv,
  removeTree,
  serverRepo,
  writePlugin,
  actionModuleSetup,
} from '../__tests__/support/fixtures';
import { startResultsService } from '../__tests__/support/results-service';
import { runAction } from '../__tests__/support/runner';

const go = (await builderGoVersions()).at(-1);
if (!go) throw new Error('no builder images: run bash .ci/docker.sh');
const root = mkdtempSync(join(tmpdir(), 'flow-demo-'));
const env = makeGoEnv(join(root, 'go'));
const TOKEN = 'ghs_demoToken';
const gh = await startGitHubStandIn({
  repos: {
    'flow/server': serverRepo(go, TOKEN),
    'me/hello': { token: TOKEN, releases: [{ tag: 'v1.0.0', draft: true }] },
  },
});
const results = await startResultsService({ repository: 'me/hello' });
let failed = false;
try {
  const plugin = writePlugin(join(root, 'hello'));
  console.log(`plugin at ${plugin}; server flow/server v2.0.0 with Go ${go}\n--- the action's log ---`);
  const r = await runAction({
    cwd: plugin,
    inputs: {
      'server-repository': 'flow/server',
      'github-token': TOKEN,
      'docker-args': actionModuleSetup(env).dockerArgs,
    },
    env: {
      ...results.env(),
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: 'me/hello',
      GITHUB_REF: 'refs/tags/v1.0.0',
      GITHUB_EVENT_NAME: 'push',
      ...actionModuleSetup(env).env,
    },
  });
  console.log(r.stdout);
  console.log(`--- exit code ${r.exitCode}; outputs ---`);
  for (const [k, v] of Object.entries(r.outputs)) console.log(`${k}: ${v}`);
  console.log('--- job summary ---');
  console.log(r.summary);
  if (r.exitCode !== 0) throw new Error('the action failed');
  console.log('--- what reached the stand-ins ---');
  for (const a of results.artifacts())
    console.log(`artifact ${a.name}: ${a.bytes.length} bytes, zipped ${a.zipped}`);
  for (const a of gh.uploadedAssets('me/hello', 'v1.0.0'))
    console.log(`release asset ${a.name}: ${a.size} bytes`);
  console.log('--- loading the plugins into the server ---');
  const artifacts = JSON.parse(r.outputs.artifacts!) as { target: string; path: string }[];
  for (const target of RUNNABLE_TARGETS) {
    const host = join(root, `server-${target}`);
    await buildHost(go, target, host, { env });
    const dir = mkdtempSync(join(root, 'plugins-'));
    copyFileSync(artifacts.find((a) => a.target === target)!.path, join(dir, 'hello.so'));
    const loaded = await loadPlugins(go, target, host, dir);
    console.log(`${target}: ${loaded.exitCode === 0 ? 'LOADED' : 'FAILED'}\n${loaded.output.trim()}`);
    failed ||= loaded.exitCode !== 0;
  }
  console.log(`\nchecksums.txt:\n${readFileSync(r.outputs.checksums!, 'utf8')}`);
} finally {
  await gh.close();
  await results.close();
  removeTree(root);
}
if (failed) process.exit(1);

// The resolve stage as the log shows it: the server releases, each with its Go version and module,
// every warning about them, what the releases share; the server-version, go-version and
// server-module outputs (the newest release; the report says every release built); and, when the
// run will upload, the release it uploads to (so a missing one stops the run before building).
import { listed } from '../log-text';
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import type { GitHubClients } from '../github/clients';
import type { ActionConfig } from '../inputs';
import { checkReleaseUpFront } from '../publish/stage';
import { describeSharing } from '../release';
import { timingsFrom } from '../report/timings';
import { resolveServers, type ServerFacts } from './server';

export async function resolveStage(
  ctx: RunContext,
  /** The server repository's client and the plugin's (one client: both). */
  clients: Octokit | GitHubClients,
  /** The lookup (a test passes plain facts). */
  resolve: (
    octokit: Octokit,
    config: ActionConfig,
  ) => Promise<{ servers: ServerFacts[]; leftOut: string[] }> = resolveServers,
  checkRelease: (ctx: RunContext, octokit: Octokit) => Promise<void> = checkReleaseUpFront,
): Promise<ServerFacts[]> {
  const { tk, config } = ctx;
  const { plugin, server } = 'plugin' in clients ? clients : { plugin: clients, server: clients };
  const servers = await tk.group('Resolve server', async () => {
    const { servers, leftOut } = await timingsFrom(ctx.env).span('', 'resolve', () =>
      resolve(server, config),
    );
    if (config.serverVersions !== undefined) {
      tk.info(
        `server-versions (${listed(config.serverVersions)}): ${servers.length} release${servers.length === 1 ? '' : 's'}, newest first`,
      );
    }
    for (const s of servers) {
      tk.info(`${s.repository} ${s.tag}: Go ${s.goVersion} (from ${s.goVersionSource}), module ${s.module}`);
      for (const w of s.warnings) tk.warning(w);
      tk.debug(`server go.mod: ${s.goModName} (${s.goMod.require.length} requires)`);
    }
    if (leftOut.length > 0) {
      tk.info(
        `Not built (beyond max-server-versions: ${config.maxServerVersions}): ${listed(leftOut)}. Raise max-server-versions or narrow server-versions to build them.`,
      );
    }
    if (servers.length > 1) for (const line of describeSharing(servers)) tk.info(line);
    return servers;
  });
  const newest = servers[0]!;
  tk.setOutput('server-version', newest.tag);
  tk.setOutput('go-version', newest.goVersion);
  tk.setOutput('server-module', newest.module);
  // Before anything is built: the release this run would upload to exists and takes assets.
  await checkRelease(ctx, plugin);
  return servers;
}

// The resolve stage as the log shows it: the server release, its Go version and module, every
// warning about them; the server-version, go-version and server-module outputs; and, when the
// run will upload, the release it uploads to (so a missing one stops the run before building).
import type { Octokit } from '@octokit/rest';
import type { RunContext } from '../context';
import type { ActionConfig } from '../inputs';
import { checkReleaseUpFront } from '../publish/stage';
import { resolveServer, type ServerFacts } from './server';

export async function resolveStage(
  ctx: RunContext,
  octokit: Octokit,
  /** The lookup (a test passes plain facts). */
  resolve: (octokit: Octokit, config: ActionConfig) => Promise<ServerFacts> = resolveServer,
  checkRelease: (ctx: RunContext, octokit: Octokit) => Promise<void> = checkReleaseUpFront,
): Promise<ServerFacts> {
  const { tk } = ctx;
  const s = await tk.group('Resolve server', async () => {
    const s = await resolve(octokit, ctx.config);
    tk.info(`${s.repository} ${s.tag}: Go ${s.goVersion} (from ${s.goVersionSource}), module ${s.module}`);
    for (const w of s.warnings) tk.warning(w);
    tk.debug(`server go.mod: ${s.goModName} (${s.goMod.require.length} requires)`);
    return s;
  });
  tk.setOutput('server-version', s.tag);
  tk.setOutput('go-version', s.goVersion);
  tk.setOutput('server-module', s.module);
  // Before anything is built: the release this run would upload to exists and takes assets.
  await checkRelease(ctx, octokit);
  return s;
}

// The runner check, before anything is read or written: the action runs Linux containers of
// amd64 builder images, so a runner that is not Linux is refused with the reason (macOS runners
// have no Docker, Windows runners run Windows containers: either fails late with a Docker error),
// an arm64 (or other non-x86-64) Linux runner gets a warning (every build runs under emulation),
// and a GitHub Enterprise Server run whose upload-artifacts is at its default gets one notice
// that artifacts are off there. `runnerFindings` is pure; `checkRunner` reads the process.
import type { RunContext } from '../context';
import { ghesArtifactsNotice, type ServerApi } from '../github/enterprise';

export class RunnerError extends Error {
  override name = 'RunnerError';
}

export interface RunnerFindings {
  /** Why the runner cannot run the action (the step fails with it), if it cannot. */
  refuse?: string;
  warnings: string[];
  notices: string[];
  /** Plain log lines: where the server repository is read from, when not from the run's API. */
  infos?: string[];
}

/** What to say about a runner of this `platform` and `arch` (Node's names), and this run's host. */
export function runnerFindings(args: {
  platform: string;
  arch: string;
  serverUrl: string | undefined;
  uploadArtifactsAuto: boolean;
  /** GITHUB_API_URL, and where the server repository is read from (inputs.ts). */
  apiUrl?: string | undefined;
  serverApi?: Pick<ServerApi, 'url' | 'why'>;
}): RunnerFindings {
  const { platform, arch } = args;
  const names: Record<string, string> = { darwin: 'macOS', win32: 'Windows' };
  if (platform !== 'linux') {
    return {
      refuse: `This runner is ${names[platform] ?? platform}: the action builds in Linux containers (Docker with the amd64 builder images), so it needs a Linux x86-64 runner with Docker, e.g. runs-on: ubuntu-latest (a self-hosted Linux runner works too).`,
      warnings: [],
      notices: [],
    };
  }
  const warnings: string[] = [];
  if (arch !== 'x64') {
    warnings.push(
      `This runner is Linux ${arch}: the builder images are amd64 only, so every build and go mod tidy runs under QEMU emulation (add docker/setup-qemu-action before this step, or it fails with "exec format error") and takes several times longer. A Linux x86-64 runner (runs-on: ubuntu-latest) builds natively.`,
    );
  }
  const notice = ghesArtifactsNotice(args.serverUrl, args.uploadArtifactsAuto ? 'auto' : 'set');
  const runApi = (args.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
  const infos =
    args.serverApi && args.serverApi.url !== runApi
      ? [`The server repository is read from ${args.serverApi.url} (${args.serverApi.why}).`]
      : [];
  return { warnings, notices: notice ? [notice] : [], ...(infos.length > 0 && { infos }) };
}

/** Refuses a runner that cannot run the action (RunnerError); logs the warnings and notices. */
export function checkRunner(
  ctx: Pick<RunContext, 'tk' | 'env'> & {
    config: { uploadArtifactsAuto: boolean; serverApi?: Pick<ServerApi, 'url' | 'why'> };
  },
  platform: string = process.platform,
  arch: string = process.arch,
): void {
  const found = runnerFindings({
    platform,
    arch,
    serverUrl: ctx.env.GITHUB_SERVER_URL,
    uploadArtifactsAuto: ctx.config.uploadArtifactsAuto,
    apiUrl: ctx.env.GITHUB_API_URL,
    ...(ctx.config.serverApi && { serverApi: ctx.config.serverApi }),
  });
  if (found.refuse) throw new RunnerError(found.refuse);
  for (const w of found.warnings) ctx.tk.warning(w, { title: 'runner' });
  for (const n of found.notices) ctx.tk.notice(n, { title: 'GitHub Enterprise Server' });
  for (const i of found.infos ?? []) ctx.tk.info(i);
}

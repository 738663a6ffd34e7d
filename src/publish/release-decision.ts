// Whether this run uploads to a release, and to which tag of which repository. Pure: decided from
// the inputs, the runner's GITHUB_REF / GITHUB_EVENT_NAME / GITHUB_REPOSITORY and the failed targets.
import type { ReleaseMode } from '../inputs';

export type ReleaseDecision = { upload: false; reason: string } | { upload: true; tag: string };

export function decideRelease(
  mode: ReleaseMode,
  releaseTag: string | undefined,
  env: { GITHUB_REF?: string; GITHUB_EVENT_NAME?: string },
): ReleaseDecision {
  const ref = env.GITHUB_REF ?? '';
  const refTag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  if (mode === 'false') return { upload: false, reason: 'release is false' };
  if (mode === 'true') {
    const tag = releaseTag ?? refTag;
    if (tag === undefined) {
      throw new Error(
        `Input release: "true" needs a tag, but this run is for ${ref || 'no ref'}: set release-tag (e.g. release-tag: v1.0.0), or run on a tag push`,
      );
    }
    return { upload: true, tag };
  }
  if (releaseTag !== undefined) return { upload: true, tag: releaseTag };
  if (refTag !== undefined && (env.GITHUB_EVENT_NAME === 'push' || env.GITHUB_EVENT_NAME === 'release')) {
    return { upload: true, tag: refTag };
  }
  return {
    upload: false,
    reason: `release is auto and this run is not for a tag push or a release (${env.GITHUB_EVENT_NAME ?? 'no event'} on ${ref || 'no ref'})`,
  };
}

export type ReleaseUpload =
  | { upload: false; reason: string }
  /** The run would upload but must not: the message fails the step. */
  | { upload: false; problem: string }
  | { upload: true; owner: string; repo: string; tag: string };

/**
 * Whether this run's plugins go to a release and where: the decision above, then never a partial
 * set of architectures (a release is what users download), then the repository of the run.
 */
export function releaseUpload(
  mode: ReleaseMode,
  releaseTag: string | undefined,
  env: { GITHUB_REF?: string; GITHUB_EVENT_NAME?: string; GITHUB_REPOSITORY?: string },
  failedTargets: readonly string[],
): ReleaseUpload {
  const decision = decideRelease(mode, releaseTag, env);
  if (!decision.upload) return decision;
  if (failedTargets.length > 0) {
    return {
      upload: false,
      problem: `not uploaded to release ${decision.tag} because the build failed for ${failedTargets.join(', ')}`,
    };
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new Error('GITHUB_REPOSITORY is not set, so the release to upload to is unknown');
  return { upload: true, owner, repo, tag: decision.tag };
}

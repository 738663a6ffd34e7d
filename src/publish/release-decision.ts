// Whether this run uploads to a release, and to which tag. Pure: decided from the inputs and the
// runner's GITHUB_REF / GITHUB_EVENT_NAME.
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

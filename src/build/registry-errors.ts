// Why a registry refused `docker pull`, in words a plugin author can act on. Pure: takes the
// pull's output. A tag that does not exist is not a refusal (the caller says which targets lack
// an image); these are the refusals that retrying the same pull a few seconds later will not fix.

export interface RegistryRefusal {
  /** What happened, one line. */
  reason: string;
  /** What to do. */
  fix: string;
}

export function registryRefusal(output: string): RegistryRefusal | undefined {
  if (/toomanyrequests|too many requests|pull rate limit/i.test(output)) {
    return {
      reason:
        "the registry refused the pull: too many requests (Docker Hub's pull rate limit for anonymous pulls from this runner's address)",
      fix: 'Log in to Docker Hub before this step (docker/login-action with a Docker Hub user and an access token), so pulls count against that account; or push the builder images to a registry of your own (e.g. ghcr.io) and set build-image to it.',
    };
  }
  if (
    /unauthorized|authentication required|denied: requested access|access to the resource is denied|insufficient_scope/i.test(
      output,
    )
  ) {
    return {
      reason:
        'the registry refused the pull: it needs a login for this image, or the image does not exist under this name',
      fix: 'Check build-image (the name without a tag); for a private registry log in before this step (docker/login-action).',
    };
  }
  return undefined;
}

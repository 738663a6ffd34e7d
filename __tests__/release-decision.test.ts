import { describe, expect, it } from 'vitest';
import { decideRelease } from '../src/publish/release-decision';

describe('decideRelease', () => {
  it.each([
    ['auto', undefined, 'refs/tags/v1.2.0', 'push', { upload: true, tag: 'v1.2.0' }],
    ['auto', undefined, 'refs/tags/v1.2.0', 'release', { upload: true, tag: 'v1.2.0' }],
    ['auto', 'v9', 'refs/heads/main', 'workflow_dispatch', { upload: true, tag: 'v9' }],
    ['true', undefined, 'refs/tags/v3', 'workflow_dispatch', { upload: true, tag: 'v3' }],
    ['true', 'v4', 'refs/tags/v3', 'push', { upload: true, tag: 'v4' }],
  ] as const)('%s %s %s %s', (mode, tag, ref, event, want) => {
    expect(decideRelease(mode, tag, { GITHUB_REF: ref, GITHUB_EVENT_NAME: event })).toEqual(want);
  });

  it.each([
    ['auto', 'refs/heads/main', 'push', /not for a tag push or a release \(push on refs\/heads\/main\)/],
    ['auto', 'refs/pull/3/merge', 'pull_request', /pull_request on refs\/pull\/3\/merge/],
    ['false', 'refs/tags/v1', 'push', /release is false/],
  ] as const)('%s on %s (%s) does not upload', (mode, ref, event, reason) => {
    const d = decideRelease(mode, undefined, { GITHUB_REF: ref, GITHUB_EVENT_NAME: event });
    expect(d.upload).toBe(false);
    expect(d.upload === false && d.reason).toMatch(reason);
  });

  it('explains what "true" needs', () => {
    expect(() => decideRelease('true', undefined, { GITHUB_REF: 'refs/heads/main' })).toThrow(
      'Input release: "true" needs a tag, but this run is for refs/heads/main: set release-tag',
    );
  });
});
